"""MXNet's fluent Symbol methods: ``sym.reshape((0, -1))``, ``sym.softmax(axis=1)``,
``sym.abs()`` ... each the operator of the same name applied to the symbol.

A method is there when its operator is registered, so new operators need no list here
beyond MXNet's method names.

>>> import core as mx
>>> mx.sym.Variable("x").reshape((-1, 2)).infer_shape(x=(3, 4))[1]
[(6, 2)]
"""
from __future__ import annotations

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


def fluent_method(symbol, name):
    """``symbol.<name>`` as a bound fluent method, or None if there is none."""
    from ..ops import OPS
    op_name = FLUENT.get(name)
    if op_name is None or op_name not in OPS:
        return None
    from .ops import make

    def method(*args, **kwargs):
        if name == "reshape":
            args, kwargs = (), {**kwargs, "shape": _shape_argument(args, kwargs)}
        elif name == "astype":
            kwargs = {"dtype": args[0] if args else kwargs.pop("dtype")}
            args = ()
        node_name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
        return make(op_name, [symbol, *args], kwargs, name=node_name, attr=attr)
    method.__name__ = name
    method.__doc__ = f"``{op_name}`` applied to this symbol (MXNet's fluent method)."
    return method


def _shape_argument(args, kwargs):
    if "shape" in kwargs:
        return tuple(kwargs.pop("shape"))
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)
