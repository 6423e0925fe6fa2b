"""Which CPU kernels a one-shot command runs: NumPy paths for a few pictures, compiled
kernels for many.

Loading the compiled kernels is a fixed cost paid once per process (about 0.7 s for
EfficientNet-Lite0's eight kernels from numba's cache, several seconds to compile them
on a fresh install); each picture then runs a few milliseconds faster. Measured with
``benchmarks/cli_start.py`` on 2 cores: classifying 24 pictures took 1.9 s on NumPy
paths and 2.2 s compiled, one picture 0.7 s and 1.4 s; the break-even is near 50
pictures for the classifier (the detector's network gains less). ``NETSTUDIO_JIT`` set by
the user always wins.
"""
from __future__ import annotations

import os

#: from this many pictures on, a command loads the compiled kernels
COMPILED_FROM_PICTURES = 64


def choose_for(pictures: int) -> None:
    """Choose the kernels for a command about to process ``pictures`` pictures."""
    if os.environ.get("NETSTUDIO_JIT") is None and pictures < COMPILED_FROM_PICTURES:
        from core.runtime import use_compiled_kernels
        use_compiled_kernels(False)
