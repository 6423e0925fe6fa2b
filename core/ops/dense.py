"""FullyConnected: y = x W^T + b, as one matrix product."""
from __future__ import annotations

import math

from .attrs import Param
from .base import Op
from .registry import register_op


@register_op()
class FullyConnected(Op):
    name = "FullyConnected"
    category = "Dense"
    doc = "Fully connected layer: output = data · weightᵀ + bias."
    per_sample = True
    starter_attrs = {"num_hidden": "128"}
    params = {
        "num_hidden": Param("int", doc="number of output units", low=1),
        "no_bias": Param("bool", False, "leave out the bias"),
        "flatten": Param("bool", True, "flatten all but the first axis of data"),
    }

    def list_arguments(self):
        return ["data", "weight"] if self.no_bias else ["data", "weight", "bias"]

    def onnx(self, graph, inputs, outputs):
        data, weight = inputs[0], inputs[1]
        if self.flatten:   # Gemm: (n, k) x (m, k)^T + bias
            if len(graph.shape(data)) != 2:
                flat = graph.fresh(f"{outputs[0]}_flat")
                graph.node("Flatten", [data], [flat], axis=1)
                data = flat
            graph.node("Gemm", [data, weight, *inputs[2:]], outputs, transB=1)
            return
        transposed = graph.fresh(f"{weight}_T")
        graph.node("Transpose", [weight], [transposed], perm=[1, 0])
        if self.no_bias:
            graph.node("MatMul", [data, transposed], outputs)
            return
        product = graph.fresh(f"{outputs[0]}_matmul")
        graph.node("MatMul", [data, transposed], [product])
        graph.node("Add", [product, inputs[2]], outputs)

    def _in_units(self, data):
        return math.prod(data[1:]) if self.flatten else data[-1]

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        units = self._in_units(data)
        weight = (self.num_hidden, units)
        given = in_shapes[1]
        if given is not None and tuple(given) != weight:
            raise self.error(f"data {tuple(data)} vs weight {tuple(given)}; weight expects "
                             f"{given[1] if len(given) > 1 else '?'} inputs, data gives {units} "
                             f"(weight must be {weight})")
        shapes = [tuple(data), weight] + ([] if self.no_bias else [(self.num_hidden,)])
        out = (data[0], self.num_hidden) if self.flatten else (*data[:-1], self.num_hidden)
        return shapes, [out], []

    def macs(self, in_shapes, out_shapes):
        data = in_shapes[0]
        rows = 1 if self.flatten else math.prod(data[1:-1])
        return rows * self._in_units(data) * self.num_hidden

    def forward(self, xp, inputs, aux, is_train):
        data, weight = inputs[0], inputs[1]
        x = data.reshape(data.shape[0], -1) if self.flatten else data.reshape(-1, data.shape[-1])
        out = x @ weight.T
        if not self.no_bias:
            out += inputs[2]
        if not self.flatten:
            out = out.reshape(*data.shape[:-1], self.num_hidden)
        return [out], (x, weight, data.shape)

    def backward(self, xp, saved, out_grads, needs):
        x, weight, data_shape = saved
        grad = out_grads[0].reshape(-1, self.num_hidden)
        grad_data = (grad @ weight).reshape(data_shape) if needs[0] else None
        grad_weight = grad.T @ x if needs[1] else None
        if self.no_bias:
            return [grad_data, grad_weight]
        return [grad_data, grad_weight, grad.sum(axis=0)]
