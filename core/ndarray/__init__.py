"""``mx.nd``: array creation, math, operators called imperatively, and .params files.

>>> import core as mx
>>> float(mx.nd.ones((2, 3)).sum().asscalar())
6.0
"""
from __future__ import annotations

import numpy as np

from ..context import Context, current_context
from .ndarray import NDArray, from_data
from . import random  # noqa: F401  (mx.nd.random.normal)
from .imperative import invoke
from .io import load, save


def _ctx(ctx):
    return ctx if isinstance(ctx, Context) else current_context()


def _fill(shape, value, ctx, dtype):
    ctx = _ctx(ctx)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return NDArray(ctx.xp.full(shape, value, dtype=np.dtype(dtype or np.float32)), ctx)


def array(source, ctx=None, dtype=None):
    return from_data(source, _ctx(ctx), dtype)


def zeros(shape, ctx=None, dtype=None, **kwargs):
    return _fill(shape, 0, ctx, dtype)


def ones(shape, ctx=None, dtype=None, **kwargs):
    return _fill(shape, 1, ctx, dtype)


def full(shape, val, ctx=None, dtype=None, **kwargs):
    return _fill(shape, val, ctx, dtype)


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


def _unary(name, fn=None):
    def apply(data, out=None, **kwargs):
        xp = data.xp
        result = NDArray(fn(xp, data._data) if fn else getattr(xp, name)(data._data), data.context)
        if out is not None:
            out[:] = result
            return out
        return result
    apply.__name__ = name
    apply.__doc__ = f"Elementwise {name}."
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


def _binary(name, fn):
    """A binary function of NDArrays and/or scalars; ``fn(xp, a, b)`` on raw arrays."""
    def apply(lhs, rhs):
        if isinstance(lhs, NDArray):
            return lhs._binary(rhs, lambda a, b: fn(lhs.xp, a, b))
        return rhs._binary(lhs, lambda b, a: fn(rhs.xp, a, b))
    apply.__name__ = name
    return apply


maximum = _binary("maximum", lambda xp, a, b: xp.maximum(a, b))
minimum = _binary("minimum", lambda xp, a, b: xp.minimum(a, b))
add = broadcast_add = elemwise_add = _binary("add", lambda xp, a, b: a + b)
subtract = broadcast_sub = broadcast_minus = elemwise_sub = _binary("subtract", lambda xp, a, b: a - b)
multiply = broadcast_mul = elemwise_mul = _binary("multiply", lambda xp, a, b: a * b)
divide = broadcast_div = elemwise_div = _binary("divide", lambda xp, a, b: a / b)
power = broadcast_power = _binary("power", lambda xp, a, b: a ** b)
broadcast_maximum = maximum
broadcast_minimum = minimum
equal = _binary("equal", lambda xp, a, b: xp.asarray(a == b, dtype=np.float32))
not_equal = _binary("not_equal", lambda xp, a, b: xp.asarray(a != b, dtype=np.float32))
greater = _binary("greater", lambda xp, a, b: xp.asarray(a > b, dtype=np.float32))
lesser = _binary("lesser", lambda xp, a, b: xp.asarray(a < b, dtype=np.float32))


def dot(lhs, rhs, transpose_a=False, transpose_b=False):
    a = lhs._data.T if transpose_a else lhs._data
    b = rhs._data.T if transpose_b else rhs._data
    return lhs._binary(NDArray(b, rhs.context), lambda _, y: lhs.xp.tensordot(a, y, axes=1))


def batch_dot(lhs, rhs, transpose_a=False, transpose_b=False):
    a = lhs._data.swapaxes(-1, -2) if transpose_a else lhs._data
    b = rhs._data.swapaxes(-1, -2) if transpose_b else rhs._data
    return NDArray(a @ b, lhs.context)


def sum(data, axis=None, keepdims=False, **kw):  # noqa: A001
    return data.sum(axis=axis, keepdims=keepdims)


def mean(data, axis=None, keepdims=False, **kw):
    return data.mean(axis=axis, keepdims=keepdims)


def max(data, axis=None, keepdims=False, **kw):  # noqa: A001
    return data.max(axis=axis, keepdims=keepdims)


def min(data, axis=None, keepdims=False, **kw):  # noqa: A001
    return data.min(axis=axis, keepdims=keepdims)


def argmax(data, axis=None, keepdims=False):
    return data.argmax(axis=axis, keepdims=keepdims)


def argmin(data, axis=None, keepdims=False):
    return data.argmin(axis=axis, keepdims=keepdims)


def clip(data, a_min, a_max):
    return data.clip(a_min, a_max)


def reshape(data, shape):
    return data.reshape(shape)


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


def __getattr__(name):
    """Registered operators called imperatively: ``mx.nd.FullyConnected(x, w, b, num_hidden=3)``."""
    from ..ops import OPS
    if name in OPS:
        def call(*args, **kwargs):
            return invoke(name, *args, **kwargs)
        call.__name__ = name
        return call
    raise AttributeError(f"module 'core.nd' has no attribute {name!r}")
