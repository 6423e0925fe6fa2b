"""One seedable random source per array module, behind ``mx.random.seed``."""
from __future__ import annotations

import numpy as np

_generators = {}
_seed = None


def seed(value):
    """Reseed every random source (``mx.random.seed(42)``) and NumPy's global one."""
    global _seed
    _seed = int(value)
    _generators.clear()
    np.random.seed(_seed % (2 ** 32))


def generator(xp=np):
    """The generator for an array module, created on first use."""
    key = xp.__name__
    if key not in _generators:
        if xp is np:
            _generators[key] = np.random.default_rng(_seed)
        else:
            _generators[key] = xp.random.default_rng(_seed)
    return _generators[key]
