"""MXNet 1.9.1's optimizer update operators: sgd_update, sgd_mom_update, nag_mom_update,
adam_update, rmsprop_update, rmspropalex_update, ftrl_update, ftml_update,
signsgd_update, signum_update, lamb_update_phase1/2.

Each returns the new weight and, like MXNet's kernels, updates its state inputs (mom,
mean, var, n, z, ...) in place. ``mx.nd.sgd_mom_update(w, g, mom, lr=0.1, out=w)`` is
MXNet's imperative call; the optimizers of core/optimizer/rules_more.py run these
kernels through ``apply``. They are not differentiable (MXNet defines no gradient).
core/ops/update_mp.py and update_multi.py run this math for mixed precision and for
several weights at once.

``g`` below is ``rescale_grad * grad`` clipped to ``[-clip_gradient, clip_gradient]``
(no clipping when clip_gradient < 0); where weight decay joins before clipping, the
docstring says so.
"""
from __future__ import annotations

import numpy as np

from ..errors import GraphError
from .attrs import Param
from .base import Op, same_shape_op_infer
from .registry import register_op

_COMMON = {
    "wd": Param("float", 0.0, "weight decay"),
    "rescale_grad": Param("float", 1.0, "multiplies the gradient first"),
    "clip_gradient": Param("float", -1.0, "clip the gradient to ±this; < 0: no clipping"),
}
_LR = {"lr": Param("float", doc="learning rate")}
_LAZY = {"lazy_update": Param("bool", True, "sparse gradients only (no effect here)")}


class NoGradientOp(Op):
    """An operator MXNet defines no gradient for: the optimizer updates and their helpers
    (multi_sum_sq, multi_lars, all_finite)."""
    category = "Math"
    per_sample = False   # an optimizer step, or a summary, over whole arrays

    def backward(self, xp, saved, out_grads, needs):
        raise self.error(f"{self.name} has no gradient (MXNet defines none)", GraphError)


class UpdateOp(NoGradientOp):
    starter_attrs = {"lr": "0.01"}
    states: tuple = ()   # the state inputs, updated in place

    def check(self):
        # MXNet's kernels hold these attributes as C++ floats: 0.9 is 0.89999998 there
        for key, param in self.params.items():
            if param.type == "float":
                setattr(self, key, float(np.float32(getattr(self, key))))

    def list_arguments(self):
        return ["weight", "grad", *self.states]

    def infer_shape(self, in_shapes):
        return same_shape_op_infer(self, in_shapes)

    def clipped(self, xp, grad, extra=None):
        """rescale_grad · grad (+ extra), clipped when clip_gradient >= 0."""
        g = grad * self.rescale_grad
        if extra is not None:
            g = g + extra
        if self.clip_gradient >= 0:
            g = xp.clip(g, -self.clip_gradient, self.clip_gradient)
        return g

    def apply(self, xp, weight, grad, *states):
        """The new weight; ``states`` change in place."""
        raise NotImplementedError

    def forward(self, xp, inputs, aux, is_train):
        return [self.apply(xp, *inputs).astype(inputs[0].dtype, copy=False)], None


@register_op()
class SGDUpdate(UpdateOp):
    name = "sgd_update"
    doc = "weight - lr·(g + wd·weight)."
    params = {**_LR, **_COMMON, **_LAZY}

    def apply(self, xp, weight, grad):
        return (1 - self.lr * self.wd) * weight - self.lr * self.clipped(xp, grad)


@register_op()
class SGDMomUpdate(UpdateOp):
    name = "sgd_mom_update"
    doc = "mom = momentum·mom - lr·(wd·weight + g); weight + mom."
    params = {**_LR, "momentum": Param("float", 0.0, "momentum"), **_COMMON, **_LAZY}
    states = ("mom",)

    def apply(self, xp, weight, grad, mom):
        mom *= self.momentum
        mom -= self.lr * (self.wd * weight + self.clipped(xp, grad))
        return weight + mom


@register_op()
class NAGMomUpdate(UpdateOp):
    name = "nag_mom_update"
    doc = "d = g + wd·weight; mom = momentum·mom - lr·d; weight + momentum·mom - lr·d."
    params = {**_LR, "momentum": Param("float", 0.0, "momentum"), **_COMMON}
    states = ("mom",)

    def apply(self, xp, weight, grad, mom):
        d = self.clipped(xp, grad) + self.wd * weight
        mom *= self.momentum
        mom -= self.lr * d
        return weight + self.momentum * mom - self.lr * d


