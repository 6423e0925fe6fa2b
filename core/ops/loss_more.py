"""Losses and their relatives, as MXNet 1.9.1 defines them: smooth_l1 (elementwise),
softmin (softmax of -x), softmax_cross_entropy (the summed cross-entropy, one number)
and SVMOutput (an output layer whose backward is the hinge loss's gradient)."""
from __future__ import annotations

from .attrs import Param
from .base import Op
from .registry import register_op
from .softmax import _SoftmaxBase, log_softmax, softmax
from .unary import Unary


@register_op()
class SmoothL1(Unary):
    name = "smooth_l1"
    doc = "0.5·(σx)² where |x| < 1/σ², else |x| - 0.5/σ² (σ: scalar)."
    params = {"scalar": Param("float", 1.0, "σ: where the quadratic part ends, 1/σ²")}

    def f(self, xp, x):
        s2 = self.scalar * self.scalar
        return xp.where(xp.abs(x) < 1 / s2, 0.5 * s2 * x * x, xp.abs(x) - 0.5 / s2).astype(x.dtype, copy=False)

    def grad(self, xp, x, g):
        s2 = self.scalar * self.scalar
        return g * xp.where(xp.abs(x) < 1 / s2, s2 * x, xp.sign(x))


@register_op()
class Softmin(_SoftmaxBase):
    name = "softmin"
    doc = "exp(-x / T) normalised to sum 1 along axis."

    def forward(self, xp, inputs, aux, is_train):
        x = inputs[0]
        y = softmax(xp, -self._scaled(x), self.axis)
        return [self._out(y, x.dtype)], (y, x.dtype)

    def backward(self, xp, saved, out_grads, needs):
        y, dtype = saved
        g = out_grads[0].astype(y.dtype, copy=False)
        grad = -y * (g - (g * y).sum(axis=self.axis, keepdims=True))
        return [self._scale_back(grad, dtype)]


def _picked(xp, values, label):
    """values[i, label[i]] for 2-D values."""
    index = label.astype("int64").reshape(-1, 1)
    return xp.take_along_axis(values, index, axis=1)


@register_op()
class SoftmaxCrossEntropy(Op):
    name = "softmax_cross_entropy"
    category = "Output"
    doc = "sum over samples of -log softmax(data)[label]: one number, shape (1,)."
    per_sample = False   # the sum runs over the batch
    params = {}

    def list_arguments(self):
        return ["data", "label"]

    def infer_shape(self, in_shapes):
        data, label = in_shapes
        if data is None:
            return in_shapes, [None], []
        if len(data) != 2:
            raise self.error(f"data has shape {tuple(data)}, expected (batch, classes)")
        if label is not None and tuple(label) != (data[0],):
            raise self.error(f"label has shape {tuple(label)}, expected ({data[0]},)")
        return [tuple(data), (data[0],)], [(1,)], []

    def forward(self, xp, inputs, aux, is_train):
        data, label = inputs
        logp = log_softmax(xp, data, 1)
        return [-_picked(xp, logp, label).sum().reshape(1)], (logp, label)

    def backward(self, xp, saved, out_grads, needs):
        logp, label = saved
        grad = xp.exp(logp)
        xp.put_along_axis(grad, label.astype("int64").reshape(-1, 1),
                          _picked(xp, grad, label) - 1, axis=1)
        return [grad * out_grads[0].reshape(()), xp.zeros_like(label) if needs[1] else None]


@register_op()
class SVMOutput(Op):
    name = "SVMOutput"
    category = "Output"
    doc = ("Passes data forward; backward is the gradient of the L2 (default) or L1 "
           "one-vs-all hinge loss against the class label.")
    is_loss = True
    per_sample = True   # each sample's gradient from its own label
    params = {
        "margin": Param("float", 1.0, "the hinge's margin"),
        "regularization_coefficient": Param("float", 1.0, "scale of the gradient"),
        "use_linear": Param("bool", False, "L1-SVM instead of L2-SVM"),
    }

    def list_arguments(self):
        return ["data", "label"]

    def infer_shape(self, in_shapes):
        data, label = in_shapes
        if data is None:
            return in_shapes, [None], []
        data = tuple(data)
        if label is not None and tuple(label) != (data[0],) + data[2:]:
            raise self.error(f"label has shape {tuple(label)}, expected {(data[0],) + data[2:]}")
        return [data, (data[0],) + data[2:]], [data], []

    def _flat(self, xp, data, label):
        """(rows, classes) scores, the per-row labels, and the ±1 signs (+1 at the label)."""
        scores = xp.moveaxis(data, 1, -1).reshape(-1, data.shape[1])
        sign = -xp.ones_like(scores)
        xp.put_along_axis(sign, label.astype("int64").reshape(-1, 1), 1, axis=1)
        return scores, sign

    def onnx(self, graph, inputs, outputs):
        graph.node("Identity", inputs[:1], outputs)   # inference passes data through

    def forward(self, xp, inputs, aux, is_train):
        return [inputs[0]], (inputs[0], inputs[1])

    def backward(self, xp, saved, out_grads, needs):
        data, label = saved
        scores, sign = self._flat(xp, data, label)
        slack = self.margin - sign * scores   # > 0 where the hinge is active
        active = slack > 0
        if self.use_linear:
            grad = -sign * active
        else:
            grad = -2 * sign * slack * active
        grad = grad * self.regularization_coefficient
        moved = grad.reshape(data.shape[:1] + data.shape[2:] + data.shape[1:2])
        return [xp.moveaxis(moved, -1, 1).astype(data.dtype, copy=False), None]

    def loss_value(self, xp, inputs):
        """The summed hinge loss whose gradient backward returns (for gradient checks)."""
        scores, sign = self._flat(xp, *inputs)
        slack = xp.maximum(self.margin - sign * scores, 0)
        power = slack if self.use_linear else slack * slack
        return power.sum() * self.regularization_coefficient

