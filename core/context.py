"""Devices. A Context names a device and gives the array module (NumPy or CuPy) for it.

>>> import core as mx
>>> mx.cpu()
cpu(0)
"""
from __future__ import annotations

import threading

import numpy as np

from .errors import DeviceError

_CUPY_HELP = ("GPU support needs CUDA and CuPy: install an NVIDIA driver and "
              "`pip install netstudio[gpu]` (cupy-cuda12x), or use mx.cpu().")


def _import_cupy():
    try:
        import cupy  # noqa: F401
    except Exception as error:  # ImportError, or CUDA libraries missing
        raise DeviceError(f"{_CUPY_HELP} (CuPy could not be imported: {error})") from error
    return cupy


def num_gpus() -> int:
    """How many CUDA devices CuPy sees; 0 where CuPy or CUDA is missing."""
    try:
        import cupy
        return int(cupy.cuda.runtime.getDeviceCount())
    except Exception:
        return 0


def gpu_unavailable_reason() -> str | None:
    """Why the GPU cannot be used, or None when at least one can."""
    try:
        import cupy
    except Exception as error:
        return f"CuPy is not installed ({error.__class__.__name__}). {_CUPY_HELP}"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as error:
        return f"CUDA is not available: {error}. {_CUPY_HELP}"
    return None if count > 0 else f"No CUDA device found. {_CUPY_HELP}"


class Context:
    """A device: ``Context('cpu', 0)`` or ``Context('gpu', 1)``; usable as a ``with`` block."""

    devtype2str = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
    devstr2type = {v: k for k, v in devtype2str.items()}
    _local = threading.local()

    def __init__(self, device_type, device_id=0):
        if isinstance(device_type, Context):
            device_type, device_id = device_type.device_type, device_type.device_id
        if device_type not in self.devstr2type:
            raise DeviceError(f"unknown device type {device_type!r}; expected 'cpu' or 'gpu'")
        self.device_type = device_type
        self.device_id = int(device_id)
        self._old = []

    @property
    def device_typeid(self):
        return self.devstr2type[self.device_type]

    @property
    def is_gpu(self):
        return self.device_type == "gpu"

    @property
    def xp(self):
        """The array module: numpy on CPU, cupy on GPU."""
        if not self.is_gpu:
            return np
        cupy = _import_cupy()
        return cupy

    def check_available(self):
        if self.is_gpu:
            reason = gpu_unavailable_reason()
            if reason:
                raise DeviceError(f"{self} cannot be used: {reason}")
            if self.device_id >= num_gpus():
                raise DeviceError(f"{self} does not exist: {num_gpus()} GPU(s) found")
        return self

    def __eq__(self, other):
        return (isinstance(other, Context) and self.device_type == other.device_type
                and self.device_id == other.device_id)

    def __hash__(self):
        return hash((self.device_type, self.device_id))

    def __repr__(self):
        return f"{self.device_type}({self.device_id})"

    __str__ = __repr__

    def __enter__(self):
        stack = Context._stack()
        stack.append(self)
        return self

    def __exit__(self, *exc):
        Context._stack().pop()

    @classmethod
    def _stack(cls):
        if not hasattr(cls._local, "stack"):
            cls._local.stack = []
        return cls._local.stack

    @classmethod
    def default_ctx(cls):
        stack = cls._stack()
        return stack[-1] if stack else cpu()


def cpu(device_id=0) -> Context:
    return Context("cpu", device_id)


def cpu_pinned(device_id=0) -> Context:
    return Context("cpu", device_id)


def gpu(device_id=0) -> Context:
    """A GPU context. Raises DeviceError saying what to install when CUDA/CuPy is missing."""
    return Context("gpu", device_id).check_available()


def current_context() -> Context:
    return Context.default_ctx()


def array_module(ctx: Context):
    return ctx.xp
