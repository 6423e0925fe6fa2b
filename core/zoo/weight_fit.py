"""Fit renamed weights onto a Symbol: every tensor must land on a parameter of the right
shape, and every parameter must get one. Shared by the converters of PyTorch weights
(convert_efficientnet, torchvision_weights).

>>> import numpy as np
>>> from core.zoo.builtin import get_symbol
>>> weights = {"fc.bias": ("dense1_bias", np.zeros(3))}
>>> fit_to_symbol(weights, get_symbol("lenet"), (1, 28, 28), "lenet")
Traceback (most recent call last):
...
core.errors.FormatError: fc.bias: maps to 'dense1_bias', which the lenet network does not have
"""
from __future__ import annotations

import numpy as np

from ..errors import FormatError


def fit_to_symbol(renamed, symbol, input_shape, network):
    """``renamed``: {source key: (our parameter name, array)}. Returns ``(arg_params,
    aux_params)`` as float32 NumPy arrays; FormatError names the first tensor that does
    not fit, or the parameters nothing filled."""
    args, _, auxs = symbol.infer_shape(data=(1, *input_shape))
    wanted = dict(zip(symbol.list_arguments(), args))
    wanted_aux = dict(zip(symbol.list_auxiliary_states(), auxs))
    arg_params, aux_params = {}, {}
    for key, (name, tensor) in renamed.items():
        table, store = (wanted_aux, aux_params) if name in wanted_aux else (wanted, arg_params)
        if name not in table:
            raise FormatError(f"{key}: maps to {name!r}, which the {network} network does not have")
        array = np.ascontiguousarray(tensor, dtype=np.float32)
        target = tuple(table[name])
        if array.ndim < len(target) and array.shape + (1,) * (len(target) - array.ndim) == target:
            array = array.reshape(target)      # a Linear applied per pixel is a 1x1 convolution
        if tuple(array.shape) != target:
            raise FormatError(f"{key}: shape {tuple(array.shape)}, but {name!r} needs {tuple(table[name])}")
        store[name] = array
    missing = [n for n in wanted if n not in arg_params and n not in ("data", "softmax_label")]
    missing += [n for n in wanted_aux if n not in aux_params]
    if missing:
        raise FormatError(f"the weights lack {len(missing)} tensors the {network} network needs, "
                          f"e.g. {missing[:5]}")
    return arg_params, aux_params