@register_op()
class AdamUpdate(UpdateOp):
    name = "adam_update"
    doc = ("d = clip(rescale·grad + wd·weight); mean, var: moving averages of d and d²; "
           "weight - lr·mean / (sqrt(var) + epsilon) (no bias correction: the optimizer folds it into lr).")
    params = {**_LR, "beta1": Param("float", 0.9, "decay of the mean"),
              "beta2": Param("float", 0.999, "decay of the variance"),
              "epsilon": Param("float", 1e-8, "added to sqrt(var)"), **_COMMON, **_LAZY}
    states = ("mean", "var")

    def apply(self, xp, weight, grad, mean, var):
        d = self.clipped(xp, grad, self.wd * weight)
        mean *= self.beta1
        mean += (1 - self.beta1) * d
        var *= self.beta2
        var += (1 - self.beta2) * d * d
        return weight - self.lr * mean / (xp.sqrt(var) + self.epsilon)


_CLIP_WEIGHTS = {"clip_weights": Param("float", -1.0, "clip the new weight to ±this; < 0: no clipping")}


def _clip_weights(op, xp, weight):
    return xp.clip(weight, -op.clip_weights, op.clip_weights) if op.clip_weights >= 0 else weight


@register_op()
class RMSPropUpdate(UpdateOp):
    name = "rmsprop_update"
    doc = "d = clip(rescale·grad + wd·weight); n = (1-gamma1)·d² + gamma1·n; weight - lr·d / sqrt(n + epsilon)."
    params = {**_LR, "gamma1": Param("float", 0.95, "decay of n"),
              "epsilon": Param("float", 1e-8, "added to n"), **_COMMON, **_CLIP_WEIGHTS}
    states = ("n",)

    def apply(self, xp, weight, grad, n):
        d = self.clipped(xp, grad, self.wd * weight)
        n *= self.gamma1
        n += (1 - self.gamma1) * d * d
        return _clip_weights(self, xp, weight - self.lr * d / xp.sqrt(n + self.epsilon))


@register_op()
class RMSPropAlexUpdate(UpdateOp):
    name = "rmspropalex_update"
    doc = ("Graves's centred RMSProp: n, g moving averages of d², d; "
           "delta = gamma2·delta - lr·d / sqrt(n - g² + epsilon); weight + delta.")
    params = {**_LR, "gamma1": Param("float", 0.95, "decay of n and g"),
              "gamma2": Param("float", 0.9, "decay of delta"),
              "epsilon": Param("float", 1e-8, "added under the root"), **_COMMON, **_CLIP_WEIGHTS}
    states = ("n", "g", "delta")

    def apply(self, xp, weight, grad, n, g, delta):
        d = self.clipped(xp, grad, self.wd * weight)
        n *= self.gamma1
        n += (1 - self.gamma1) * d * d
        g *= self.gamma1
        g += (1 - self.gamma1) * d
        delta *= self.gamma2
        delta -= self.lr * d / xp.sqrt(n - g * g + self.epsilon)
        return _clip_weights(self, xp, weight + delta)


@register_op()
class FtrlUpdate(UpdateOp):
    name = "ftrl_update"
    doc = ("z += g - (sqrt(n + g²) - sqrt(n))·weight / lr; n += g²; weight = (sign(z)·lamda1 - z) / "
           "((beta + sqrt(n)) / lr + wd) where |z| > lamda1, else 0.")
    params = {**_LR, "lamda1": Param("float", 0.01, "L1 strength"),
              "beta": Param("float", 1.0, "per-coordinate rate parameter"), **_COMMON}
    states = ("z", "n")

    def apply(self, xp, weight, grad, z, n):
        g = self.clipped(xp, grad)
        z += g - (xp.sqrt(n + g * g) - xp.sqrt(n)) * weight / self.lr
        n += g * g
        new = (xp.sign(z) * self.lamda1 - z) / ((self.beta + xp.sqrt(n)) / self.lr + self.wd)
        return new * (xp.abs(z) > self.lamda1)


