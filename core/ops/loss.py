"""Output (loss) operators. Forward gives the prediction; backward gives the gradient
of the loss with respect to the input, using the label, ignoring any head gradient."""
from __future__ import annotations

import math

import numpy as np

from .attrs import Param
from .base import Op
from .registry import register_op
from .softmax import softmax


@register_op("Softmax")
class SoftmaxOutput(Op):
    name = "SoftmaxOutput"
    category = "Output"
    doc = "Softmax with cross-entropy loss against an integer (or probability) label."
    is_loss = True
    per_sample = True   # unless normalised by a count over the batch (is_per_sample)
    params = {
        "grad_scale": Param("float", 1.0, "scale of the gradient"),
        "ignore_label": Param("float", -1.0, "label value to ignore when use_ignore"),
        "multi_output": Param("bool", False, "softmax over axis 1 of (n, c, ...)"),
        "use_ignore": Param("bool", False, "ignore samples whose label is ignore_label"),
        "preserve_shape": Param("bool", False, "softmax over the last axis, keep shape"),
        "normalization": Param("str", "null", "divide gradient by: nothing, batch size, or valid count",
                               choices=("null", "batch", "valid")),
        "out_grad": Param("bool", False, "multiply by the head gradient"),
        "smooth_alpha": Param("float", 0.0, "label smoothing", low=0, high=1),
    }

    def is_per_sample(self):
        return self.normalization == "null"   # "batch"/"valid" divide by a count over the batch

    def list_arguments(self):
        return ["data", "label"]

    def _axis(self, ndim):
        return 1 if (self.multi_output and ndim > 2) else -1

    def onnx(self, graph, inputs, outputs):
        """Softmax, as at inference (the label is not an input of the export)."""
        data = inputs[0]
        ndim = len(graph.shape(data))
        if self.multi_output or self.preserve_shape or ndim == 2:
            graph.node("Softmax", [data], outputs, axis=self._axis(ndim))
            return
        # softmax over everything but the batch axis, then back to data's shape
        flat, prob, shape = (graph.fresh(f"{outputs[0]}_{hint}") for hint in ("flat", "prob", "shape"))
        graph.node("Flatten", [data], [flat], axis=1)
        graph.node("Softmax", [flat], [prob], axis=1)
        graph.node("Shape", [data], [shape])
        graph.node("Reshape", [prob, shape], outputs)

    def infer_shape(self, in_shapes):
        data, label = in_shapes
        if data is None:
            return in_shapes, [None], []
        data = tuple(data)
        if self.multi_output and len(data) > 2:
            expected = (data[0], *data[2:])
        elif self.preserve_shape:
            expected = data[:-1]
        else:
            expected = (data[0],)
        if label is not None and tuple(label) not in (expected, data):
            raise self.error(f"label has shape {tuple(label)}, expected {expected} "
                             f"(one class index per sample) for data {data}")
        return [data, tuple(label) if label is not None else expected], [data], []

    def _flat(self, x):
        if self.multi_output and x.ndim > 2:
            return x.reshape(x.shape[0], x.shape[1], -1)
        if x.ndim > 2 and not self.preserve_shape:
            return x.reshape(x.shape[0], -1)
        return x

    def forward(self, xp, inputs, aux, is_train):
        data, label = inputs
        prob = softmax(xp, data, axis=self._axis(data.ndim) if self.multi_output else -1) \
            if (self.multi_output or self.preserve_shape or data.ndim == 2) \
            else softmax(xp, data.reshape(data.shape[0], -1)).reshape(data.shape)
        return [prob], (prob, label)

    def _target(self, xp, prob, label):
        """One-hot (or given probability) target in prob's layout, plus a valid mask."""
        if label.shape == prob.shape:
            return label, None
        axis = self._axis(prob.ndim)
        classes = prob.shape[axis]
        index = label.astype("int64")
        valid = None
        if self.use_ignore:
            valid = label != self.ignore_label
            index = xp.where(valid, index, 0)
        onehot = (xp.moveaxis(xp.arange(classes).reshape((-1,) + (1,) * index.ndim), 0, axis)
                  == xp.expand_dims(index, axis)).astype(prob.dtype)
        if self.smooth_alpha:
            onehot = onehot * (1 - self.smooth_alpha) + (1 - onehot) * self.smooth_alpha / (classes - 1)
        if valid is not None:
            valid = xp.expand_dims(valid, axis)
        return onehot, valid

    def _norm(self, prob, valid):
        if self.normalization == "batch":
            return prob.shape[0]
        if self.normalization == "valid":
            count = valid.sum() if valid is not None else math.prod(prob.shape) / prob.shape[self._axis(prob.ndim)]
            return max(float(count), 1.0)
        return 1.0

    def backward(self, xp, saved, out_grads, needs):
        prob, label = saved
        target, valid = self._target(xp, prob, label.reshape(prob.shape) if label.size == prob.size
                                     else label.reshape(self._label_shape(prob)))
        grad = prob - target
        if valid is not None:
            grad = grad * valid
        grad *= self.grad_scale / self._norm(prob, valid)
        if self.out_grad and out_grads[0] is not None:
            grad = grad * out_grads[0]
        return [grad, None]

    def label_problem(self, data_shape, label):
        """NaN/inf, a fraction, or a class index outside ``[0, classes)`` (``-1`` included,
        unless ``use_ignore`` names it): the target such a label makes is silently zero."""
        values = np.asarray(label, dtype=np.float64).reshape(len(label), -1)
        finite = np.isfinite(values).all(axis=1)
        if not finite.all():
            return int(np.flatnonzero(~finite)[0]), "its label is NaN or infinite"
        if tuple(label.shape) == tuple(data_shape):
            return None                      # probabilities, one per class
        classes = self._classes(tuple(data_shape))
        ignored = values == self.ignore_label if self.use_ignore else np.zeros(values.shape, bool)
        bad = ~ignored & ((values != np.rint(values)) | (values < 0) | (values >= classes))
        if not bad.any():
            return None
        sample = int(np.flatnonzero(bad.any(axis=1))[0])
        value = float(values[sample][bad[sample]][0])
        if value < 0:
            hint = (f"; an unlabelled example? drop it, or set use_ignore=True and "
                    f"ignore_label={value:g} on {self.node_name!r}")
        elif value >= classes and value == round(value):
            hint = f"; if the data has more classes, give the layer before {self.node_name!r} more outputs"
        else:
            hint = ""
        return sample, (f"its label {value:g} is not one of the {classes} classes of "
                        f"{self.node_name!r} (whole numbers 0 to {classes - 1}){hint}")

    def _classes(self, data_shape):
        if self.multi_output and len(data_shape) > 2:
            return data_shape[1]
        if self.preserve_shape or len(data_shape) == 2:
            return data_shape[-1]
        return math.prod(data_shape[1:])

    def _label_shape(self, prob):
        if self.multi_output and prob.ndim > 2:
            return (prob.shape[0], *prob.shape[2:])
        return prob.shape[:-1] if self.preserve_shape else (prob.shape[0],)

    def loss_value(self, xp, inputs):
        """The scalar loss whose gradient backward returns (for gradient checks)."""
        data, label = inputs
        prob, _ = self.forward(xp, inputs, [], True)
        target, valid = self._target(xp, prob[0], label.reshape(self._label_shape(prob[0])))
        logp = xp.log(prob[0])
        loss = -(target * logp)
        if valid is not None:
            loss = loss * valid
        return loss.sum() * self.grad_scale / self._norm(prob[0], valid)


