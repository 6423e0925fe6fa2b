"""MXNet 1.9.1's factorisations: linalg_gelqf (LQ), linalg_slogdet (sign and log of the
absolute determinant) and _linalg_syevd (symmetric eigendecomposition, mx.nd.linalg.syevd),
batched over the leading axes."""
from __future__ import annotations

from .linalg_batch import _Linalg, _Square
from .linalg_triangular import _inverse_of_triangle, _symmetric_from_lower
from .registry import register_op


@register_op("_linalg_gelqf")
class LinalgGelqf(_Linalg):
    name = "linalg_gelqf"
    doc = ("LQ factorisation of each (x, y) matrix with x <= y and full rank: A = L·Q, L "
           "(x, x) lower triangular, Q (x, y) with orthonormal rows. Outputs Q, L.")
    params = {}

    def list_outputs(self):
        return ["Q", "L"]

    def infer_shape(self, in_shapes):
        a = self._matrix(in_shapes[0])
        if a is None:
            return in_shapes, [None, None], []
        a = tuple(a)
        if a[-2] > a[-1]:
            raise self.error(f"A has shape {a}: it needs at least as many columns as rows")
        return [a], [a, a[:-1] + (a[-2],)], []

    def forward(self, xp, inputs, aux, is_train):
        a = inputs[0]
        self.infer_shape([a.shape])
        # LAPACK's gelqf on A is its geqrf on Aᵀ: Aᵀ = Q'·R, so Q = Q'ᵀ and L = Rᵀ
        q, r = xp.linalg.qr(a.swapaxes(-1, -2))
        q, lower = q.swapaxes(-1, -2), r.swapaxes(-1, -2)
        return [q, lower], (q, lower)

    def backward(self, xp, saved, out_grads, needs):
        # dA = L⁻ᵀ · (dQ + copyLTU(M) · Q), M = Lᵀ·dL - dQ·Qᵀ
        q, lower = saved
        grad_q, grad_l = out_grads
        m = lower.swapaxes(-1, -2) @ grad_l - grad_q @ q.swapaxes(-1, -2)
        inner = grad_q + _symmetric_from_lower(xp, m) @ q
        return [_inverse_of_triangle(self, xp, lower).swapaxes(-1, -2) @ inner]


@register_op("_linalg_slogdet")
class LinalgSlogdet(_Square):
    name = "linalg_slogdet"
    doc = ("Sign and log of the absolute determinant of each square matrix (sign 0 and "
           "-inf for a singular one). Outputs sign, logabsdet.")
    params = {}
    hidden_outputs = 2   # MXNet's LU factors and pivots

    def list_outputs(self):
        return ["sign", "logabsdet"]

    def infer_shape(self, in_shapes):
        a = self._square(in_shapes[0])
        out = None if a is None else (tuple(a[:-2]) or (1,))
        return in_shapes, [out, out], []

    def forward(self, xp, inputs, aux, is_train):
        a = inputs[0]
        self._square(a.shape)
        sign, logabsdet = xp.linalg.slogdet(a)
        shape = a.shape[:-2] or (1,)
        return [sign.reshape(shape), logabsdet.reshape(shape)], (a, logabsdet)

    def backward(self, xp, saved, out_grads, needs):
        # d logabsdet = A⁻ᵀ; no gradient through the sign, none for a singular matrix
        a, logabsdet = saved
        singular = xp.isneginf(logabsdet)[..., None, None]
        safe = xp.where(singular, xp.eye(a.shape[-1], dtype=a.dtype), a)
        scale = out_grads[1].reshape(logabsdet.shape)[..., None, None]
        return [xp.where(singular, 0, scale * xp.linalg.inv(safe).swapaxes(-1, -2))]


@register_op()
class LinalgSyevd(_Square):
    name = "_linalg_syevd"   # MXNet has no public name for it: mx.nd.linalg.syevd
    doc = ("Eigendecomposition of each symmetric matrix (its lower triangle is read): U·A = "
           "diag(L)·U, U's rows orthonormal eigenvectors, L ascending. Outputs U, L.")
    params = {}

    def list_outputs(self):
        return ["output0", "output1"]

    def infer_shape(self, in_shapes):
        a = self._square(in_shapes[0])
        if a is None:
            return in_shapes, [None, None], []
        return in_shapes, [tuple(a), tuple(a[:-1])], []

    def forward(self, xp, inputs, aux, is_train):
        a = inputs[0]
        self._square(a.shape)
        values, vectors = xp.linalg.eigh(_symmetric_from_lower(xp, a))
        rows = vectors.swapaxes(-1, -2)
        # MXNet's signs: each row's largest entry (the first of equal ones) is positive
        largest = xp.take_along_axis(rows, xp.abs(rows).argmax(axis=-1)[..., None], axis=-1)
        rows = xp.where(largest < 0, -rows, rows)
        return [rows, values], (rows, values)

    def backward(self, xp, saved, out_grads, needs):
        # dA = Uᵀ · Y · U: Y's diagonal dL, off it (X - Xᵀ) / 2(L_i - L_j) below the diagonal,
        # mirrored above, with X = dU · Uᵀ and the eigengap at least a tiny eps (as MXNet)
        rows, values = saved
        grad_rows, grad_values = out_grads
        x = grad_rows @ rows.swapaxes(-1, -2)
        eps = 1e-30 if values.dtype.itemsize < 8 else 1e-100
        gap = xp.maximum(values[..., :, None] - values[..., None, :], eps)
        below = xp.tril((x - x.swapaxes(-1, -2)) / (2 * gap), -1)
        y = below + below.swapaxes(-1, -2) + grad_values[..., None] * xp.eye(values.shape[-1], dtype=x.dtype)
        return [rows.swapaxes(-1, -2) @ y @ rows]
