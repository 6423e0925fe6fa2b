"""MXNet 1.9.1's triangular linear algebra: linalg_potrf (Cholesky factor), linalg_potri
(inverse from a Cholesky factor), linalg_trmm (product with a triangular matrix) and
linalg_trsm (solve with a triangular matrix). Each works on the last two axes, batched
over the leading ones, and reads only the triangle ``lower`` names, as LAPACK does.

potrf's input is symmetric, so its gradient is MXNet's symmetric one (the derivative along
symmetric perturbations); the other three give a gradient only in the triangle they read.
"""
from __future__ import annotations

import numpy as np

from ..errors import DataError
from .attrs import Param
from .linalg_batch import _Square, _t
from .registry import register_op

_LOWER = {"lower": Param("bool", True, "the triangular matrix is lower (else upper) triangular")}


def triangle(xp, a, lower):
    """``a`` with the other triangle zeroed (the part LAPACK reads)."""
    return xp.tril(a) if lower else xp.triu(a)


def _symmetric_from_lower(xp, m):
    """MXNet's copyLTU: the lower triangle mirrored onto the upper one."""
    return xp.tril(m) + xp.tril(m, -1).swapaxes(-1, -2)


def _inverse_of_triangle(op, xp, tri):
    eye = xp.broadcast_to(xp.eye(tri.shape[-1], dtype=tri.dtype), tri.shape)
    try:
        return xp.linalg.solve(tri, eye)
    except np.linalg.LinAlgError:   # also what CuPy raises
        raise op.error("a triangular matrix has a zero on its diagonal (it is singular)",
                       DataError) from None


class _Cholesky(_Square):
    params = dict(_LOWER)

    def infer_shape(self, in_shapes):
        a = self._square(in_shapes[0])
        return in_shapes, [None if a is None else tuple(a)], []

    def _as_lower(self, a):
        """The lower-triangle problem: an upper ``lower=False`` matrix is transposed."""
        return a if self.lower else a.swapaxes(-1, -2)


@register_op("_linalg_potrf")
class LinalgPotrf(_Cholesky):
    name = "linalg_potrf"
    doc = ("Cholesky factor of each symmetric positive-definite matrix: A = B·Bᵀ with B "
           "lower triangular (lower=False: A = Bᵀ·B, B upper).")

    def forward(self, xp, inputs, aux, is_train):
        a = self._as_lower(inputs[0])
        symmetric = _symmetric_from_lower(xp, a)
        try:
            factor = xp.linalg.cholesky(symmetric)
        except np.linalg.LinAlgError:   # also what CuPy raises
            raise self.error("a matrix is not symmetric positive-definite, so it has no "
                             "Cholesky factor", DataError) from None
        return [self._as_lower(factor)], factor

    def backward(self, xp, factor, out_grads, needs):
        # dA = 0.5 · L⁻ᵀ · copyLTU(Lᵀ · dL) · L⁻¹ (symmetric, so the same for lower=False)
        grad = self._as_lower(out_grads[0])
        inverse = _inverse_of_triangle(self, xp, factor)
        inner = _symmetric_from_lower(xp, factor.swapaxes(-1, -2) @ grad)
        return [0.5 * (inverse.swapaxes(-1, -2) @ inner @ inverse)]


@register_op("_linalg_potri")
class LinalgPotri(_Cholesky):
    name = "linalg_potri"
    doc = ("Inverse of B from its Cholesky factor A (potrf's output): A⁻ᵀ·A⁻¹ "
           "(lower=False: A⁻¹·A⁻ᵀ).")

    def forward(self, xp, inputs, aux, is_train):
        factor = triangle(xp, self._as_lower(inputs[0]), True)
        inverse = _inverse_of_triangle(self, xp, factor)
        out = inverse.swapaxes(-1, -2) @ inverse
        return [out], (out, inverse)

    def backward(self, xp, saved, out_grads, needs):
        # dL = -tril(out · (dOut + dOutᵀ) · L⁻ᵀ)
        out, inverse = saved
        g = out_grads[0]
        grad = -(out @ (g + g.swapaxes(-1, -2)) @ inverse.swapaxes(-1, -2))
        return [self._as_lower(xp.tril(grad))]