@register_op()
class FTMLUpdate(UpdateOp):
    name = "ftml_update"
    doc = ("d = clip(rescale·grad + wd·weight); v: moving average of d²; "
           "d_t = (1 - beta1^t)/lr · (sqrt(v / (1 - beta2^t)) + epsilon); "
           "z = beta1·z + (1-beta1)·d - (d_t - beta1·d_prev)·weight; weight = -z / d_t.")
    starter_attrs = {"lr": "0.01", "t": "1"}
    params = {**_LR, "beta1": Param("float", 0.6, "decay of z"), "beta2": Param("float", 0.999, "decay of v"),
              "epsilon": Param("float", 1e-8, "added to the root"), "t": Param("int", doc="the step number"),
              "wd": _COMMON["wd"], "rescale_grad": _COMMON["rescale_grad"],
              "clip_grad": Param("float", -1.0, "clip ±this; < 0: no clipping")}
    states = ("d", "v", "z")

    @property
    def clip_gradient(self):
        return self.clip_grad

    def apply(self, xp, weight, grad, d, v, z):
        g = self.clipped(xp, grad, self.wd * weight)
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        d_t = (1 - self.beta1 ** self.t) / self.lr * (xp.sqrt(v / (1 - self.beta2 ** self.t)) + self.epsilon)
        z *= self.beta1
        z += (1 - self.beta1) * g - (d_t - self.beta1 * d) * weight
        d[...] = d_t
        return -z / d_t


@register_op()
class SignSGDUpdate(UpdateOp):
    name = "signsgd_update"
    doc = "(1 - lr·wd)·weight - lr·sign(g)."
    params = {**_LR, **_COMMON}

    def apply(self, xp, weight, grad):
        return (1 - self.lr * self.wd) * weight - self.lr * xp.sign(self.clipped(xp, grad))


@register_op()
class SignumUpdate(UpdateOp):
    name = "signum_update"
    doc = ("mom = momentum·mom - (1-momentum)·(wd·weight + g); "
           "(1 - lr·wd_lh)·weight + lr·sign(mom).")
    params = {**_LR, "momentum": Param("float", 0.0, "momentum"), **_COMMON,
              "wd_lh": Param("float", 0.0, "decoupled weight decay")}
    states = ("mom",)

    def apply(self, xp, weight, grad, mom):
        mom *= self.momentum
        mom -= (1 - self.momentum) * (self.wd * weight + self.clipped(xp, grad))
        return (1 - self.lr * self.wd_lh) * weight + self.lr * xp.sign(mom)


@register_op()
class LambUpdatePhase1(UpdateOp):
    name = "lamb_update_phase1"
    doc = ("LAMB's direction: mean, var moving averages of g and g² (bias-corrected at step t "
           "when bias_correction); mean / (sqrt(var) + epsilon) + wd·weight.")
    starter_attrs = {"t": "1", "wd": "0"}
    params = {"beta1": Param("float", 0.9, "decay of the mean"), "beta2": Param("float", 0.999, "decay of var"),
              "epsilon": Param("float", 1e-6, "added to sqrt(var)"), "t": Param("int", doc="the step number"),
              "bias_correction": Param("bool", True, "divide by 1 - beta^t"), **_COMMON,
              "wd": Param("float", doc="weight decay (required, as in MXNet)")}
    states = ("mean", "var")

    def apply(self, xp, weight, grad, mean, var):
        g = self.clipped(xp, grad)
        mean *= self.beta1
        mean += (1 - self.beta1) * g
        var *= self.beta2
        var += (1 - self.beta2) * g * g
        m, v = mean, var
        if self.bias_correction:
            m, v = mean / (1 - self.beta1 ** self.t), var / (1 - self.beta2 ** self.t)
        return m / (xp.sqrt(v) + self.epsilon) + self.wd * weight


@register_op()
class LambUpdatePhase2(UpdateOp):
    name = "lamb_update_phase2"
    doc = ("weight - lr·(r1 / r2)·g, r1 = ||weight|| clipped to [lower_bound, upper_bound] "
           "when given, the ratio 1 when r1 or r2 is 0.")
    params = {**_LR, "lower_bound": Param("float", -1.0, "least r1; < 0: none"),
              "upper_bound": Param("float", -1.0, "greatest r1; < 0: none")}

    def list_arguments(self):
        return ["weight", "g", "r1", "r2"]

    def infer_shape(self, in_shapes):
        weight, g = in_shapes[:2]
        shape = weight if weight is not None else g
        if shape is None:
            return in_shapes, [None], []
        if g is not None and weight is not None and tuple(g) != tuple(weight):
            raise self.error(f"g has shape {tuple(g)}, expected the weight's {tuple(weight)}")
        return [tuple(shape), tuple(shape), (1,), (1,)], [tuple(shape)], []

    def apply(self, xp, weight, g, r1, r2):
        if self.lower_bound >= 0:
            r1 = xp.maximum(r1, self.lower_bound)
        if self.upper_bound >= 0:
            r1 = xp.minimum(r1, self.upper_bound)
        ratio = xp.where((r1 > 0) & (r2 > 0), r1 / xp.where(r2 > 0, r2, 1), 1)
        return weight - self.lr * ratio * g
