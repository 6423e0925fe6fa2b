"""Per-sample normalisations: InstanceNorm (each sample and channel over its spatial
axes) and LayerNorm (over one axis). No running statistics; MXNet counts the mean and
variance (LayerNorm: std) as hidden outputs.

>>> op = LayerNorm()
>>> op.infer_shape([(2, 5), None, None])[0]
[(2, 5), (5,), (5,)]
"""
from __future__ import annotations

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .norm import channel_view, normalize, normalize_backward
from .registry import register_op


class _AffineNorm(Op):
    """x_hat over ``_norm_axes`` scaled by gamma and shifted by beta along ``_param_axis``."""

    category = "Normalization"
    hidden_outputs = 2
    per_sample = False   # statistics over attribute-chosen axes; not checked for lanes

    def list_arguments(self):
        return ["data", "gamma", "beta"]

    def _param_axis(self, ndim):
        raise NotImplementedError

    def _norm_axes(self, ndim):
        raise NotImplementedError

    def _check_rank(self, data):
        """Raise ShapeError if data has too few axes."""

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None] * len(self.list_outputs()), []
        data = tuple(data)
        self._check_rank(data)
        params = (data[self._param_axis(len(data))],)
        for name, given in zip(("gamma", "beta"), in_shapes[1:]):
            if given is not None and tuple(given) != params:
                raise self.error(f"{name} has shape {tuple(given)}, expected {params}")
        outs = [data]
        if len(self.list_outputs()) == 3:
            stat = tuple(1 if i in self._norm_axes(len(data)) else n for i, n in enumerate(data))
            outs += [stat, stat]
        return [data, params, params], outs, []

    def _normalize(self, xp, x, gamma, beta):
        axis, axes = self._param_axis(x.ndim), self._norm_axes(x.ndim)
        x_hat, mean, var, inv_std = normalize(xp, x, axes, self.eps)
        out = x_hat * channel_view(gamma, x.ndim, axis) + channel_view(beta, x.ndim, axis)
        return out, (x_hat, inv_std, gamma, axis, axes), mean, var

    def backward(self, xp, saved, out_grads, needs):
        x_hat, inv_std, gamma, axis, axes = saved
        grad = out_grads[0]  # NOTE: like MXNet, gradients reaching mean/std are ignored
        others = tuple(i for i in range(grad.ndim) if i != axis)
        grad_data = None
        if needs[0]:
            grad_hat = grad * channel_view(gamma, grad.ndim, axis)
            grad_data = normalize_backward(grad_hat, x_hat, inv_std, axes)
        return [grad_data, (grad * x_hat).sum(axis=others), grad.sum(axis=others)]


@register_op()
class InstanceNorm(_AffineNorm):
    name = "InstanceNorm"
    doc = "Normalise each sample's channel over its spatial axes, then scale and shift."
    params = {"eps": Param("float", 1e-3, "added to the variance before the square root", low=0)}

    def _param_axis(self, ndim):
        return 1

    def _norm_axes(self, ndim):
        return tuple(range(2, ndim))

    def _check_rank(self, data):
        if len(data) < 3:
            raise self.error(f"data has shape {data}, expected (batch, channel, spatial...)")

    def onnx(self, graph, inputs, outputs):
        graph.node("InstanceNormalization", inputs, outputs, epsilon=float(self.eps))

    def forward(self, xp, inputs, aux, is_train):
        out, saved, _, _ = self._normalize(xp, *inputs)
        return [out], saved if is_train else None


@register_op()
class LayerNorm(_AffineNorm):
    name = "LayerNorm"
    doc = "Normalise over one axis (the last by default), then scale and shift."
    params = {
        "axis": Param("int", -1, "the axis normalised over"),
        "eps": Param("float", 1e-5, "added to the variance before the square root", low=0),
        "output_mean_var": Param("bool", False, "also output the mean and std"),
    }

    def check(self):
        self.hidden_outputs = 0 if self.output_mean_var else 2

    def list_outputs(self):
        return ["output", "mean", "std"] if self.output_mean_var else ["output"]

    def _param_axis(self, ndim):
        return self.axis % ndim

    def _norm_axes(self, ndim):
        return (self.axis % ndim,)

    def _check_rank(self, data):
        if not -len(data) <= self.axis < len(data):
            raise self.error(f"axis={self.axis} is out of range for data {data}")

    def forward(self, xp, inputs, aux, is_train):
        out, saved, mean, var = self._normalize(xp, *inputs)
        outputs = [out, mean, xp.sqrt(var + self.eps)] if self.output_mean_var else [out]
        return outputs, saved if is_train else None

    def onnx(self, graph, inputs, outputs):
        """ONNX LayerNormalization normalises the last axes; another axis (ConvNeXt's
        channels) is moved last and back with two Transposes."""
        if self.output_mean_var:
            raise self.error("output_mean_var=True: the mean and std outputs are not exported", GraphError)
        data, gamma, beta = inputs
        ndim = len(graph.shape(data))
        axis = self.axis % ndim
        if axis == ndim - 1:
            graph.node("LayerNormalization", [data, gamma, beta], outputs, axis=-1, epsilon=float(self.eps))
            return
        last = [i for i in range(ndim) if i != axis] + [axis]
        back = [last.index(i) for i in range(ndim)]
        moved, normed = graph.fresh(f"{outputs[0]}_last"), graph.fresh(f"{outputs[0]}_normed")
        graph.node("Transpose", [data], [moved], perm=last)
        graph.node("LayerNormalization", [moved, gamma, beta], [normed], axis=-1, epsilon=float(self.eps))
        graph.node("Transpose", [normed], outputs, perm=back)