@register_op("make_loss")
class MakeLoss(Op):
    name = "MakeLoss"
    category = "Output"
    doc = ("Treat data as a loss: forward passes it through; backward starts from "
           "grad_scale (divided by the batch size or the count of valid entries).")
    is_loss = True
    per_sample = True   # unless normalised by a count over the batch (is_per_sample)
    params = {
        "grad_scale": Param("float", 1.0, "gradient of every entry"),
        "valid_thresh": Param("float", 0.0, "normalization=valid counts entries above this"),
        "normalization": Param("str", "null", "divide the gradient by: nothing, batch size, "
                               "or the count of entries > valid_thresh",
                               choices=("batch", "null", "valid")),
    }

    def is_per_sample(self):
        return self.normalization == "null"   # "batch"/"valid" divide by a count over the batch

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        return in_shapes, [None if data is None else tuple(data)], []

    def onnx(self, graph, inputs, outputs):
        graph.node("Identity", inputs[:1], outputs)   # inference passes data through

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        return [data], data

    def _scale(self, xp, data):
        if self.normalization == "batch":
            return self.grad_scale / data.shape[0]
        if self.normalization == "valid":
            valid = (data > self.valid_thresh).sum()
            return self.grad_scale / xp.maximum(valid, 1).astype(data.dtype)
        return self.grad_scale

    def backward(self, xp, saved, out_grads, needs):
        # NOTE: the head gradient is ignored, as in MXNet: this node is where backward starts
        data = saved
        return [xp.full(data.shape, 1, dtype=data.dtype) * self._scale(xp, data)]

    def loss_value(self, xp, inputs):
        """sum(data) times the scale; its gradient is what backward returns."""
        data = inputs[0]
        return data.sum() * self._scale(xp, data)
