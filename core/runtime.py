"""What this process computes with: compiled kernels or NumPy, threads, process lanes,
devices. One public door for About, the self-test and bug reports, so nothing above the
engine reads the backend's modules.

>>> info = describe()
>>> info.threads >= 1 and info.max_lanes in (1, 2) and info.kernels.startswith(("compiled", "NumPy"))
True
"""
from __future__ import annotations

import platform
from dataclasses import dataclass

import numpy as np

from . import context
from .backend.cpu import jit, parallel
from .module.lane_policy import most_lanes


@dataclass(frozen=True)
class Runtime:
    #: one line: "compiled (numba 0.60.0)" or "NumPy (why not compiled)"
    kernels: str
    #: whether the CPU kernels run compiled (numba importable, NETSTUDIO_JIT not 0)
    compiled: bool
    numba_version: str | None
    #: pieces big kernels split into (NETSTUDIO_THREADS, default: the cores)
    threads: int
    #: processes a long CPU training may use (process lanes)
    max_lanes: int
    cpu: str
    numpy_version: str
    gpus: int
    #: why no GPU can be used, or None when one can
    gpu_unavailable: str | None

    def devices(self) -> str:
        """One line: the CPU, and the GPUs or why there are none."""
        cpu = f"CPU ({self.cpu}, NumPy {self.numpy_version})"
        if self.gpus:
            return f"{cpu}; {self.gpus} CUDA GPU{'s' if self.gpus != 1 else ''}"
        reason = self.gpu_unavailable or "no CUDA device"
        return f"{cpu}; no GPU: {reason.split('.')[0]}"

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) rows for About and the self-test."""
        return [("Devices", self.devices()), ("Kernels", self.kernels),
                ("Threads", f"{self.threads}, training in up to {self.max_lanes} "
                            f"process{'es' if self.max_lanes != 1 else ''}")]


def describe() -> Runtime:
    """The runtime as it is now (cheap: imports numba once, starts no device)."""
    gpus = context.num_gpus()
    return Runtime(kernels=jit.describe(), compiled=jit.available(),
                   numba_version=jit.numba_version(), threads=parallel.THREADS,
                   max_lanes=most_lanes(), cpu=platform.machine() or "unknown",
                   numpy_version=np.__version__, gpus=gpus,
                   gpu_unavailable=None if gpus else context.gpu_unavailable_reason())


def compiled_kernels(flag: bool, because: str = "turned off for this job"):
    """A context: within it, run the CPU kernels compiled (numba) or on NumPy paths; the
    setting before it comes back after. Loading the compiled kernels costs a fixed start-up
    time (from numba's cache ~0.1 s per kernel, seconds to compile on a fresh install), so
    a short one-shot job can be quicker on NumPy; ``NETSTUDIO_JIT=0`` turns them off for
    the whole process."""
    return jit.enabled_within(flag, because)
