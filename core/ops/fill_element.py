"""MXNet 1.9.1's ``fill_element_0index``: a copy of the matrix lhs with, in each row r,
the entry at column rhs[r] (0-based, truncated to a whole number) set to mhs[r]; a row
whose index is outside the matrix stays as it is. (Its partner ``choose_element_0index``
is MXNet's alias of ``pick``.)"""
from __future__ import annotations

import numpy as np

from .base import Op
from .registry import register_op


@register_op()
class FillElement0Index(Op):
    name = "fill_element_0index"
    category = "Tensor"
    doc = "lhs with lhs[r, rhs[r]] = mhs[r] in each row r (0-based column indices)."
    per_sample = True   # row r uses row r of each input
    params = {}

    def list_arguments(self):
        return ["lhs", "mhs", "rhs"]

    def infer_shape(self, in_shapes):
        lhs, mhs, rhs = in_shapes
        rows = lhs[0] if lhs is not None else next((s[0] for s in (mhs, rhs) if s is not None), None)
        for name, shape, ndim in (("lhs", lhs, 2), ("mhs", mhs, 1), ("rhs", rhs, 1)):
            if shape is not None and (len(shape) != ndim or shape[0] != rows):
                raise self.error(f"{name} has shape {tuple(shape)}; expected a matrix lhs (rows, "
                                 f"columns) and vectors mhs and rhs of its {rows} rows")
        vector = None if rows is None else (rows,)
        return [None if lhs is None else tuple(lhs), vector, vector], [None if lhs is None else tuple(lhs)], []

    def _targets(self, xp, lhs, rhs):
        """(rows, columns) of the entries filled."""
        columns = rhs.astype(np.int64)
        rows = xp.nonzero((columns >= 0) & (columns < lhs.shape[1]))[0]
        return rows, columns[rows]

    def forward(self, xp, inputs, aux, is_train):
        lhs, mhs, rhs = inputs
        self.infer_shape([x.shape for x in inputs])
        rows, columns = self._targets(xp, lhs, rhs)
        out = lhs.copy()
        out[rows, columns] = mhs[rows]
        return [out], (rows, columns, mhs.shape)

    def backward(self, xp, saved, out_grads, needs):
        rows, columns, value_shape = saved
        grad = out_grads[0].copy()
        grad_values = xp.zeros(value_shape, dtype=grad.dtype)
        grad_values[rows] = grad[rows, columns]
        grad[rows, columns] = 0
        return [grad, grad_values, None]
