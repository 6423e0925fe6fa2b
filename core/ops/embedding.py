"""Embedding, as MXNet 1.9.1 defines it: rows of a (input_dim, output_dim) weight looked
up by index (indices clipped into range); the weight's gradient adds up repeated rows."""
from __future__ import annotations

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .registry import register_op


@register_op()
class Embedding(Op):
    name = "Embedding"
    category = "Dense"
    doc = "weight[data]: one output_dim row of the (input_dim, output_dim) weight per index."
    per_sample = True   # each index looked up alone
    starter_attrs = {"input_dim": "10", "output_dim": "4"}
    params = {
        "input_dim": Param("int", doc="the number of rows (the vocabulary size)"),
        "output_dim": Param("int", doc="the length of each row"),
        "dtype": Param("str", "float32", "the weight's dtype", choices=("float16", "float32", "float64")),
        "sparse_grad": Param("bool", False, "row_sparse gradient in MXNet (a dense one here)"),
    }

    def check(self):
        if self.input_dim < 1 or self.output_dim < 1:
            raise self.error("input_dim and output_dim must be at least 1", GraphError)

    def list_arguments(self):
        return ["data", "weight"]

    def macs(self, in_shapes, out_shapes):
        return 0

    def infer_shape(self, in_shapes):
        data, weight = in_shapes
        table = (self.input_dim, self.output_dim)
        if weight is not None and tuple(weight) != table:
            raise self.error(f"weight has shape {tuple(weight)}, expected {table}")
        if data is None:
            return [None, table], [None], []
        return [tuple(data), table], [tuple(data) + (self.output_dim,)], []

    def forward(self, xp, inputs, aux, is_train):
        data, weight = inputs
        index = xp.clip(data.astype("int64"), 0, self.input_dim - 1)
        return [weight[index]], (index, data)

    def onnx(self, graph, inputs, outputs):
        graph.gather_clipped(inputs[1], inputs[0], outputs[0], 0, self.input_dim)

    def backward(self, xp, saved, out_grads, needs):
        index, data = saved
        g = out_grads[0]
        grad = xp.zeros((self.input_dim, self.output_dim), dtype=g.dtype)
        xp.add.at(grad, index.reshape(-1), g.reshape(-1, self.output_dim))
        return [xp.zeros_like(data) if needs[0] else None, grad]
