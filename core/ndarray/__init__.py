"""``mx.nd``: array creation, math, operators called imperatively, and .params files.

>>> import core as mx
>>> float(mx.nd.ones((2, 3)).sum().asscalar())
6.0
"""
from __future__ import annotations

import numpy as np

from ..context import Context, current_context
from ..errors import ShapeError
from .ndarray import NDArray, from_data
from . import random  # noqa: F401  (mx.nd.random.normal)
from .imperative import invoke
from .io import load, load_frombuffer, save
from .wrappers import histogram, split_v2  # noqa: F401
from . import linalg  # noqa: F401  (mx.nd.linalg.potrf ...)


def _ctx(ctx):
    return ctx if isinstance(ctx, Context) else current_context()


def _fill(shape, value, ctx, dtype, out=None):
    if out is not None:
        return deliver(NDArray(out.xp.full(out.shape, value, dtype=out._data.dtype), out.context), out)
    ctx = _ctx(ctx)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return NDArray(ctx.xp.full(shape, value, dtype=np.dtype(dtype or np.float32)), ctx)


def deliver(result, out):
    """MXNet's ``out=``: ``result`` written into ``out`` (same shape), which is returned."""
    if out is None:
        return result
    if not isinstance(out, NDArray):
        raise TypeError(f"out= must be an NDArray, got {type(out).__name__}")
    if out.shape != result.shape:
        raise ShapeError(f"out= has shape {out.shape}, the result has shape {result.shape}")
    out[:] = result
    return out


def array(source, ctx=None, dtype=None):
    return from_data(source, _ctx(ctx), dtype)


def zeros(shape, ctx=None, dtype=None, out=None, stype=None):
    return _fill(shape, 0, ctx, dtype, out)


def ones(shape, ctx=None, dtype=None, out=None, stype=None):
    return _fill(shape, 1, ctx, dtype, out)


def full(shape, val, ctx=None, dtype=None, out=None, stype=None):
    return _fill(shape, val, ctx, dtype, out)


def empty(shape, ctx=None, dtype=None):
    return _fill(shape, 0, ctx, dtype)


def arange(start, stop=None, step=1.0, repeat=1, ctx=None, dtype=None):
    ctx = _ctx(ctx)
    values = ctx.xp.arange(start, stop, step, dtype=np.dtype(dtype or np.float32))
    return NDArray(ctx.xp.repeat(values, repeat) if repeat > 1 else values, ctx)


def zeros_like(a):
    return NDArray(a.xp.zeros_like(a._data), a.context)


def ones_like(a):
    return NDArray(a.xp.ones_like(a._data), a.context)


def waitall():
    """Wait for all pending work. NumPy is synchronous; CuPy work is synchronised."""
    try:
        import cupy
        cupy.cuda.Device().synchronize()
    except Exception:
        pass


def _unary(op_name, fn=None):
    def apply(data, out=None, name=None):
        xp = data.xp
        result = fn(xp, data._data) if fn else getattr(xp, op_name)(data._data)
        return deliver(NDArray(result, data.context), out)
    apply.__name__ = op_name
    apply.__doc__ = f"Elementwise {op_name}."
    return apply


log = _unary("log")
exp = _unary("exp")
sqrt = _unary("sqrt")
abs = _unary("abs")  # noqa: A001 (MXNet's name)
square = _unary("square")
sign = _unary("sign")
floor = _unary("floor")
ceil = _unary("ceil")
round = _unary("round")  # noqa: A001
negative = _unary("negative")
sin = _unary("sin")
cos = _unary("cos")
tanh = _unary("tanh")
log1p = _unary("log1p")
expm1 = _unary("expm1")
sigmoid = _unary("sigmoid", lambda xp, x: 1 / (1 + xp.exp(-x)))
relu = _unary("relu", lambda xp, x: xp.maximum(x, 0))


def _binary(name, op):
    """A binary function of NDArrays and/or scalars with MXNet's dtype rules (arithmetic.py)."""
    def apply(lhs, rhs):
        if isinstance(lhs, NDArray):
            return lhs._arith(rhs, op)
        return rhs._arith(lhs, op, reflected=True)
    apply.__name__ = name
    return apply


def _comparison(name, relation):
    """1 where the relation holds, else 0, in the arrays' dtype (as MXNet's)."""
    def apply(lhs, rhs):
        if isinstance(lhs, NDArray):
            return lhs._compare(rhs, relation)
        return rhs._compare(lhs, lambda b, a: relation(a, b))
    apply.__name__ = name
    return apply


