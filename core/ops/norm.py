"""BatchNorm, with MXNet's CPU semantics, and the normalisation maths it shares with
InstanceNorm and LayerNorm (core/ops/norm_layer.py).

MXNet details matched here (checked against MXNet 1.9.1 on CPU):
- the batch variance is the biased one (divided by N), also in the moving average;
- the running statistics are updated in *backward*, not forward:
  ``moving = moving * momentum + batch * (1 - momentum)``; a forward pass alone, or a
  node whose inputs need no gradient, leaves them untouched;
- fix_gamma=True uses gamma = 1 and reports a zero gamma gradient;
- the optional ``var`` output is the inverse standard deviation 1/sqrt(var + eps).

>>> op = BatchNorm(fix_gamma=False)
>>> op.infer_shape([(2, 3, 4, 4), None, None])[2]
[(3,), (3,)]
"""
from __future__ import annotations

import numpy as np

from ..errors import GraphError

from .attrs import Param
from .base import Op
from .registry import register_op
from .unary import widened


def normalize(xp, x, axes, eps):
    """(x - mean) / sqrt(var + eps) over ``axes`` (kept as size 1), with the biased var."""
    wide = widened(x)                 # float16 statistics in float32, as MXNet's
    mean = wide.mean(axis=axes, keepdims=True)
    centered = wide - mean
    var = (centered * centered).mean(axis=axes, keepdims=True)
    inv_std = 1 / xp.sqrt(var + eps)
    centered *= inv_std
    return centered.astype(x.dtype, copy=False), mean, var, inv_std


def normalize_backward(grad_hat, x_hat, inv_std, axes):
    """Gradient through x_hat = (x - mean(x)) * inv_std when mean and var come from x
    itself: inv_std * (g - mean(g) - x_hat * mean(g * x_hat)), means over ``axes``."""
    mean_grad = grad_hat.mean(axis=axes, keepdims=True)
    mean_proj = (grad_hat * x_hat).mean(axis=axes, keepdims=True)
    return inv_std * (grad_hat - mean_grad - x_hat * mean_proj)


def channel_view(vector, ndim, axis):
    """A (C,) vector shaped to broadcast along ``axis`` of an ndim array."""
    shape = [1] * ndim
    shape[axis] = -1
    return vector.reshape(shape)


