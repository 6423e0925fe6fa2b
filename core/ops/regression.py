"""Regression outputs: the prediction passes forward (through a sigmoid for the logistic
one); backward is the derivative of the loss against the label.

As in MXNet's regression_output-inl.h, the gradient is scaled by
``grad_scale / num_output`` with ``num_output = label.size // label.shape[0]``: each
sample's loss is averaged over its outputs, never over the batch.
"""
from __future__ import annotations

import math

from .activation import sigmoid
from .attrs import Param
from .base import Op
from .registry import register_op


class _RegressionOutput(Op):
    category = "Output"
    is_loss = True
    per_sample = True
    params = {"grad_scale": Param("float", 1.0, "scale of the gradient")}

    def list_arguments(self):
        return ["data", "label"]

    def infer_shape(self, in_shapes):
        data, label = in_shapes
        if data is None:
            return in_shapes, [None], []
        data = tuple(data)
        if label is None:
            # a (n, 1) prediction takes a flat (n,) label by default, as in MXNet
            label = (data[0],) if len(data) == 2 and data[1] == 1 else data
        elif label[0] != data[0] or math.prod(label) != math.prod(data):
            raise self.error(f"label has shape {tuple(label)}, expected {data} (or the same "
                             f"number of values per sample, {data[0]} samples)")
        return [data, tuple(label)], [data], []

    #: the ONNX operator of ``link`` (the inference form: the label is not read)
    link_onnx = "Identity"

    def link(self, xp, data):
        """The prediction from data: identity, or the sigmoid for logistic regression."""
        return data

    def onnx(self, graph, inputs, outputs):
        graph.node(self.link_onnx, inputs[:1], outputs)

    def forward(self, xp, inputs, aux, is_train):
        out = self.link(xp, inputs[0])
        return [out], (out, inputs[1])

    def _scale(self, label):
        num_output = label.size // label.shape[0]
        return self.grad_scale / num_output

    def backward(self, xp, saved, out_grads, needs):
        out, label = saved
        label = label.reshape(out.shape).astype(out.dtype, copy=False)
        return [self.residual_grad(xp, out, label) * self._scale(saved[1]), None]

    def loss_value(self, xp, inputs):
        """The summed loss whose gradient backward returns (for gradient checks)."""
        out = self.link(xp, inputs[0])
        label = inputs[1].reshape(out.shape)
        return self.loss(xp, out, label).sum() * self._scale(inputs[1])


@register_op()
class LinearRegressionOutput(_RegressionOutput):
    name = "LinearRegressionOutput"
    doc = "Squared-error regression: backward gives (data - label) · grad_scale / outputs."

    def residual_grad(self, xp, out, label):
        return out - label

    def loss(self, xp, out, label):
        return 0.5 * (out - label) ** 2


@register_op()
class MAERegressionOutput(_RegressionOutput):
    name = "MAERegressionOutput"
    doc = "Absolute-error regression: backward gives sign(data - label) · grad_scale / outputs."

    def residual_grad(self, xp, out, label):
        # NOTE: at data == label MXNet's gradient is -1, not 0 (it tests data - label > 0)
        return xp.where(out > label, 1, -1).astype(out.dtype)

    def loss(self, xp, out, label):
        return xp.abs(out - label)


@register_op()
class LogisticRegressionOutput(_RegressionOutput):
    name = "LogisticRegressionOutput"
    link_onnx = "Sigmoid"
    doc = ("Logistic regression: forward gives sigmoid(data); backward gives "
           "(sigmoid(data) - label) · grad_scale / outputs, the cross-entropy gradient.")

    def link(self, xp, data):
        return sigmoid(xp, data)

    def residual_grad(self, xp, out, label):
        return out - label

    def loss(self, xp, prob, label):
        return -(label * xp.log(prob) + (1 - label) * xp.log(1 - prob))
