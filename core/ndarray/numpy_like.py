"""``mx.nd`` helpers of MXNet 1.9.1 with NumPy's meaning: eye, linspace, logical_and/or/xor,
moveaxis, true_divide, the legacy onehot_encode (choose_element_0index and
fill_element_0index are operators: core/ops), and the zero-copy bridges from_numpy, from_dlpack, to_dlpack_for_read/write.
"""
from __future__ import annotations

import numpy as np

from ..context import Context, cpu
from ..errors import ShapeError
from . import _comparison, divide
from .imperative import invoke
from .ndarray import NDArray

__all__ = ["eye", "linspace", "logical_and", "logical_or", "logical_xor", "moveaxis", "true_divide",
           "onehot_encode", "from_numpy",
           "from_dlpack", "to_dlpack_for_read", "to_dlpack_for_write"]


def _create(op_name, ctx, dtype, **attrs):
    attrs["dtype"] = np.dtype(dtype or np.float32).name
    if isinstance(ctx, Context):
        with ctx:
            return invoke(op_name, **attrs)
    return invoke(op_name, **attrs)


def eye(N, M=0, k=0, ctx=None, dtype=None, **kwargs):
    """An N x M (M=0: N x N) matrix with ones on diagonal k."""
    return _create("_eye", ctx, dtype, N=N, M=M, k=k, **kwargs)


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=np.float32):
    """num evenly spaced values from start to stop (stop excluded unless endpoint)."""
    return _create("_linspace", ctx, dtype, start=start, stop=stop, num=num, endpoint=endpoint)


def _logical(name, relation):
    """1 where the relation of the truth values holds, else 0 (the arrays' dtype), with
    broadcasting; two numbers give 1 or 0, as MXNet."""
    on_arrays = _comparison(name, relation)

    def apply(lhs, rhs):
        if not isinstance(lhs, NDArray) and not isinstance(rhs, NDArray):
            return int(bool(relation(lhs, rhs)))
        return on_arrays(lhs, rhs)
    apply.__doc__ = f"Elementwise {name.replace('_', ' ')} of the truth values (non-zero: true)."
    return apply


logical_and = _logical("logical_and", np.logical_and)
logical_or = _logical("logical_or", np.logical_or)
logical_xor = _logical("logical_xor", np.logical_xor)
true_divide = divide


def moveaxis(tensor, source, destination):
    """The axes ``source`` (an int or a list) moved to positions ``destination``."""
    source, destination = _axes(source, tensor.ndim), _axes(destination, tensor.ndim)
    if len(source) != len(destination):
        raise ValueError(f"moveaxis: {len(source)} source axes but {len(destination)} destinations")
    order = [axis for axis in range(tensor.ndim) if axis not in source]
    for to, axis in sorted(zip(destination, source)):
        order.insert(to, axis)
    return tensor.transpose(tuple(order))


def _axes(axes, ndim):
    """Axes (an int or a sequence; negative from the end) as distinct non-negative ints."""
    axes = [axes] if isinstance(axes, int) else list(axes)
    if any(not -ndim <= a < ndim for a in axes):
        raise ValueError(f"moveaxis: axes {axes} are out of range for {ndim}-d data")
    normal = [a % ndim for a in axes]
    if len(set(normal)) != len(normal):
        raise ValueError(f"moveaxis: repeated axis in {axes}")
    return normal


def _rows_and_columns(matrix, index, what):
    if matrix.ndim != 2 or index.shape != (matrix.shape[0],):
        raise ShapeError(f"{what}: expected a matrix and one index per row, got shapes "
                         f"{matrix.shape} and {index.shape}")
    xp = matrix.xp
    return xp.arange(matrix.shape[0]), index._data.astype(np.int64)


def onehot_encode(indices, out):
    """Writes the one-hot rows of ``indices`` into matrix ``out`` (and returns it)."""
    rows, columns = _rows_and_columns(out, indices, "onehot_encode")
    out._data[...] = 0
    out._data[rows, columns] = 1
    return out


def from_numpy(ndarray, zero_copy=True, **kwargs):
    """An NDArray on the CPU over a NumPy array: the same memory when zero_copy (and the
    array is C-contiguous), else a copy."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy takes a numpy.ndarray, got {type(ndarray).__name__}")
    if zero_copy and ndarray.flags.c_contiguous:
        return NDArray(ndarray, cpu())
    return NDArray(np.ascontiguousarray(ndarray).copy(), cpu())


class _Capsule:
    """A DLPack capsule (what MXNet and PyTorch's ``to_dlpack`` give) as NumPy takes it."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)   # the CPU


def from_dlpack(dlpack):
    """An NDArray over a DLPack tensor's memory: a capsule or an object with ``__dlpack__``
    (a NumPy or PyTorch CPU tensor)."""
    source = dlpack if hasattr(dlpack, "__dlpack__") else _Capsule(dlpack)
    return NDArray(np.from_dlpack(source), cpu())


def to_dlpack_for_read(data):
    """A DLPack capsule over data's memory (for ``torch.utils.dlpack.from_dlpack`` ...)."""
    return data._data.__dlpack__()


def to_dlpack_for_write(data):
    """A DLPack capsule over data's memory, which the consumer may write."""
    return data._data.__dlpack__()
