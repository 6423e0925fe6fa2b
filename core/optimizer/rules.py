"""The update rules, each exactly as MXNet 1.x computes it (its C++ kernels' order of
rescale, clip and weight decay), working in place on the weight's own arrays.

Notation: ``g`` is ``rescale_grad * grad`` clipped to ``[-clip_gradient, clip_gradient]``.
"""
from __future__ import annotations

import math

from .base import Optimizer, register, zeros_state


@register
class SGD(Optimizer):
    """SGD with momentum and weight decay::

        mom = momentum * mom - lr * (g + wd * weight)
        weight += mom          (without momentum: weight -= lr * (g + wd * weight))
    """
    rule_options = ("momentum",)

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        return zeros_state(weight) if self.momentum != 0.0 else None

    def step(self, xp, index, weight, grad, mom, lr, wd):
        change = self.rescaled(xp, grad)
        if wd:
            change += wd * weight
        change *= lr
        if mom is None:
            weight -= change
            return
        mom *= self.momentum
        mom -= change
        weight += mom


@register
class NAG(Optimizer):
    """Nesterov accelerated gradient, as MXNet 1.9's ``nag_mom_update``::

        d = g + wd * weight
        mom = momentum * mom - lr * d
        weight += momentum * mom - lr * d

    NOTE: MXNet runs this kernel with ``out=weight``, so the momentum it keeps reads the
    weight *after* the update in its ``wd * weight`` term. We keep that, so a run matches
    MXNet's step for step (without weight decay the two readings agree).
    """
    rule_options = ("momentum",)

    def __init__(self, momentum=0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state(self, index, weight):
        return zeros_state(weight) if self.momentum != 0.0 else None

    def step(self, xp, index, weight, grad, mom, lr, wd):
        g = self.rescaled(xp, grad)
        if mom is None:
            if wd:
                g += wd * weight
            weight -= lr * g
            return
        mom *= self.momentum
        mom -= lr * g                       # the part of the momentum that needs no weight
        d = g + wd * weight if wd else g
        weight += self.momentum * (mom - lr * wd * weight if wd else mom) - lr * d
        if wd:
            mom -= (lr * wd) * weight       # the weight already updated: MXNet's aliasing


@register
class Adam(Optimizer):
    """Adam; weight decay joins the gradient before clipping, as MXNet's ``adam_update``::

        d = clip(rescale_grad * grad + wd * weight)
        m = beta1 * m + (1 - beta1) * d;  v = beta2 * v + (1 - beta2) * d²
        weight -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)
    """
    rule_options = ("beta1", "beta2", "epsilon")

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 lazy_update=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        return zeros_state(weight), zeros_state(weight)

    def step(self, xp, index, weight, grad, state, lr, wd):
        mean, var = state
        t = self._index_update_count[index]
        lr = lr * math.sqrt(1.0 - self.beta2 ** t) / (1.0 - self.beta1 ** t)
        d = _decayed_then_clipped(self, xp, grad, weight, wd)
        mean *= self.beta1
        mean += (1.0 - self.beta1) * d
        var *= self.beta2
        var += (1.0 - self.beta2) * (d * d)
        weight -= lr * mean / (xp.sqrt(var) + self.epsilon)


@register
class RMSProp(Optimizer):
    """RMSProp: Tieleman & Hinton, or Graves's centered version (``centered=True``)::

        d = clip(rescale_grad * grad + wd * weight)
        n = (1 - gamma1) * d² + gamma1 * n
        plain:    weight -= lr * d / sqrt(n + epsilon)
        centered: c = (1 - gamma1) * d + gamma1 * c
                  delta = gamma2 * delta - lr * d / sqrt(n - c² + epsilon); weight += delta
    """
    rule_options = ("gamma1", "gamma2", "epsilon", "centered", "clip_weights")

    def __init__(self, learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8, centered=False,
                 clip_weights=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1, self.gamma2, self.epsilon = gamma1, gamma2, epsilon
        self.centered = centered
        self.clip_weights = clip_weights

    def create_state(self, index, weight):
        if self.centered:
            return zeros_state(weight), zeros_state(weight), zeros_state(weight)
        return (zeros_state(weight),)

    def step(self, xp, index, weight, grad, state, lr, wd):
        d = _decayed_then_clipped(self, xp, grad, weight, wd)
        n = state[0]
        n *= self.gamma1
        n += (1.0 - self.gamma1) * (d * d)
        if not self.centered:
            weight -= lr * d / xp.sqrt(n + self.epsilon)
        else:
            _, mean, delta = state
            mean *= self.gamma1
            mean += (1.0 - self.gamma1) * d
            delta *= self.gamma2
            delta -= lr * d / xp.sqrt(n - mean * mean + self.epsilon)
            weight += delta
        if self.clip_weights:
            xp.clip(weight, -self.clip_weights, self.clip_weights, out=weight)


@register
class AdaGrad(Optimizer):
    """AdaGrad::

        history += g²
        weight -= lr * (g / sqrt(history + eps) + wd * weight)
    """
    rule_options = ("float_stable_eps",)

    def __init__(self, eps=1e-7, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def settings(self):
        out = super().settings()
        out["eps"] = out.pop("float_stable_eps")
        return out

    def create_state(self, index, weight):
        return zeros_state(weight)

    def step(self, xp, index, weight, grad, history, lr, wd):
        g = self.rescaled(xp, grad)
        history += g * g
        change = g / xp.sqrt(history + self.float_stable_eps)
        if wd:
            change += wd * weight
        weight -= lr * change


@register
class AdaDelta(Optimizer):
    """AdaDelta (no learning rate, as MXNet)::

        acc_g = rho * acc_g + (1 - rho) * g²
        delta = sqrt(acc_delta + epsilon) / sqrt(acc_g + epsilon) * g
        acc_delta = rho * acc_delta + (1 - rho) * delta²
        weight -= delta + wd * weight
    """
    rule_options = ("rho", "epsilon")

    def __init__(self, rho=0.90, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.rho, self.epsilon = rho, epsilon

    def create_state(self, index, weight):
        return zeros_state(weight), zeros_state(weight)

    def step(self, xp, index, weight, grad, state, lr, wd):
        acc_g, acc_delta = state
        g = self.rescaled(xp, grad)
        acc_g *= self.rho
        acc_g += (1.0 - self.rho) * (g * g)
        delta = xp.sqrt(acc_delta + self.epsilon) / xp.sqrt(acc_g + self.epsilon) * g
        acc_delta *= self.rho
        acc_delta += (1.0 - self.rho) * (delta * delta)
        if wd:
            delta += wd * weight
        weight -= delta


def _decayed_then_clipped(opt, xp, grad, weight, wd):
    """``clip(rescale_grad * grad + wd * weight)``: Adam's and RMSProp's order."""
    d = grad * opt.rescale_grad
    if wd:
        d += wd * weight
    if opt.clip_gradient is not None and opt.clip_gradient >= 0:
        xp.clip(d, -opt.clip_gradient, opt.clip_gradient, out=d)
    return d
