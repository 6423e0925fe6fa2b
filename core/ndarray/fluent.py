"""MXNet's fluent methods: ``x.floor()``, ``x.broadcast_like(y)``, ``sym.softmax(axis=1)`` ...
each the operator of that name applied to the array (or symbol). A method exists when its
operator is registered, so a new operator needs no list beyond MXNet's method names.

>>> import core as mx
>>> mx.nd.array([1.5, -1.5]).floor().asnumpy().tolist()
[1.0, -2.0]
"""
from __future__ import annotations

import functools

#: MXNet 1.9.1's fluent methods of Symbol, with the operator each one calls
FLUENT = {name: name for name in (
    "reshape_like", "zeros_like", "ones_like", "broadcast_to", "broadcast_like", "tile", "repeat",
    "pad", "split_v2", "slice", "slice_axis", "slice_like", "take", "one_hot", "pick", "sort",
    "topk", "argsort", "argmax", "argmax_channel", "argmin", "clip", "abs", "sign", "expand_dims",
    "squeeze", "transpose", "flip", "depth_to_space", "space_to_depth", "diag", "sum", "nansum",
    "prod", "nanprod", "mean", "max", "min", "norm", "round", "rint", "fix", "floor", "ceil",
    "trunc", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "degrees", "radians", "sinh",
    "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "exp", "expm1", "log", "log10", "log2",
    "log1p", "sqrt", "rsqrt", "cbrt", "rcbrt", "square", "reciprocal", "relu", "sigmoid",
    "softmax", "log_softmax", "softmin", "shape_array", "size_array")}
FLUENT.update({"reshape": "Reshape", "flatten": "Flatten", "swapaxes": "SwapAxis",
               "split": "SliceChannel", "broadcast_axes": "broadcast_axis", "astype": "Cast"})



def fluent_method(array, name):
    """``array.<name>`` as a bound fluent method, or None if there is none."""
    from ..ops import OPS
    if name == "split_v2":   # MXNet's Python function over _split_v2
        from .wrappers import split_v2
        return functools.partial(split_v2, array)
    op_name = FLUENT.get(name)
    if op_name is None or op_name not in OPS:
        return None
    from .imperative import invoke
    from .ndarray import NDArray

    def method(*args, **kwargs):
        inputs, kwargs = split_positional(op_name, args, kwargs, NDArray)
        return invoke(op_name, array, *inputs, **kwargs)
    method.__name__ = name
    method.__doc__ = f"``{op_name}`` applied to this array (MXNet's fluent method)."
    return method


def split_positional(op_name, args, kwargs, array_type):
    """Positional arguments after the inputs are the operator's attributes in its order
    (``x.clip(-1, 1)`` is ``clip(x, a_min=-1, a_max=1)``), as MXNet's generated methods."""
    from ..ops import OPS
    inputs = [a for a in args if isinstance(a, array_type)]
    rest = [a for a in args if not isinstance(a, array_type)]
    names = [n for n in OPS.get(op_name).params if n not in kwargs]
    if len(rest) > len(names):
        raise TypeError(f"{op_name}: {len(rest)} positional attributes given, it takes {names}")
    return inputs, {**kwargs, **dict(zip(names, rest))}