@register_op()
class BatchNorm(Op):
    name = "BatchNorm"
    category = "Normalization"
    doc = "Batch normalisation over all axes but `axis`, with running mean and variance."
    per_sample = False   # batch statistics in training
    fusion_role = "batchnorm"
    params = {
        "eps": Param("float", 1e-3, "added to the variance before the square root", low=0),
        "momentum": Param("float", 0.9, "weight of the old value in the running averages", low=0, high=1),
        "fix_gamma": Param("bool", True, "use gamma = 1 and do not learn it"),
        "use_global_stats": Param("bool", False, "normalise with the running statistics, "
                                  "also in training"),
        "output_mean_var": Param("bool", False, "also output the mean and 1/std"),
        "axis": Param("int", 1, "the channel axis"),
        "cudnn_off": Param("bool", False, "turn off cuDNN (ignored)"),
        "min_calib_range": Param("float_or_none", None, "quantisation range (ignored)"),
        "max_calib_range": Param("float_or_none", None, "quantisation range (ignored)"),
    }
    hidden_outputs = 2

    def fusable(self):
        """Folds into the convolution before it when it normalises channels (axis 1) and
        hands out no mean and variance."""
        return not self.output_mean_var and self.axis == 1

    def check(self):
        # MXNet always has three outputs; mean and var are hidden unless asked for
        self.hidden_outputs = 0 if self.output_mean_var else 2

    def list_arguments(self):
        return ["data", "gamma", "beta"]

    def list_outputs(self):
        return ["output", "mean", "var"] if self.output_mean_var else ["output"]

    def list_auxiliary_states(self):
        return ["moving_mean", "moving_var"]

    def onnx(self, graph, inputs, outputs):
        """Inference BatchNorm (the moving statistics), as an exported network runs."""
        data, gamma, beta, mean, var = inputs
        if self.output_mean_var:
            raise self.error("output_mean_var=True: the batch mean and variance outputs have "
                             "no ONNX form", GraphError)
        if self._axis(len(graph.shape(data))) != 1:
            raise self.error(f"axis={self.axis}: ONNX BatchNormalization normalises axis 1 only",
                             GraphError)
        if self.fix_gamma:
            gamma = graph.constant(f"{outputs[0]}_ones", np.ones(graph.shape(data)[1], np.float32))
        graph.node("BatchNormalization", [data, gamma, beta, mean, var], outputs, epsilon=float(self.eps))

    def _axis(self, ndim):
        if not -ndim <= self.axis < ndim:
            raise self.error(f"axis={self.axis} is out of range for data with {ndim} axes")
        return self.axis % ndim

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None] * len(self.list_outputs()), [None, None]
        data = tuple(data)
        channels = (data[self._axis(len(data))],)
        for name, given in zip(("gamma", "beta"), in_shapes[1:]):
            if given is not None and tuple(given) != channels:
                raise self.error(f"{name} has shape {tuple(given)}, expected {channels} "
                                 f"(one value per channel of axis {self.axis})")
        outs = [data, channels, channels] if self.output_mean_var else [data]
        return [data, channels, channels], outs, [channels, channels]

    def forward(self, xp, inputs, aux, is_train):
        x, gamma, beta = inputs
        moving_mean, moving_var = aux
        axis = self._axis(x.ndim)
        axes = tuple(i for i in range(x.ndim) if i != axis)
        if self.fix_gamma:
            gamma = xp.ones_like(gamma)
        batch_stats = is_train and not self.use_global_stats
        if batch_stats:
            x_hat, mean, var, inv_std = normalize(xp, x, axes, self.eps)
            mean, var, inv_std = mean.reshape(-1), var.reshape(-1), inv_std.reshape(-1)
        else:
            mean = moving_mean.astype(x.dtype, copy=False)
            inv_std = (1 / xp.sqrt(moving_var + self.eps)).astype(x.dtype, copy=False)
            var = None
        if not is_train:
            # inference: one multiply-add per value with the folded scale and shift
            scale, shift = self.affine(xp, gamma, beta, mean, inv_std)
            out = x * channel_view(scale, x.ndim, axis)
            out += channel_view(shift, x.ndim, axis)
            return ([out, mean, inv_std] if self.output_mean_var else [out]), None
        if not batch_stats:
            x_hat = (x - channel_view(mean, x.ndim, axis)) * channel_view(inv_std, x.ndim, axis)
        out = x_hat * channel_view(gamma, x.ndim, axis)
        out += channel_view(beta, x.ndim, axis)
        outputs = [out, mean, inv_std] if self.output_mean_var else [out]
        return outputs, (x_hat, inv_std, gamma, axes, batch_stats, (mean, var, aux))

    @staticmethod
    def affine(xp, gamma, beta, mean, inv_std):
        """Inference BatchNorm as ``x * scale + shift`` per channel."""
        scale = gamma * inv_std
        return scale, beta - mean * scale

    def running_affine(self, xp, gamma, beta, moving_mean, moving_var, dtype):
        """(scale, shift) of inference from the running statistics, as forward computes
        them; the executor folds them into the convolution before (core/executor_passes.py)."""
        gamma = xp.ones_like(gamma) if self.fix_gamma else gamma
        inv_std = (1 / xp.sqrt(moving_var + self.eps)).astype(dtype, copy=False)
        return self.affine(xp, gamma, beta, moving_mean.astype(dtype, copy=False), inv_std)

    def backward(self, xp, saved, out_grads, needs):
        x_hat, inv_std, gamma, axes, batch_stats, (mean, var, aux) = saved
        grad = out_grads[0]  # NOTE: like MXNet, gradients reaching mean/var are ignored
        axis = next(i for i in range(grad.ndim) if i not in axes)
        grad_beta = grad.sum(axis=axes)
        grad_gamma = (grad * x_hat).sum(axis=axes)
        grad_data = None
        if needs[0]:
            scale = gamma * inv_std
            grad_data = grad * channel_view(scale, grad.ndim, axis)
            if batch_stats:
                # the batch mean and variance depend on x too: remove the gradient's
                # per-channel mean and its projection on x_hat (see normalize_backward)
                count = grad.size // grad.shape[axis]
                grad_data -= x_hat * channel_view(scale * grad_gamma / count, grad.ndim, axis)
                grad_data -= channel_view(scale * grad_beta / count, grad.ndim, axis)
        if self.fix_gamma:
            grad_gamma = xp.zeros_like(grad_gamma)
        if batch_stats:
            self._update_running(aux, mean, var)
        return [grad_data, grad_gamma, grad_beta]

    def _update_running(self, aux, mean, var):
        """MXNet's CPU BatchNorm updates the running averages in backward."""
        moving_mean, moving_var = aux
        keep = self.momentum
        moving_mean *= keep
        moving_mean += (1 - keep) * mean.astype(moving_mean.dtype, copy=False)
        moving_var *= keep
        moving_var += (1 - keep) * var.astype(moving_var.dtype, copy=False)

