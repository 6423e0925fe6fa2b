"""MXNet's fluent Symbol methods: ``sym.reshape((0, -1))``, ``sym.softmax(axis=1)``,
``sym.abs()`` ... each the operator of the same name applied to the symbol.

A method is there when its operator is registered, so new operators need no list here
beyond MXNet's method names.

>>> import core as mx
>>> mx.sym.Variable("x").reshape((-1, 2)).infer_shape(x=(3, 4))[1]
[(6, 2)]
"""
from __future__ import annotations

from ..ndarray.fluent import FLUENT, split_positional


def fluent_method(symbol, name, make):
    """``symbol.<name>`` as a bound fluent method, or None if there is none; ``make`` builds
    a node (symbol.make, passed in so that this module needs nothing of symbol.py)."""
    from ..ops import OPS
    if name == "split_v2":   # MXNet's Python function over _split_v2
        from ..ops.split_v2 import split_v2_attrs

        def split(indices_or_sections, axis=0, squeeze_axis=False, name=None, attr=None):
            attrs = split_v2_attrs(indices_or_sections, axis, squeeze_axis)
            return make("_split_v2", [symbol], attrs, name=name, attr=attr)
        return split
    op_name = FLUENT.get(name)
    if op_name is None or op_name not in OPS:
        return None
    Symbol = type(symbol)

    def method(*args, **kwargs):
        if name == "reshape":
            args, kwargs = (), {**kwargs, "shape": _shape_argument(args, kwargs)}
        node_name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
        inputs, kwargs = split_positional(op_name, args, kwargs, Symbol)
        return make(op_name, [symbol, *inputs], kwargs, name=node_name, attr=attr)
    method.__name__ = name
    method.__doc__ = f"``{op_name}`` applied to this symbol (MXNet's fluent method)."
    return method


def _shape_argument(args, kwargs):
    if "shape" in kwargs:
        return tuple(kwargs.pop("shape"))
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)
