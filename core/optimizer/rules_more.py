"""More of MXNet 1.9.1's optimizers: Signum, FTML, Ftrl, LAMB (each running MXNet's update
operator, core/ops/update.py, as MXNet's Python optimizer does), Adamax, Nadam and SGLD
(written out in MXNet's Python, so here too).

Notation as in rules.py: ``g`` is ``rescale_grad * grad`` clipped to ``[-clip_gradient,
clip_gradient]``.
"""
from __future__ import annotations

import math

from .. import random_state
from ..ops import OPS
from .base import Optimizer, register, zeros_state


def _kernel(opt, xp, op_name, weight, grad, *states, clip_key="clip_gradient", **attrs):
    """Run update operator ``op_name`` on raw arrays: the weight changes in place."""
    if opt.clip_gradient is not None:
        attrs[clip_key] = opt.clip_gradient
    op = OPS.get(op_name)(node_name=type(opt).__name__.lower(), rescale_grad=opt.rescale_grad, **attrs)
    weight[...] = op.apply(xp, weight, grad, *states)


@register
class Signum(Optimizer):
    """signSGD without momentum, Signum with it (MXNet's signsgd_update / signum_update)::

        mom = momentum * mom - (1 - momentum) * (wd * weight + g)
        weight = (1 - lr * wd_lh) * weight + lr * sign(mom)
    """
    rule_options = ("momentum", "wd_lh")

    def __init__(self, learning_rate=0.01, momentum=0.9, wd_lh=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum, self.wd_lh = momentum, wd_lh

    def create_state(self, index, weight):
        return zeros_state(weight) if self.momentum != 0.0 else None

    def step(self, xp, index, weight, grad, mom, lr, wd):
        if mom is None:
            _kernel(self, xp, "signsgd_update", weight, grad, lr=lr, wd=wd)
        else:
            _kernel(self, xp, "signum_update", weight, grad, mom, lr=lr, wd=wd, momentum=self.momentum,
                    wd_lh=self.wd_lh)


@register
class FTML(Optimizer):
    """Follow the Moving Leader (MXNet's ftml_update; see its doc), states d, v, z."""
    rule_options = ("beta1", "beta2", "epsilon")

    def __init__(self, beta1=0.6, beta2=0.999, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon

    def create_state(self, index, weight):
        return zeros_state(weight), zeros_state(weight), zeros_state(weight)

    def step(self, xp, index, weight, grad, state, lr, wd):
        _kernel(self, xp, "ftml_update", weight, grad, *state, clip_key="clip_grad", lr=lr, wd=wd,
                beta1=self.beta1, beta2=self.beta2, epsilon=self.epsilon,
                t=self._index_update_count[index])


@register
class Ftrl(Optimizer):
    """Follow the Regularized Leader (MXNet's ftrl_update; see its doc), states z, n."""
    rule_options = ("lamda1", "beta")

    def __init__(self, lamda1=0.01, learning_rate=0.1, beta=1, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.lamda1, self.beta = lamda1, beta

    def create_state(self, index, weight):
        return zeros_state(weight), zeros_state(weight)

    def step(self, xp, index, weight, grad, state, lr, wd):
        _kernel(self, xp, "ftrl_update", weight, grad, *state, lr=lr, wd=wd, lamda1=self.lamda1, beta=self.beta)


@register
class LAMB(Optimizer):
    """Layer-wise adaptive moments (MXNet's lamb_update_phase1, then phase2 with
    r1 = ||weight||, r2 = ||direction||)."""
    rule_options = ("beta1", "beta2", "epsilon", "lower_bound", "upper_bound", "bias_correction")

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-6, lower_bound=None,
                 upper_bound=None, bias_correction=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.lower_bound, self.upper_bound = lower_bound, upper_bound
        self.bias_correction = bias_correction

    def create_state(self, index, weight):
        return zeros_state(weight), zeros_state(weight)

    def step(self, xp, index, weight, grad, state, lr, wd):
        phase1 = OPS.get("lamb_update_phase1")(
            node_name="lamb", beta1=self.beta1, beta2=self.beta2, epsilon=self.epsilon,
            t=self._index_update_count[index], bias_correction=self.bias_correction, wd=wd,
            rescale_grad=self.rescale_grad,
            clip_gradient=-1.0 if self.clip_gradient is None else self.clip_gradient)
        direction = phase1.apply(xp, weight, grad, *state)
        r1 = xp.sqrt((weight * weight).sum()).reshape(1)
        r2 = xp.sqrt((direction * direction).sum()).reshape(1)
        bounds = {key: value for key, value in (("lower_bound", self.lower_bound),
                                                ("upper_bound", self.upper_bound)) if value}
        phase2 = OPS.get("lamb_update_phase2")(node_name="lamb", lr=lr, **bounds)
        weight[...] = phase2.apply(xp, weight, direction, r1, r2)


def _decayed_then_clipped(opt, xp, grad, weight, wd):
    d = grad * opt.rescale_grad + wd * weight
    if opt.clip_gradient is not None:
        d = xp.clip(d, -opt.clip_gradient, opt.clip_gradient)
    return d


@register
class Adamax(Optimizer):
    """AdaMax (Adam with the infinity norm)::

        d = clip(rescale_grad * grad + wd * weight)
        m = beta1 * m + (1 - beta1) * d;  u = maximum(beta2 * u, |d|)
        weight -= lr / (1 - beta1^t) * m / u
    """
    rule_options = ("beta1", "beta2")

    def __init__(self, learning_rate=0.002, beta1=0.9, beta2=0.999, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2 = beta1, beta2

    def create_state(self, index, weight):
        return zeros_state(weight), zeros_state(weight)

    def step(self, xp, index, weight, grad, state, lr, wd):
        m, u = state
        lr = lr / (1.0 - self.beta1 ** self._index_update_count[index])
        d = _decayed_then_clipped(self, xp, grad, weight, wd)
        m *= self.beta1
        m += (1.0 - self.beta1) * d
        u[...] = xp.maximum(self.beta2 * u, xp.abs(d))
        weight -= lr * m / u


@register
class Nadam(Optimizer):
    """Adam with Nesterov momentum and MXNet's momentum schedule::

        d = clip(rescale_grad * grad + wd * weight)
        mu_t = beta1 * (1 - 0.5 * 0.96^(t * schedule_decay)); schedule *= mu_t
        m, v: moving averages of d and d² (beta1, beta2)
        m_bar = (1 - mu_t) * d / (1 - schedule) + mu_(t+1) * m / (1 - schedule * mu_(t+1))
        weight -= lr * m_bar / (sqrt(v / (1 - beta2^t)) + epsilon)

    NOTE: as in MXNet, the schedule is one product shared by every parameter (it advances
    once per update of any of them).
    """
    rule_options = ("beta1", "beta2", "epsilon", "schedule_decay")

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 schedule_decay=0.004, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.0

    def create_state(self, index, weight):
        return zeros_state(weight), zeros_state(weight)

    def step(self, xp, index, weight, grad, state, lr, wd):
        m, v = state
        t = self._index_update_count[index]
        d = _decayed_then_clipped(self, xp, grad, weight, wd)
        momentum_t = self.beta1 * (1.0 - 0.5 * 0.96 ** (t * self.schedule_decay))
        momentum_next = self.beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * self.schedule_decay))
        self.m_schedule *= momentum_t
        schedule_next = self.m_schedule * momentum_next
        m *= self.beta1
        m += (1.0 - self.beta1) * d
        v *= self.beta2
        v += (1.0 - self.beta2) * d * d
        m_bar = (1.0 - momentum_t) * d / (1.0 - self.m_schedule) + momentum_next * m / (1.0 - schedule_next)
        weight -= lr * m_bar / (xp.sqrt(v / (1.0 - self.beta2 ** t)) + self.epsilon)


@register
class SGLD(Optimizer):
    """Stochastic Gradient Langevin Dynamics::

        weight += -lr / 2 * (g + wd * weight) + N(0, sqrt(lr))

    The noise comes from the generator ``mx.random.seed`` seeds.
    """

    def step(self, xp, index, weight, grad, state, lr, wd):
        g = self.rescaled(xp, grad)
        weight += -lr / 2 * (g + wd * weight)
        noise = random_state.generator(xp).standard_normal(weight.shape) * math.sqrt(lr)
        weight += noise.astype(weight.dtype, copy=False)
