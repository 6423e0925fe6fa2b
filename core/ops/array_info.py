"""Small MXNet 1.9.1 operators about arrays and their axes: shape_array, size_array,
cumsum, argmax_channel, hard_sigmoid, khatri_rao."""
from __future__ import annotations

import math

from .attrs import Param
from .base import Op, axis_index
from .reduce import Argmax
from .registry import register_op
from .unary import Unary


class _Info(Op):
    category = "Tensor"
    per_sample = False   # describes the whole array
    params = {}

    def forward(self, xp, inputs, aux, is_train):
        return [xp.asarray(self.info(inputs[0].shape), dtype="int64")], inputs[0]

    def backward(self, xp, data, out_grads, needs):
        # NOTE: integer description of the shape: no derivative, MXNet gives zeros
        return [xp.zeros_like(data)]


@register_op()
class ShapeArray(_Info):
    name = "shape_array"
    doc = "The data's shape as an int64 array."

    def info(self, shape):
        return list(shape)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        return in_shapes, [None if data is None else (len(data),)], []


@register_op()
class SizeArray(_Info):
    name = "size_array"
    doc = "The data's number of elements as an int64 array of one value."

    def info(self, shape):
        return [math.prod(shape)]

    def infer_shape(self, in_shapes):
        return in_shapes, [(1,)], []


@register_op()
class Cumsum(Op):
    name = "cumsum"
    category = "Reduce"
    doc = "Running sums along axis (None: the flattened array)."
    per_sample = False   # the axis may be the batch axis
    params = {
        "axis": Param("int_or_none", None, "the axis; None: the flattened array"),
        "dtype": Param("str", "None", "result dtype; None: the data's",
                       choices=("None", "float16", "float32", "float64", "int32", "int64", "int8")),
    }

    def _axis(self, ndim):
        return axis_index(self, self.axis, ndim)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        return [tuple(data)], [tuple(data) if self._axis(len(data)) is not None else (math.prod(data),)], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        out = xp.cumsum(data, axis=self._axis(data.ndim))
        return [out.astype(data.dtype if self.dtype == "None" else self.dtype, copy=False)], data.shape

    def backward(self, xp, shape, out_grads, needs):
        g = out_grads[0]
        axis = 0 if self.axis is None else self.axis
        grad = xp.flip(xp.cumsum(xp.flip(g, axis), axis=axis), axis)
        return [grad.reshape(shape)]


@register_op()
class ArgmaxChannel(Argmax):
    name = "argmax_channel"
    doc = "Index of the maximum along axis 1, the channels (the first one on ties)."
    params = {}
    axis = 1
    keepdims = False


@register_op()
class HardSigmoid(Unary):
    name = "hard_sigmoid"
    doc = "clip(alpha·x + beta, 0, 1)."
    category = "Activation"
    params = {"alpha": Param("float", 0.2, "slope"), "beta": Param("float", 0.5, "offset")}

    def f(self, xp, x):
        return xp.clip(self.alpha * x + self.beta, 0, 1).astype(x.dtype, copy=False)

    def onnx(self, graph, inputs, outputs):
        graph.node("HardSigmoid", inputs, outputs, alpha=self.alpha, beta=self.beta)

    def grad(self, xp, x, g):
        inside = (self.alpha * x + self.beta > 0) & (self.alpha * x + self.beta < 1)
        return g * self.alpha * inside


@register_op()
class KhatriRao(Op):
    name = "khatri_rao"
    category = "Linear Algebra"
    doc = "Column-wise Kronecker product of num_args matrices with the same number of columns."
    per_sample = False   # rows mix across inputs
    starter_attrs = {"num_args": "2"}
    params = {"num_args": Param("int", doc="number of matrices")}

    def list_arguments(self):
        return [f"arg{i}" for i in range(self.num_args)]

    def infer_shape(self, in_shapes):
        if any(s is None for s in in_shapes):
            return in_shapes, [None], []
        columns = {s[1] if len(s) == 2 else None for s in in_shapes}
        if len(columns) != 1 or None in columns:
            raise self.error(f"inputs {[tuple(s) for s in in_shapes]} must be matrices with one column count")
        return [tuple(s) for s in in_shapes], [(math.prod(s[0] for s in in_shapes), columns.pop())], []

    def forward(self, xp, inputs, aux, is_train):
        out = inputs[0]
        for matrix in inputs[1:]:
            out = (out[:, None, :] * matrix[None, :, :]).reshape(-1, out.shape[1])
        return [out], inputs

    def backward(self, xp, inputs, out_grads, needs):
        shape = tuple(m.shape[0] for m in inputs) + (inputs[0].shape[1],)
        g = out_grads[0].reshape(shape)
        grads = []
        for i in range(len(inputs)):
            product = g
            for j, matrix in enumerate(inputs):
                if j != i:
                    product = product * matrix.reshape((1,) * j + (matrix.shape[0],) + (1,) * (len(inputs) - 1 - j)
                                                       + (matrix.shape[1],))
            axes = tuple(j for j in range(len(inputs)) if j != i)
            grads.append(product.sum(axis=axes))
        return grads
