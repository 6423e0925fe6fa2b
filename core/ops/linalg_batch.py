"""Part of MXNet 1.9.1's linear-algebra family: linalg_gemm, linalg_gemm2, linalg_syrk,
linalg_sumlogdiag, linalg_extractdiag, linalg_makediag, linalg_inverse, linalg_det.
Each works on the last two axes, batched over the leading ones, and is also registered
under MXNet's internal name (_linalg_det), which MXNet writes in symbol JSON."""
from __future__ import annotations

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .registry import register_op


def _t(x, flag):
    return x.swapaxes(-1, -2) if flag else x


class _Linalg(Op):
    category = "Linear Algebra"
    per_sample = False   # the batch axes are whatever leads

    def list_arguments(self):
        return ["A"]

    def _matrix(self, shape, what="A"):
        if shape is not None and len(shape) < 2:
            raise self.error(f"{what} has shape {tuple(shape)}, expected (..., rows, columns)")
        return shape


_PRODUCT = {
    "transpose_a": Param("bool", False, "use A transposed"),
    "transpose_b": Param("bool", False, "use B transposed"),
    "alpha": Param("float", 1.0, "scale of the product"),
    "axis": Param("int", -2, "the rows axis (only -2 is supported)"),
}


@register_op("_linalg_gemm2")
class LinalgGemm2(_Linalg):
    name = "linalg_gemm2"
    doc = "alpha · op(A) · op(B), batched over leading axes."
    params = dict(_PRODUCT)

    def check(self):
        if self.axis != -2:
            raise self.error("only axis=-2 (matrices in the last two axes) is supported", GraphError)

    def list_arguments(self):
        return ["A", "B"]

    def _out(self, a, b):
        a_rows, a_inner = (a[-1], a[-2]) if self.transpose_a else (a[-2], a[-1])
        b_inner, b_cols = (b[-1], b[-2]) if self.transpose_b else (b[-2], b[-1])
        if a_inner != b_inner or tuple(a[:-2]) != tuple(b[:-2]):
            raise self.error(f"A {tuple(a)} and B {tuple(b)} do not multiply "
                             f"(transpose_a={self.transpose_a}, transpose_b={self.transpose_b})")
        return tuple(a[:-2]) + (a_rows, b_cols)

    def infer_shape(self, in_shapes):
        a, b = (self._matrix(s, w) for s, w in zip(in_shapes[:2], "AB"))
        if a is None or b is None:
            return in_shapes, [None], []
        return [tuple(s) for s in in_shapes], [self._out(a, b)], []

    def forward(self, xp, inputs, aux, is_train):
        a, b = inputs[:2]
        return [self.alpha * (_t(a, self.transpose_a) @ _t(b, self.transpose_b))], inputs

    def _product_grads(self, a, b, g):
        """d(alpha · op(A) · op(B)) for A and B."""
        ga = self.alpha * (g @ _t(b, self.transpose_b).swapaxes(-1, -2))
        gb = self.alpha * (_t(a, self.transpose_a).swapaxes(-1, -2) @ g)
        return _t(ga, self.transpose_a), _t(gb, self.transpose_b)

    def backward(self, xp, inputs, out_grads, needs):
        return list(self._product_grads(inputs[0], inputs[1], out_grads[0]))


@register_op("_linalg_gemm")
class LinalgGemm(LinalgGemm2):
    name = "linalg_gemm"
    doc = "alpha · op(A) · op(B) + beta · C, batched over leading axes."
    params = {**_PRODUCT, "beta": Param("float", 1.0, "scale of C")}

    def list_arguments(self):
        return ["A", "B", "C"]

    def infer_shape(self, in_shapes):
        shapes, outs, aux = super().infer_shape(in_shapes)
        c = in_shapes[2]
        if outs[0] is not None and c is not None and tuple(c) != outs[0]:
            raise self.error(f"C has shape {tuple(c)}, expected {outs[0]}")
        return shapes[:2] + [outs[0] if c is None else tuple(c)], outs, aux

    def forward(self, xp, inputs, aux, is_train):
        (product,), saved = super().forward(xp, inputs, aux, is_train)
        return [product + self.beta * inputs[2]], saved

    def backward(self, xp, inputs, out_grads, needs):
        g = out_grads[0]
        return [*self._product_grads(inputs[0], inputs[1], g), self.beta * g]


@register_op("_linalg_syrk")
class LinalgSyrk(_Linalg):
    name = "linalg_syrk"
    doc = "alpha · A · Aᵀ (transpose: alpha · Aᵀ · A), batched over leading axes."
    params = {"transpose": Param("bool", False, "Aᵀ · A instead"), "alpha": Param("float", 1.0, "scale")}

    def infer_shape(self, in_shapes):
        a = self._matrix(in_shapes[0])
        if a is None:
            return in_shapes, [None], []
        side = a[-1] if self.transpose else a[-2]
        return [tuple(a)], [tuple(a[:-2]) + (side, side)], []

    def forward(self, xp, inputs, aux, is_train):
        a = _t(inputs[0], self.transpose)
        return [self.alpha * (a @ a.swapaxes(-1, -2))], inputs[0]

    def backward(self, xp, a, out_grads, needs):
        g = out_grads[0]
        grad = self.alpha * ((g + g.swapaxes(-1, -2)) @ _t(a, self.transpose))
        return [_t(grad, self.transpose)]


