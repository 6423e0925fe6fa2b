"""Which CPU kernels a one-shot command runs: NumPy paths for a few pictures, compiled
kernels for many.

Loading the compiled kernels is a fixed cost paid once per process (about 0.7 s for
EfficientNet-Lite0's eight kernels from numba's cache, several seconds to compile them
on a fresh install); each picture then runs a few milliseconds faster. Measured with
``benchmarks/cli_start.py`` and by hand on 2 cores (2026-12-08, warm caches): one picture
0.6 s on NumPy paths and 1.25 s compiled, for the classifier and the detector alike; 24
pictures 1.4-1.7 s and 1.6-1.8 s (classify), 2.1 s and 2.3-2.5 s (detect); 64 pictures
2.6-2.9 s and 2.6-2.7 s (classify), 5.2-6.7 s and 4.9-5.0 s (detect): the break-even is
near 60 pictures. ``NETSTUDIO_JIT`` set by the user always wins.
"""
from __future__ import annotations

import os
from contextlib import nullcontext

#: from this many pictures on, a command loads the compiled kernels
COMPILED_FROM_PICTURES = 64


def chosen_for(pictures: int):
    """A context for a command about to process ``pictures`` pictures: NumPy paths inside
    it for a few pictures (the setting before comes back after), the compiled kernels for
    many."""
    few = os.environ.get("NETSTUDIO_JIT") is None and pictures < COMPILED_FROM_PICTURES
    if not few:
        return nullcontext()
    from core.runtime import compiled_kernels
    return compiled_kernels(False, f"not loaded for {pictures} picture{'s' if pictures != 1 else ''} "
                                   f"(they pay off from {COMPILED_FROM_PICTURES})")
