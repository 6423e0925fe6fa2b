"""MXNet 1.9.1's linalg_extracttrian and linalg_maketrian: a triangle of square matrices
as a vector and back, batched over the leading axes.

The vector's order is MXNet's: the lower triangle (offset < 0, or offset 0 and lower)
row by row; the upper one (offset > 0, or offset 0 and not lower) column by column.
"""
from __future__ import annotations

import math

from .attrs import Param
from .linalg_batch import _Linalg
from .registry import register_op


def triangle_positions(side, offset, lower):
    """(rows, columns) of the triangle's entries in a side x side matrix, in MXNet's order."""
    shift, size = abs(offset), side - abs(offset)
    pairs = [(row + shift, col) for row in range(size) for col in range(row + 1)]
    if offset > 0 or (offset == 0 and not lower):
        pairs = [(col, row) for row, col in pairs]   # the upper triangle, transposed
    return [p[0] for p in pairs], [p[1] for p in pairs]


class _Trian(_Linalg):
    params = {
        "offset": Param("int", 0, "the diagonal bounding the triangle: 0 main, > 0 above, < 0 below"),
        "lower": Param("bool", True, "the lower triangle (else upper); only used when offset is 0"),
    }

    def _positions(self, xp, side):
        rows, cols = triangle_positions(side, self.offset, self.lower)
        return xp.asarray(rows, dtype=xp.int64), xp.asarray(cols, dtype=xp.int64)


@register_op("_linalg_extracttrian")
class LinalgExtracttrian(_Trian):
    name = "linalg_extracttrian"
    doc = "A triangle of each square matrix as a vector (see offset and lower)."

    def infer_shape(self, in_shapes):
        a = self._matrix(in_shapes[0])
        if a is None:
            return in_shapes, [None], []
        a = tuple(a)
        size = a[-1] - abs(self.offset)
        if a[-1] != a[-2] or size <= 0:
            raise self.error(f"A {a}: square matrices larger than |offset|={abs(self.offset)} expected")
        return [a], [a[:-2] + (size * (size + 1) // 2,)], []

    def forward(self, xp, inputs, aux, is_train):
        a = inputs[0]
        self.infer_shape([a.shape])
        rows, cols = self._positions(xp, a.shape[-1])
        return [a[..., rows, cols]], a.shape

    def backward(self, xp, shape, out_grads, needs):
        grad = xp.zeros(shape, dtype=out_grads[0].dtype)
        rows, cols = self._positions(xp, shape[-1])
        grad[..., rows, cols] = out_grads[0]
        return [grad]


@register_op("_linalg_maketrian")
class LinalgMaketrian(_Trian):
    name = "linalg_maketrian"
    doc = "Square matrices holding each vector as a triangle (see offset and lower), zeros elsewhere."

    def _side(self, length):
        size = math.floor(0.5 + (math.sqrt(8 * length + 1) - 1) * 0.5)
        if size * (size + 1) // 2 != length:
            raise self.error(f"the last axis has {length} entries, which is no triangle's size "
                             f"(1, 3, 6, 10, ...)")
        return size + abs(self.offset)

    def infer_shape(self, in_shapes):
        a = in_shapes[0]
        if a is None:
            return in_shapes, [None], []
        a = tuple(a)
        if not a:
            raise self.error("A must have at least one axis")
        side = self._side(a[-1])
        return [a], [a[:-1] + (side, side)], []

    def forward(self, xp, inputs, aux, is_train):
        v = inputs[0]
        side = self._side(v.shape[-1])
        out = xp.zeros(v.shape[:-1] + (side, side), dtype=v.dtype)
        rows, cols = self._positions(xp, side)
        out[..., rows, cols] = v
        return [out], side

    def backward(self, xp, side, out_grads, needs):
        rows, cols = self._positions(xp, side)
        return [out_grads[0][..., rows, cols]]