_TRIANGULAR_PRODUCT = {
    "transpose": Param("bool", False, "use the triangular matrix transposed"),
    "rightside": Param("bool", False, "the triangular matrix multiplies from the right"),
    **_LOWER,
    "alpha": Param("float", 1.0, "scale of the result"),
}


class _TriangularProduct(_Square):
    params = dict(_TRIANGULAR_PRODUCT)

    def list_arguments(self):
        return ["A", "B"]

    def infer_shape(self, in_shapes):
        a, b = in_shapes[0], self._matrix(in_shapes[1], "B")
        self._square(a)
        if a is None or b is None:
            return in_shapes, [None], []
        a, b = tuple(a), tuple(b)
        side = b[-1] if self.rightside else b[-2]
        if len(a) != len(b) or a[:-2] != b[:-2] or side != a[-1]:
            where = "columns" if self.rightside else "rows"
            raise self.error(f"A {a} and B {b} do not fit: B's {where} must match A's size "
                             f"and the leading axes must agree (rightside={self.rightside})")
        return [a, b], [b], []

    def _operator(self, xp, a):
        """op(A): the triangle read, transposed when ``transpose``."""
        return _t(triangle(xp, a, self.lower), self.transpose)

    def _to_triangle(self, xp, grad_op):
        """A gradient with respect to op(A) as one with respect to A's triangle."""
        return triangle(xp, _t(grad_op, self.transpose), self.lower)


@register_op("_linalg_trmm")
class LinalgTrmm(_TriangularProduct):
    name = "linalg_trmm"
    doc = "alpha · op(A) · B with A triangular (rightside: alpha · B · op(A)); op is Aᵀ if transpose."

    def forward(self, xp, inputs, aux, is_train):
        a, b = inputs
        self.infer_shape([a.shape, b.shape])
        m = self._operator(xp, a)
        product = b @ m if self.rightside else m @ b
        return [self.alpha * product], (m, b)

    def backward(self, xp, saved, out_grads, needs):
        m, b = saved
        g = self.alpha * out_grads[0]
        if self.rightside:
            grad_m, grad_b = b.swapaxes(-1, -2) @ g, g @ m.swapaxes(-1, -2)
        else:
            grad_m, grad_b = g @ b.swapaxes(-1, -2), m.swapaxes(-1, -2) @ g
        return [self._to_triangle(xp, grad_m), grad_b]


@register_op("_linalg_trsm")
class LinalgTrsm(_TriangularProduct):
    name = "linalg_trsm"
    doc = ("Solves op(A) · X = alpha · B for X with A triangular (rightside: X · op(A) = "
           "alpha · B); op is Aᵀ if transpose.")

    def _solve(self, xp, m, rhs):
        """m⁻¹ · rhs, or rhs · m⁻¹ when rightside."""
        try:
            if self.rightside:
                return xp.linalg.solve(m.swapaxes(-1, -2), rhs.swapaxes(-1, -2)).swapaxes(-1, -2)
            return xp.linalg.solve(m, rhs)
        except np.linalg.LinAlgError:   # also what CuPy raises
            raise self.error("the triangular matrix A has a zero on its diagonal (it is "
                             "singular)", DataError) from None

    def forward(self, xp, inputs, aux, is_train):
        a, b = inputs
        self.infer_shape([a.shape, b.shape])
        m = self._operator(xp, a)
        x = self._solve(xp, m, self.alpha * b)
        return [x], (m, x)

    def backward(self, xp, saved, out_grads, needs):
        m, x = saved
        # X = alpha·M⁻¹·B: dB = alpha·M⁻ᵀ·dX, dM = -M⁻ᵀ·dX·Xᵀ (mirrored when rightside)
        solved = self._solve(xp, m.swapaxes(-1, -2), out_grads[0])
        if self.rightside:
            grad_m = -(x.swapaxes(-1, -2) @ solved)
        else:
            grad_m = -(solved @ x.swapaxes(-1, -2))
        return [self._to_triangle(xp, grad_m), self.alpha * solved]
