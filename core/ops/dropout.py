"""Dropout: zero each value with probability p while training and scale the kept ones by
1 / (1 - p) (inverted dropout), so inference is the identity."""
from __future__ import annotations

from ..errors import GraphError
from .attrs import Param
from .base import Op, same_shape_op_infer
from .random_source import keep_mask
from .registry import register_op


@register_op()
class Dropout(Op):
    name = "Dropout"
    category = "Regularization"
    doc = ("Randomly zero values with probability p during training, scaling the rest by "
           "1/(1-p); the identity at inference unless mode='always'.")
    # MXNet's second output, the mask, is hidden: it only counts in JSON indices
    hidden_outputs = 1
    per_sample = False   # random masks, drawn in another process per lane
    starter_attrs = {"p": "0.5"}
    params = {
        "p": Param("float", 0.5, "probability of zeroing a value", low=0, high=1),
        "mode": Param("str", "training", "training: only when training; always: also at inference",
                      choices=("always", "training")),
        "axes": Param("shape", (), "axes along which one mask value is shared (variational dropout)"),
        "cudnn_off": Param("bool", False, "ignored (a cuDNN switch in MXNet)"),
    }

    def check(self):
        if not 0 <= self.p <= 1:
            raise self.error(f"p={self.p} must be a probability in [0, 1]", GraphError)

    def onnx(self, graph, inputs, outputs):
        """The identity: an exported network runs inference."""
        if self.mode == "always" and self.p > 0:
            raise self.error("mode='always' drops values at inference too; ONNX inference "
                             "graphs have no random dropout", GraphError)
        graph.node("Identity", inputs, outputs)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is not None:
            for axis in self.axes:
                if not -len(data) <= axis < len(data):
                    raise self.error(f"axes={self.axes} names axis {axis}, but data {tuple(data)} "
                                     f"has {len(data)} axes")
        return same_shape_op_infer(self, in_shapes)

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        if not (is_train or self.mode == "always") or self.p == 0:
            return [data], None
        shape = list(data.shape)
        for axis in self.axes:
            shape[axis] = 1
        if self.p >= 1:
            mask = xp.zeros(shape, dtype=data.dtype)   # everything dropped; no 1/0 scale
        else:
            mask = keep_mask(xp, 1 - self.p, tuple(shape), data.dtype) * (1 / (1 - self.p))
        return [data * mask], mask

    def backward(self, xp, mask, out_grads, needs):
        if mask is None:
            return [out_grads[0]]
        return [out_grads[0] * mask]