class _Square(_Linalg):
    def _square(self, shape):
        self._matrix(shape)
        if shape is not None and shape[-1] != shape[-2]:
            raise self.error(f"A has shape {tuple(shape)}, expected square matrices")
        return shape


@register_op("_linalg_sumlogdiag")
class LinalgSumlogdiag(_Square):
    name = "linalg_sumlogdiag"
    doc = "The sum of the logarithms of each square matrix's diagonal."
    params = {}

    def infer_shape(self, in_shapes):
        a = self._square(in_shapes[0])
        return in_shapes, [None if a is None else (tuple(a[:-2]) or (1,))], []

    def forward(self, xp, inputs, aux, is_train):
        a = inputs[0]
        diagonal = xp.diagonal(a, axis1=-2, axis2=-1)
        return [xp.log(diagonal).sum(axis=-1).reshape(a.shape[:-2] or (1,))], a

    def backward(self, xp, a, out_grads, needs):
        n = a.shape[-1]
        g = out_grads[0].reshape(a.shape[:-2] + (1, 1))
        return [g * xp.eye(n, dtype=a.dtype) / xp.where(xp.eye(n, dtype=bool), a, 1)]


@register_op("_linalg_inverse")
class LinalgInverse(_Square):
    name = "linalg_inverse"
    doc = "The inverse of each square matrix."
    params = {}

    def infer_shape(self, in_shapes):
        a = self._square(in_shapes[0])
        return in_shapes, [None if a is None else tuple(a)], []

    def forward(self, xp, inputs, aux, is_train):
        inverse = xp.linalg.inv(inputs[0])
        return [inverse], inverse

    def backward(self, xp, inverse, out_grads, needs):
        transposed = inverse.swapaxes(-1, -2)
        return [-(transposed @ out_grads[0] @ transposed)]


@register_op("_linalg_det")
class LinalgDet(_Square):
    name = "linalg_det"
    doc = "The determinant of each square matrix."
    params = {}
    hidden_outputs = 2   # MXNet's LU factors and pivots

    def infer_shape(self, in_shapes):
        a = self._square(in_shapes[0])
        return in_shapes, [None if a is None else (tuple(a[:-2]) or (1,))], []

    def forward(self, xp, inputs, aux, is_train):
        a = inputs[0]
        det = xp.linalg.det(a)
        return [det.reshape(a.shape[:-2] or (1,))], (a, det)

    def backward(self, xp, saved, out_grads, needs):
        a, det = saved
        scale = (out_grads[0].reshape(det.shape) * det)[..., None, None]
        return [scale * xp.linalg.inv(a).swapaxes(-1, -2)]


class _Diagonal(_Linalg):
    params = {"offset": Param("int", 0, "the diagonal: 0 main, > 0 above, < 0 below")}


@register_op("_linalg_extractdiag")
class LinalgExtractdiag(_Diagonal):
    name = "linalg_extractdiag"
    doc = "Diagonal offset of each square matrix, as a vector."

    def infer_shape(self, in_shapes):
        a = self._matrix(in_shapes[0])
        if a is None:
            return in_shapes, [None], []
        if a[-1] != a[-2] or abs(self.offset) >= a[-1]:
            raise self.error(f"A {tuple(a)}: square matrices with a diagonal {self.offset} expected")
        return [tuple(a)], [tuple(a[:-2]) + (a[-1] - abs(self.offset),)], []

    def forward(self, xp, inputs, aux, is_train):
        return [xp.diagonal(inputs[0], offset=self.offset, axis1=-2, axis2=-1).copy()], inputs[0].shape

    def backward(self, xp, shape, out_grads, needs):
        grad = xp.zeros(shape, dtype=out_grads[0].dtype)
        index = xp.arange(out_grads[0].shape[-1])
        grad[..., index + max(0, -self.offset), index + max(0, self.offset)] = out_grads[0]
        return [grad]


@register_op("_linalg_makediag")
class LinalgMakediag(_Diagonal):
    name = "linalg_makediag"
    doc = "Square matrices with each vector on diagonal offset, zeros elsewhere."

    def infer_shape(self, in_shapes):
        a = in_shapes[0]
        if a is None:
            return in_shapes, [None], []
        side = a[-1] + abs(self.offset)
        return [tuple(a)], [tuple(a[:-1]) + (side, side)], []

    def forward(self, xp, inputs, aux, is_train):
        v = inputs[0]
        side = v.shape[-1] + abs(self.offset)
        out = xp.zeros(v.shape[:-1] + (side, side), dtype=v.dtype)
        index = xp.arange(v.shape[-1])
        out[..., index + max(0, -self.offset), index + max(0, self.offset)] = v
        return [out], None

    def backward(self, xp, saved, out_grads, needs):
        return [xp.diagonal(out_grads[0], offset=self.offset, axis1=-2, axis2=-1).copy()]
