"""Matrix products: dot (N-D arrays seen as matrices, MXNet's way) and batch_dot."""
from __future__ import annotations

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .registry import register_op

PRODUCT_PARAMS = {
    "transpose_a": Param("bool", False, "use lhs transposed"),
    "transpose_b": Param("bool", False, "use rhs transposed"),
    "forward_stype": Param("str", "None", "output storage (only dense is supported)",
                           choices=("None", "csr", "default", "row_sparse")),
}


def _onnx_matrix(graph, name, shape, transposed):
    """``name`` reshaped to a matrix of ``shape`` (-1: the rest), transposed if asked."""
    matrix = graph.fresh(f"{name}_matrix")
    graph.node("Reshape", [name, graph.ints("shape", shape)], [matrix])
    if not transposed:
        return matrix
    flipped = graph.fresh(f"{name}_T")
    graph.node("Transpose", [matrix], [flipped], perm=[1, 0])
    return flipped


class _Product(Op):
    category = "Linear Algebra"
    per_sample = False   # may contract over the batch axis
    params = PRODUCT_PARAMS

    def check(self):
        if self.forward_stype not in ("None", "default"):
            raise self.error(f"forward_stype={self.forward_stype}: sparse storage is not "
                             f"supported", GraphError)

    def list_arguments(self):
        return ["lhs", "rhs"]

    def infer_shape(self, in_shapes):
        lhs, rhs = in_shapes
        if lhs is None or rhs is None:
            return in_shapes, [None], []
        return [tuple(lhs), tuple(rhs)], [self.out_shape(tuple(lhs), tuple(rhs))], []


@register_op()
class Dot(_Product):
    name = "dot"
    doc = ("Matrix product. N-D lhs is a matrix of its last axis (first axis if "
           "transpose_a), N-D rhs one of its first axis (last if transpose_b): "
           "(a, b, k)·(k, c) → (a, b, c).")

    def _split(self, lhs, rhs):
        """(rows of lhs, contracted size on each side, columns of rhs) as shapes."""
        rows, k_left = (lhs[1:], lhs[0]) if self.transpose_a else (lhs[:-1], lhs[-1])
        k_right, cols = (rhs[-1], rhs[:-1]) if self.transpose_b else (rhs[0], rhs[1:])
        return rows, k_left, k_right, cols

    def out_shape(self, lhs, rhs):
        rows, k_left, k_right, cols = self._split(lhs, rhs)
        if k_left != k_right:
            raise self.error(f"lhs {lhs} and rhs {rhs} do not multiply: lhs gives {k_left} "
                             f"columns (transpose_a={self.transpose_a}), rhs {k_right} rows "
                             f"(transpose_b={self.transpose_b})")
        # NOTE: two vectors give shape (1,), MXNet has no 0-d arrays
        return (rows + cols) or (1,)

    def _matrices(self, a, b):
        rows, k, _, cols = self._split(a.shape, b.shape)
        a2 = a.reshape(k, -1).T if self.transpose_a else a.reshape(-1, k)
        b2 = b.reshape(-1, k).T if self.transpose_b else b.reshape(k, -1)
        return a2, b2

    def forward(self, xp, inputs, aux, is_train):
        a, b = inputs
        out_shape = self.out_shape(a.shape, b.shape)
        a2, b2 = self._matrices(a, b)
        return [(a2 @ b2).reshape(out_shape)], (a, b)

    def onnx(self, graph, inputs, outputs):
        """MatMul of the two as matrices (reshaped, transposed as asked), reshaped back."""
        lhs, rhs = graph.shape(inputs[0]), graph.shape(inputs[1])
        rows, k, _, cols = self._split(lhs, rhs)
        a2 = _onnx_matrix(graph, inputs[0], (k, -1) if self.transpose_a else (-1, k), self.transpose_a)
        b2 = _onnx_matrix(graph, inputs[1], (-1, k) if self.transpose_b else (k, -1), self.transpose_b)
        product = graph.fresh(f"{outputs[0]}_matrix")
        graph.node("MatMul", [a2, b2], [product])
        graph.node("Reshape", [product, graph.ints("shape", self.out_shape(lhs, rhs))], outputs)

    def backward(self, xp, saved, out_grads, needs):
        a, b = saved
        a2, b2 = self._matrices(a, b)
        g = out_grads[0].reshape(a2.shape[0], b2.shape[1])
        grad_a = grad_b = None
        if needs[0]:
            grad_a2 = g @ b2.T
            grad_a = (grad_a2.T if self.transpose_a else grad_a2).reshape(a.shape)
        if needs[1]:
            grad_b2 = a2.T @ g
            grad_b = (grad_b2.T if self.transpose_b else grad_b2).reshape(b.shape)
        return [grad_a, grad_b]


@register_op()
class BatchDot(_Product):
    name = "batch_dot"
    doc = "Matrix product per batch entry: (b, m, k)·(b, k, n) → (b, m, n)."

    def out_shape(self, lhs, rhs):
        if len(lhs) < 3 or len(lhs) != len(rhs):
            raise self.error(f"lhs {lhs} and rhs {rhs} must both be (batch..., rows, columns) "
                             f"with the same number of axes (at least 3)")
        if lhs[:-2] != rhs[:-2]:
            raise self.error(f"batch axes differ: lhs {lhs} vs rhs {rhs}")
        m, k_left = (lhs[-1], lhs[-2]) if self.transpose_a else (lhs[-2], lhs[-1])
        k_right, n = (rhs[-1], rhs[-2]) if self.transpose_b else (rhs[-2], rhs[-1])
        if k_left != k_right:
            raise self.error(f"lhs {lhs} and rhs {rhs} do not multiply: {k_left} vs {k_right} "
                             f"(transpose_a={self.transpose_a}, transpose_b={self.transpose_b})")
        return lhs[:-2] + (m, n)

    def forward(self, xp, inputs, aux, is_train):
        a, b = inputs
        self.out_shape(a.shape, b.shape)
        a_mat = a.swapaxes(-1, -2) if self.transpose_a else a
        b_mat = b.swapaxes(-1, -2) if self.transpose_b else b
        return [a_mat @ b_mat], (a_mat, b_mat)

    def onnx(self, graph, inputs, outputs):
        lhs, rhs = graph.shape(inputs[0]), graph.shape(inputs[1])
        self.out_shape(lhs, rhs)
        swap = list(range(len(lhs) - 2)) + [len(lhs) - 1, len(lhs) - 2]
        sides = []
        for name, transposed in ((inputs[0], self.transpose_a), (inputs[1], self.transpose_b)):
            if transposed:
                sides.append(graph.fresh(f"{name}_T"))
                graph.node("Transpose", [name], [sides[-1]], perm=swap)
            else:
                sides.append(name)
        graph.node("MatMul", sides, outputs)

    def backward(self, xp, saved, out_grads, needs):
        a_mat, b_mat = saved
        g = out_grads[0]
        grad_a = grad_b = None
        if needs[0]:
            grad_a = g @ b_mat.swapaxes(-1, -2)
            grad_a = grad_a.swapaxes(-1, -2) if self.transpose_a else grad_a
        if needs[1]:
            grad_b = a_mat.swapaxes(-1, -2) @ g
            grad_b = grad_b.swapaxes(-1, -2) if self.transpose_b else grad_b
        return [grad_a, grad_b]

