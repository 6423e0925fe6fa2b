"""Backends: the speed machinery under the engine, one package per device kind.

The lowest layer of core: a backend module never imports the engine above it (operator
classes, the executor, symbols). What a kernel needs to know about an operator (its
window, its filter count) is passed in as arguments.

- ``cpu``: compiled numba kernels and the thread pool that splits work over the cores,
  each kernel with its NumPy fallback (``NETSTUDIO_JIT=0``, no numba, CuPy arrays).
"""
