"""Operators that pass values through or make arrays shaped like their input: _copy,
BlockGrad, Cast, ones_like, zeros_like."""
from __future__ import annotations

import numpy as np

from ..errors import GraphError
from .attrs import Param
from .base import Op, same_shape_op_infer
from .registry import register_op

CAST_TYPES = ("bfloat16", "bool", "float16", "float32", "float64", "int32", "int64", "int8", "uint8")
#: dtype -> ONNX TensorProto element type number
ONNX_TYPES = {"float32": 1, "uint8": 2, "int8": 3, "int32": 6, "int64": 7, "bool": 9, "float16": 10,
              "float64": 11}


class _SameShape(Op):
    category = "Tensor"
    per_sample = True
    params = {}

    def infer_shape(self, in_shapes):
        return same_shape_op_infer(self, in_shapes)

    def onnx(self, graph, inputs, outputs):
        """The values pass unchanged (the gradient rules do not exist in ONNX)."""
        graph.node("Identity", inputs, outputs)


@register_op("identity")
class Copy(_SameShape):
    name = "_copy"
    doc = "A copy of data."

    def forward(self, xp, inputs, aux, is_train):
        return [inputs[0].copy()], None

    def backward(self, xp, saved, out_grads, needs):
        return [out_grads[0]]


@register_op("stop_gradient")
class BlockGrad(_SameShape):
    name = "BlockGrad"
    doc = "data unchanged going forward; no gradient flows back through it."

    def forward(self, xp, inputs, aux, is_train):
        return [inputs[0]], None

    def backward(self, xp, saved, out_grads, needs):
        # NOTE: deliberately zero, not the identity's gradient
        return [xp.zeros_like(out_grads[0])]


@register_op("cast")
class Cast(_SameShape):
    name = "Cast"
    doc = "data converted to dtype; the gradient is converted back."
    starter_attrs = {"dtype": "float32"}
    params = {"dtype": Param("str", doc="the new element type", choices=CAST_TYPES)}

    def check(self):
        if self.dtype == "bfloat16":
            raise self.error("dtype bfloat16 has no NumPy/CuPy equivalent", GraphError)

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        return [data.astype(self.dtype)], data.dtype

    def onnx(self, graph, inputs, outputs):
        graph.node("Cast", inputs, outputs, to=ONNX_TYPES[self.dtype])

    def backward(self, xp, dtype, out_grads, needs):
        return [out_grads[0].astype(dtype)]


def _onnx_filled_like(graph, data, output, value):
    """A constant expanded to ``data``'s shape (read at run time: a free batch stays free)."""
    shape = graph.fresh(f"{data}_shape")
    graph.node("Shape", [data], [shape])
    graph.node("Expand", [graph.constant("fill", np.array(value, np.float32)), shape], [output])


@register_op()
class OnesLike(_SameShape):
    name = "ones_like"
    doc = "Ones with data's shape and type."
    fill = 1.0

    def onnx(self, graph, inputs, outputs):
        _onnx_filled_like(graph, inputs[0], outputs[0], self.fill)

    def forward(self, xp, inputs, aux, is_train):
        return [xp.ones_like(inputs[0])], None

    def backward(self, xp, saved, out_grads, needs):
        return [xp.zeros_like(out_grads[0])]


@register_op()
class ZerosLike(_SameShape):
    name = "zeros_like"
    doc = "Zeros with data's shape and type."
    fill = 0.0

    def onnx(self, graph, inputs, outputs):
        _onnx_filled_like(graph, inputs[0], outputs[0], self.fill)

    def forward(self, xp, inputs, aux, is_train):
        return [xp.zeros_like(inputs[0])], None

    def backward(self, xp, saved, out_grads, needs):
        return [xp.zeros_like(out_grads[0])]
