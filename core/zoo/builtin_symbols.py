"""``mx.builtin_symbols.symbol_<name>.get_symbol(num_classes=...)``: the module path of the
builtin networks in GraphLab Create's MXNet (seed 002), over ``core.zoo.builtin``; a
name's ``-`` and ``.`` become ``_`` (``symbol_inception_bn_28_small``).

>>> import core as mx
>>> net = mx.builtin_symbols.symbol_inception_bn_28_small.get_symbol(num_classes=10)
>>> net.infer_shape(data=(1, 3, 28, 28))[1]
[(1, 10)]
"""
from __future__ import annotations

import re
from functools import partial
from types import SimpleNamespace

from .builtin import get_symbol, list_networks

PREFIX = "symbol_"


def module_name(network):
    """``inception-bn-28-small`` -> ``symbol_inception_bn_28_small``."""
    return PREFIX + re.sub(r"[-.]", "_", network)


_MODULES = {module_name(name): name for name in list_networks()}


def __getattr__(attribute):
    if attribute in _MODULES:
        network = _MODULES[attribute]
        return SimpleNamespace(__name__=f"{__name__}.{attribute}", get_symbol=partial(get_symbol, network))
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}; the builtin networks are "
                         f"{', '.join(sorted(_MODULES))}")


def __dir__():
    return sorted(_MODULES)
