"""GroupNorm (each sample's channel groups normalised, then scaled and shifted per
group) and L2Normalization (x / ||x||), as MXNet 1.9.1 defines them."""
from __future__ import annotations

import numpy as np

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .norm import channel_view, normalize, normalize_backward
from .registry import register_op


@register_op()
class GroupNorm(Op):
    name = "GroupNorm"
    category = "Normalization"
    doc = ("Normalise each sample over groups of channels (and all spatial axes), then scale "
           "and shift per group: gamma and beta have one value per group, as in MXNet 1.9.1.")
    per_sample = True   # statistics of one sample
    hidden_outputs = 2
    params = {
        "num_groups": Param("int", 1, "how many channel groups"),
        "eps": Param("float", 1e-5, "added to the variance before the square root"),
        "output_mean_var": Param("bool", False, "also output each group's mean and std"),
    }

    def check(self):
        if self.num_groups < 1:
            raise self.error(f"num_groups must be at least 1, got {self.num_groups}", GraphError)
        self.hidden_outputs = 0 if self.output_mean_var else 2

    def list_arguments(self):
        return ["data", "gamma", "beta"]

    def list_outputs(self):
        return ["output", "mean", "std"] if self.output_mean_var else ["output"]

    def _grouped(self, shape):
        if len(shape) < 2 or shape[1] % self.num_groups:
            raise self.error(f"data {tuple(shape)}: channels (axis 1) must be a multiple of "
                             f"num_groups={self.num_groups}")
        return (shape[0], self.num_groups, -1)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None] * len(self.list_outputs()), []
        data = tuple(data)
        self._grouped(data)
        params = (self.num_groups,)
        for name, given in zip(("gamma", "beta"), in_shapes[1:]):
            if given is not None and tuple(given) != params:
                raise self.error(f"{name} has shape {tuple(given)}, expected {params} (one per group)")
        stats = (data[0], self.num_groups)
        return [data, params, params], [data, stats, stats][:len(self.list_outputs())], []

    def onnx(self, graph, inputs, outputs):
        """InstanceNormalization of the (n, groups, rest) view: its per-"channel" scale and
        shift are the per-group gamma and beta."""
        if self.output_mean_var:
            raise self.error("output_mean_var=True: the export writes the normalised output only", GraphError)
        data, gamma, beta = inputs
        self._grouped(graph.shape(data))
        grouped, normed, shape = (graph.fresh(f"{outputs[0]}_{step}") for step in ("grouped", "normed", "shape"))
        graph.node("Reshape", [data, graph.ints("groups", [0, self.num_groups, -1])], [grouped])
        graph.node("InstanceNormalization", [grouped, gamma, beta], [normed], epsilon=float(self.eps))
        graph.node("Shape", [data], [shape])
        graph.node("Reshape", [normed, shape], outputs)

    def forward(self, xp, inputs, aux, is_train):
        x, gamma, beta = inputs
        x_hat, mean, var, inv_std = normalize(xp, x.reshape(self._grouped(x.shape)), (2,), self.eps)
        out = x_hat * channel_view(gamma, 3, 1) + channel_view(beta, 3, 1)
        outputs = [out.reshape(x.shape)]
        if self.output_mean_var:
            outputs += [mean.reshape(x.shape[0], -1), xp.sqrt(var + self.eps).reshape(x.shape[0], -1)]
        return outputs, (x_hat, inv_std, gamma)

    def backward(self, xp, saved, out_grads, needs):
        x_hat, inv_std, gamma = saved
        grad = out_grads[0]   # NOTE: like MXNet, gradients reaching mean/std are ignored
        grouped = grad.reshape(x_hat.shape)
        grad_data = normalize_backward(grouped * channel_view(gamma, 3, 1), x_hat, inv_std, (2,))
        return [grad_data.reshape(grad.shape), (grouped * x_hat).sum(axis=(0, 2)), grouped.sum(axis=(0, 2))]


@register_op()
class L2Normalization(Op):
    name = "L2Normalization"
    category = "Normalization"
    doc = ("x / sqrt(sum(x²) + eps), the sum over each sample (instance), each pixel's "
           "channels (channel) or each channel's pixels (spatial).")
    per_sample = True   # the sums never cross samples
    params = {
        "eps": Param("float", 1e-10, "added to the sum of squares"),
        "mode": Param("str", "instance", "what one norm covers", choices=("instance", "channel", "spatial")),
    }

    def _axes(self, ndim):
        if self.mode == "instance":
            return tuple(range(1, ndim))
        if self.mode == "channel":
            return (1,)
        return tuple(range(2, ndim))

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is not None and len(data) < (3 if self.mode == "spatial" else 2):
            raise self.error(f"data {tuple(data)} has too few axes for mode={self.mode!r}")
        return in_shapes, [None if data is None else tuple(data)], []

    def forward(self, xp, inputs, aux, is_train):
        x = inputs[0]
        axes = self._axes(x.ndim)
        norm = xp.sqrt((x * x).sum(axis=axes, keepdims=True) + self.eps)
        out = x / norm
        return [out], (out, norm, axes)

    def onnx(self, graph, inputs, outputs):
        """x / sqrt(ReduceSum(x·x) + eps), written out."""
        x = inputs[0]
        steps = [graph.fresh(f"{outputs[0]}_{step}") for step in ("square", "sum", "eps", "norm")]
        graph.node("Mul", [x, x], [steps[0]])
        graph.node("ReduceSum", [steps[0], graph.ints("axes", self._axes(len(graph.shape(x))))], [steps[1]],
                   keepdims=1)
        graph.node("Add", [steps[1], graph.constant("eps", np.array(self.eps, np.float32))], [steps[2]])
        graph.node("Sqrt", [steps[2]], [steps[3]])
        graph.node("Div", [x, steps[3]], outputs)

    def backward(self, xp, saved, out_grads, needs):
        out, norm, axes = saved
        g = out_grads[0]
        return [(g - out * (g * out).sum(axis=axes, keepdims=True)) / norm]
