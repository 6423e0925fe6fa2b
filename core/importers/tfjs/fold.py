"""Constant folding: TF ops whose inputs are all constants are evaluated once at import,
so the network holds only the work that depends on the picture.

Converted graphs compute shapes this way: ONNX -> TF leaves ``Reshape`` targets as
``AddV2(const, SparseToDense(empty indices, ...))``, which folds to a plain constant.

>>> import numpy as np
>>> fold_node("SparseToDense", [np.zeros((0, 1), np.int32), np.array([3]), np.zeros(0, np.int32), np.array(0)], {}).tolist()
[0, 0, 0]
"""
from __future__ import annotations

import numpy as np

from ...errors import GraphError


def _sparse_to_dense(indices, shape, values, default):
    shape = [int(d) for d in np.atleast_1d(shape)]
    out = np.full(shape, default, dtype=np.asarray(values).dtype)
    indices = np.asarray(indices, np.int64)
    if indices.ndim < 2:   # 0-D or 1-D: positions along a 1-D output
        indices = indices.reshape(-1, 1)
    if indices.shape[0]:
        out[tuple(indices.T)] = values
    return out


def _concat(*args):
    *parts, axis = args
    return np.concatenate(parts, axis=int(axis))


FOLDERS = {
    "Identity": lambda x: x,
    "Add": np.add,
    "AddV2": np.add,
    "Sub": np.subtract,
    "Mul": np.multiply,
    "SparseToDense": _sparse_to_dense,
    "Transpose": lambda x, perm: np.transpose(x, [int(p) for p in perm]),
    "Reshape": lambda x, shape: np.reshape(x, [int(d) for d in shape]),
    "ConcatV2": _concat,
}


def can_fold(op):
    return op in FOLDERS


def fold_node(op, values, attrs, name="?"):
    """The value of op applied to constant ``values``; GraphError when it cannot be folded."""
    if op not in FOLDERS:
        raise GraphError(f"node {name!r} ({op}): all its inputs are constants but Net Studio "
                         f"cannot evaluate {op} at import; foldable: {', '.join(sorted(FOLDERS))}")
    try:
        return np.asarray(FOLDERS[op](*values))
    except (ValueError, TypeError, IndexError) as error:
        raise GraphError(f"node {name!r} ({op}): cannot evaluate on its constant inputs ({error})") from None
