"""MXNet 1.9.1's ``IdentityAttachKLSparseReg``: the identity forward; backward adds the
gradient of a KL sparseness penalty on the mean activation of each unit (Hinton's guide to
RBMs, section 11), pairing with a sigmoid before it:

    moving_avg <- momentum * moving_avg + (1 - momentum) * mean over the batch of data
    grad_data   = grad + penalty * (-target / moving_avg + (1 - target) / (1 - moving_avg))

The running mean ``moving_avg`` (one per unit, starting at 0) is an auxiliary state updated
by each backward, as MXNet does. The added term is not the derivative of the forward (the
identity): finite differences check the pass-through, MXNet's own values the penalty.
"""
from __future__ import annotations

import math

from .attrs import Param
from .base import Op
from .registry import register_op


@register_op()
class IdentityAttachKLSparseReg(Op):
    name = "IdentityAttachKLSparseReg"
    category = "Regularization"
    doc = ("Identity; backward adds a KL sparseness penalty pulling each unit's running mean "
           "activation towards sparseness_target (after a sigmoid).")
    per_sample = False   # the penalty uses the batch mean
    params = {
        "sparseness_target": Param("float", 0.1, "the mean activation aimed at", low=0, high=1),
        "penalty": Param("float", 0.001, "the weight of the sparseness penalty"),
        "momentum": Param("float", 0.9, "weight of the old value in the running mean", low=0, high=1),
    }

    def list_auxiliary_states(self):
        return ["moving_avg"]

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], [None]
        data = tuple(data)
        if len(data) < 2 or math.prod(data[2:]) != 1:
            raise self.error(f"data has shape {data}, expected (batch, units): the penalty "
                             f"keeps one running mean per unit of axis 1")
        return [data], [data], [(data[1],)]

    def forward(self, xp, inputs, aux, is_train):
        self.infer_shape([inputs[0].shape])
        return [inputs[0].copy()], (inputs[0], aux[0]) if is_train else None

    def backward(self, xp, saved, out_grads, needs):
        data, moving_avg = saved
        mean = data.reshape(data.shape[0], -1).mean(axis=0)
        moving_avg *= self.momentum
        moving_avg += (1 - self.momentum) * mean.astype(moving_avg.dtype, copy=False)
        target = self.sparseness_target
        extra = self.penalty * (-target / moving_avg + (1 - target) / (1 - moving_avg))
        grad = out_grads[0] + extra.reshape((1, -1) + (1,) * (data.ndim - 2)).astype(out_grads[0].dtype)
        return [grad]