maximum = _binary("maximum", "maximum")
minimum = _binary("minimum", "minimum")
add = broadcast_add = elemwise_add = _binary("add", "add")
subtract = broadcast_sub = broadcast_minus = elemwise_sub = _binary("subtract", "sub")
multiply = broadcast_mul = elemwise_mul = _binary("multiply", "mul")
divide = broadcast_div = elemwise_div = _binary("divide", "div")
modulo = broadcast_mod = _binary("modulo", "mod")
power = broadcast_power = _binary("power", "pow")
broadcast_maximum = maximum
broadcast_minimum = minimum
equal = broadcast_equal = _comparison("equal", lambda a, b: a == b)
not_equal = broadcast_not_equal = _comparison("not_equal", lambda a, b: a != b)
greater = broadcast_greater = _comparison("greater", lambda a, b: a > b)
greater_equal = broadcast_greater_equal = _comparison("greater_equal", lambda a, b: a >= b)
lesser = broadcast_lesser = _comparison("lesser", lambda a, b: a < b)
lesser_equal = broadcast_lesser_equal = _comparison("lesser_equal", lambda a, b: a <= b)


def dot(lhs, rhs, transpose_a=False, transpose_b=False):
    a = lhs._data.T if transpose_a else lhs._data
    b = rhs._data.T if transpose_b else rhs._data
    return lhs._binary(NDArray(b, rhs.context), lambda _, y: lhs.xp.tensordot(a, y, axes=1))


def batch_dot(lhs, rhs, transpose_a=False, transpose_b=False):
    a = lhs._data.swapaxes(-1, -2) if transpose_a else lhs._data
    b = rhs._data.swapaxes(-1, -2) if transpose_b else rhs._data
    return NDArray(a @ b, lhs.context)


def sum(data, axis=None, keepdims=False, exclude=False, out=None, name=None):  # noqa: A001
    if exclude:
        axis = _excluded_axes(data.ndim, axis)
    return deliver(data.sum(axis=axis, keepdims=keepdims), out)


def mean(data, axis=None, keepdims=False, exclude=False, out=None, name=None):
    if exclude:
        axis = _excluded_axes(data.ndim, axis)
    return deliver(data.mean(axis=axis, keepdims=keepdims), out)


def max(data, axis=None, keepdims=False, exclude=False, out=None, name=None):  # noqa: A001
    if exclude:
        axis = _excluded_axes(data.ndim, axis)
    return deliver(data.max(axis=axis, keepdims=keepdims), out)


def min(data, axis=None, keepdims=False, exclude=False, out=None, name=None):  # noqa: A001
    if exclude:
        axis = _excluded_axes(data.ndim, axis)
    return deliver(data.min(axis=axis, keepdims=keepdims), out)


def _excluded_axes(ndim, axis):
    """MXNet's ``exclude=True``: reduce over every axis but the given ones."""
    kept = {axis % ndim} if isinstance(axis, int) else {a % ndim for a in (axis or ())}
    return tuple(a for a in range(ndim) if a not in kept)


def argmax(data, axis=None, keepdims=False):
    return data.argmax(axis=axis, keepdims=keepdims)


def argmin(data, axis=None, keepdims=False):
    return data.argmin(axis=axis, keepdims=keepdims)


def clip(data, a_min, a_max):
    return data.clip(a_min, a_max)


def reshape(data, shape, reverse=False):
    return data.reshape(shape, reverse=reverse)


def transpose(data, axes=None):
    return data.transpose(axes or ())


def flatten(data):
    return data.flatten()


def concat(*arrays, dim=1):
    return NDArray(arrays[0].xp.concatenate([a._data for a in arrays], axis=dim), arrays[0].context)


concatenate = concat


def stack(*arrays, axis=0):
    return NDArray(arrays[0].xp.stack([a._data for a in arrays], axis=axis), arrays[0].context)


def softmax(data, axis=-1):
    return data.softmax(axis)


def log_softmax(data, axis=-1):
    x = data._data - data._data.max(axis=axis, keepdims=True)
    return NDArray(x - data.xp.log(data.xp.exp(x).sum(axis=axis, keepdims=True)), data.context)


def one_hot(indices, depth, on_value=1.0, off_value=0.0, dtype=None):
    xp = indices.xp
    hot = xp.arange(depth) == indices._data.astype(np.int64)[..., None]
    return NDArray(xp.where(hot, on_value, off_value).astype(np.dtype(dtype or np.float32)), indices.context)


from .numpy_like import *  # noqa: E402,F401,F403  (eye, linspace, logical_and, moveaxis, ...)


def __getattr__(name):
    """Registered operators called imperatively: ``mx.nd.FullyConnected(x, w, b, num_hidden=3)``."""
    from ..ops import OPS
    if name in OPS:
        def call(*args, **kwargs):
            return invoke(name, *args, **kwargs)
        call.__name__ = name
        return call
    raise AttributeError(f"module 'core.nd' has no attribute {name!r}")
