"""Random numbers for operators (Dropout's mask, rrelu's slopes), drawn from the seedable
generator behind ``mx.random.seed`` so runs repeat."""
from __future__ import annotations

import numpy as np

from .. import random_state


def _floating(dtype):
    # the generators draw float32 or float64 only; other inputs are computed in float32
    return dtype if np.dtype(dtype) in (np.float32, np.float64) else np.float32


def uniform(xp, low, high, shape, dtype):
    """Samples from U[low, high) with the given shape and dtype."""
    draw = random_state.generator(xp).random(shape, dtype=_floating(dtype))
    return (low + (high - low) * draw).astype(dtype, copy=False)


def keep_mask(xp, keep, shape, dtype):
    """1 with probability ``keep``, else 0."""
    draw = random_state.generator(xp).random(shape, dtype=_floating(dtype))
    return (draw < keep).astype(dtype)
