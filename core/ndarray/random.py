"""``mx.nd.random``: random arrays from the seedable source (``mx.random.seed``)."""
from __future__ import annotations

import numpy as np

from ..context import current_context
from ..random_state import generator
from .ndarray import NDArray


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape or (1,))


def _make(draw, shape, ctx, dtype, out):
    ctx = ctx or (out.context if out is not None else current_context())
    values = draw(generator(ctx.xp), _shape(out.shape if out is not None else shape))
    values = values.astype(np.dtype(dtype or np.float32), copy=False)
    if out is not None:
        out._data[...] = values
        return out
    return NDArray(values, ctx)


def uniform(low=0.0, high=1.0, shape=(1,), ctx=None, dtype=None, out=None, **kwargs):
    return _make(lambda g, s: g.uniform(low, high, s), shape, ctx, dtype, out)


def normal(loc=0.0, scale=1.0, shape=(1,), ctx=None, dtype=None, out=None, **kwargs):
    return _make(lambda g, s: g.normal(loc, scale, s), shape, ctx, dtype, out)


def randint(low, high, shape=(1,), ctx=None, dtype="int32", out=None, **kwargs):
    return _make(lambda g, s: g.integers(low, high, s), shape, ctx, dtype, out)


def shuffle(data):
    order = generator(data.xp).permutation(data.shape[0])
    return NDArray(data._data[order], data.context)


randn = normal
