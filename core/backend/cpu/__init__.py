"""CPU speed machinery: numba kernels (``jit``), the core-splitting pool (``parallel``),
memory and column helpers, and one module per operator family.

Each family module answers "can the compiled path take this?" with one selector named
``compiled(xp, x, ...)``, given the arrays and the operator's facts as arguments
(``conv_compiled.compiled``, ``conv_bands.compiled`` and ``winograd.compiled`` for
inference, ``depthwise.compiled``, ``pool_kernels.compiled``, ``relu_kernels.compiled``);
every compiled path has a NumPy path beside it that runs
for CuPy arrays, without numba, and with ``NETSTUDIO_JIT=0``.
"""
