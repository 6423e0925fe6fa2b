"""Compiled CPU kernels (numba), for the loops NumPy cannot express in one pass.

Why: a NumPy kernel made of many small calls (one per kernel offset, one per pooling
cell) is bound by memory traffic and holds the GIL between calls, so it neither runs
fast on one core nor scales to two. A compiled loop reads each value once, and it
releases the GIL (``nogil``), so ``parallel.run`` can give each core a share of the
samples or channels and both really run.

Rules for kernels:

- write them with ``@kernel`` on plain loops over NumPy arrays; the decorator compiles on
  first call (numba's on-disk cache keeps the result, so a machine compiles each once:
  in ``__pycache__`` beside the module, or the user's cache directory);
- a kernel takes a range (``lo, hi``) of samples, channels or rows and writes only there,
  so ``parallel.run`` can split it; no ``parallel=True`` (numba's default workqueue pool
  aborts the process when two threads launch kernels at once: a GUI classifying while
  it trains);
- every caller keeps its NumPy path: ``enabled(xp)`` is False for CuPy arrays, when
  numba is not installed, or with ``NETSTUDIO_JIT=0``; tests compare the two paths.

Floating point: ``reassoc``/``contract`` let sums vectorise; NaN and inf still propagate
(no ``nnan``/``ninf``), so a diverging run is still seen as diverging.

>>> import numpy as np
>>> @kernel
... def twice(x, out, lo, hi):
...     for i in range(lo, hi):
...         out[i] = 2 * x[i]
>>> out = np.zeros(3, np.float32)
>>> twice(np.ones(3, np.float32), out, 0, 3) if enabled(np) else out.fill(2)
>>> out.tolist()
[2.0, 2.0, 2.0]
"""
from __future__ import annotations

import importlib
import os
import threading
from contextlib import contextmanager

import numpy as np

FASTMATH = {"reassoc", "contract", "arcp"}
#: the array types the compiled kernels are written for (others keep the NumPy paths)
FLOATS = (np.dtype(np.float32), np.dtype(np.float64))

#: False turns compiled kernels off (``NETSTUDIO_JIT=0``); tests flip it to run NumPy paths
ENABLED = os.environ.get("NETSTUDIO_JIT", "1").strip().lower() not in ("0", "false", "no", "off")

_numba = None
_checked = False
_lock = threading.Lock()


def _load_numba():
    global _numba, _checked
    if not _checked:
        with _lock:
            if not _checked:
                try:
                    _numba = importlib.import_module("numba")
                except ImportError:   # an optional speed-up: NumPy paths run without it
                    _numba = None
                _checked = True
    return _numba


#: why the compiled kernels are off (for describe), when they are
_OFF_BECAUSE = "turned off by NETSTUDIO_JIT=0"


@contextmanager
def enabled_within(flag, because="turned off for this job"):
    """Within the block, the compiled kernels are on or off (``because`` says why they are
    off, for describe); the switch and its reason as they were come back after. Kernels
    already running finish."""
    global ENABLED, _OFF_BECAUSE
    before = ENABLED, _OFF_BECAUSE
    ENABLED = bool(flag)
    if not flag:
        _OFF_BECAUSE = because
    try:
        yield
    finally:
        ENABLED, _OFF_BECAUSE = before


def available():
    """Whether compiled kernels can run here (numba importable and not turned off)."""
    return ENABLED and _load_numba() is not None


def numba_version():
    """numba's version, or None when it is not installed."""
    numba = _load_numba()
    return None if numba is None else numba.__version__


def describe():
    """One line for About and the self-test: which kernels run on the CPU."""
    if not ENABLED:
        return f"NumPy (compiled kernels {_OFF_BECAUSE})"
    numba = _load_numba()
    if numba is None:
        return "NumPy (numba is not installed: pip install numba)"
    return f"compiled (numba {numba.__version__})"


def enabled(xp):
    """Whether to use the compiled kernels for arrays of module ``xp``."""
    return xp is np and available()


def enabled_for(xp, dtype):
    """Whether to use the compiled kernels for ``xp`` arrays of ``dtype`` (a float type)."""
    return dtype in FLOATS and enabled(xp)


class Kernel:
    """A function compiled by numba on its first call (nogil, cached on disk)."""

    def __init__(self, function):
        self.function = function
        self.__doc__ = function.__doc__
        self.__name__ = function.__name__
        self.__qualname__ = function.__qualname__
        self.__module__ = function.__module__
        self._compiled = None

    def __call__(self, *args):
        compiled = self._compiled
        if compiled is None:
            compiled = self._compile()
        return compiled(*args)

    def _compile(self):
        numba = _load_numba()
        if numba is None:
            raise RuntimeError(f"{self.__name__}: numba is not installed (check jit.enabled first)")
        with _lock:
            if self._compiled is None:
                try:
                    self._compiled = numba.njit(nogil=True, cache=True, fastmath=FASTMATH)(self.function)
                except RuntimeError:   # no file to cache against (a doctest, an interpreter)
                    self._compiled = numba.njit(nogil=True, fastmath=FASTMATH)(self.function)
        return self._compiled


def kernel(function):
    """Decorator: ``function`` becomes a lazily compiled :class:`Kernel`."""
    return Kernel(function)
