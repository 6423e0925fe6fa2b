"""MXNet 1.9.1's mixed-precision update operators: mp_sgd_update, mp_sgd_mom_update,
mp_nag_mom_update, mp_lamb_update_phase1/2.

Each runs the math of its single-precision operator (core/ops/update.py) on
``weight32``, the float32 master copy of a (float16) weight, with the gradient read as
float32. Like MXNet's kernels:

- mp_sgd_update, mp_sgd_mom_update, mp_nag_mom_update write the new master weight into
  ``weight32`` (and their float32 ``mom``) in place and return it cast to the weight's
  dtype: ``mx.nd.mp_sgd_update(w16, g16, w32, lr=0.1, out=w16)``;
- mp_lamb_update_phase1 returns LAMB's float32 direction (mean, var change in place);
- mp_lamb_update_phase2 returns ``weight32 - lr·ratio·g`` cast to the weight's dtype and
  leaves ``weight32`` as it was (MXNet 1.9.1's kernel does not write it).
"""
from __future__ import annotations

import numpy as np

from .base import merge_partial
from .registry import register_op
from .update import LambUpdatePhase1, LambUpdatePhase2, NAGMomUpdate, SGDMomUpdate, SGDUpdate


class MixedPrecision:
    """Put before a single-precision UpdateOp class: adds the ``weight32`` input and runs
    that class's ``apply`` on it."""
    #: the new master weight is written into weight32
    writes_master = True
    #: the result is float32 (LAMB's phase 1 direction), not the weight's dtype
    float32_result = False

    def list_arguments(self):
        return [*super().list_arguments(), "weight32"]

    def infer_shape(self, in_shapes):
        *own, master = in_shapes
        if own[0] is None:
            own[0] = master            # the weight has its master copy's shape
        ins, outs, aux = super().infer_shape(own)
        weight = ins[0]
        if weight is not None and master is not None and merge_partial(tuple(weight), tuple(master)) is None:
            raise self.error(f"weight32 has shape {tuple(master)}, expected the weight's {tuple(weight)}")
        return [*ins, weight], outs, aux

    def float32_inputs(self):
        return {*self.states, "weight32"}

    def tie_types(self, in_types, out_types):
        """Type inference (core/symbol/types.py): states and master copy are float32; the
        weight, its gradient and the result share one dtype."""
        float32 = self.float32_inputs()
        names = self.list_arguments()
        shared = [t for n, t in zip(names, in_types) if n not in float32]
        shared += [] if self.float32_result else list(out_types)
        kind = next((t for t in shared if t is not None), None)
        ins = [np.float32 if n in float32 else t or kind for n, t in zip(names, in_types)]
        return ins, [np.float32 if self.float32_result else out_types[0] or kind]

    def forward(self, xp, inputs, aux, is_train):
        weight, grad, *states, weight32 = inputs
        new = self.apply(xp, weight32, grad.astype(np.float32, copy=False), *states)
        if self.writes_master:
            weight32[...] = new
        dtype = np.float32 if self.float32_result else weight.dtype
        return [new.astype(dtype, copy=False)], None


@register_op()
class MPSGDUpdate(MixedPrecision, SGDUpdate):
    name = "mp_sgd_update"
    doc = "sgd_update on the float32 master weight32 (written in place); the result in the weight's dtype."


@register_op()
class MPSGDMomUpdate(MixedPrecision, SGDMomUpdate):
    name = "mp_sgd_mom_update"
    doc = "sgd_mom_update on the float32 master weight32 (written in place, as mom); the result in the weight's dtype."


@register_op()
class MPNAGMomUpdate(MixedPrecision, NAGMomUpdate):
    name = "mp_nag_mom_update"
    doc = ("nag_mom_update on the float32 master weight32 (written in place, as mom); the result in the "
           "weight's dtype. The momentum then decays with the new weight: mom = momentum·mom - lr·(g + wd·new).")

    def apply(self, xp, weight, grad, mom):
        # MXNet 1.9.1's MP_NAGMomKernel reads the weight decay term after writing the weight
        g = self.clipped(xp, grad)
        mom *= self.momentum
        new = weight + self.momentum * mom - (self.momentum + 1) * self.lr * (g + self.wd * weight)
        mom -= self.lr * (g + self.wd * new)
        return new


@register_op()
class MPLambUpdatePhase1(MixedPrecision, LambUpdatePhase1):
    name = "mp_lamb_update_phase1"
    doc = "lamb_update_phase1 with the float32 master weight32 in the decay term; the direction is float32."
    writes_master = False
    float32_result = True


@register_op()
class MPLambUpdatePhase2(MixedPrecision, LambUpdatePhase2):
    name = "mp_lamb_update_phase2"
    doc = ("lamb_update_phase2 from the float32 master weight32, cast to the weight's dtype "
           "(weight32 itself is not written, as in MXNet 1.9.1).")
    writes_master = False

    def float32_inputs(self):
        return {"g", "r1", "r2", "weight32"}
