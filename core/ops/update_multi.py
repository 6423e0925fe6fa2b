"""MXNet 1.9.1's multi-tensor optimizer operators: one node updates ``num_weights``
weights.

- multi_sgd_update, multi_sgd_mom_update, multi_mp_sgd_update, multi_mp_sgd_mom_update
  take their inputs interleaved, one group per weight (``weight_0, grad_0, [mom_0,]
  [weight32_0,] weight_1, ...``), and one learning rate and weight decay per weight in the
  tuples ``lrs``/``wds``;
- preloaded_multi_* take the same groups then two arrays, ``lrs`` and ``wds``.

Each group runs the single operator (sgd_update, sgd_mom_update, mp_sgd_update,
mp_sgd_mom_update; core/ops/update.py, update_mp.py) with that weight's rate and decay,
so states and master copies change in place as there; the outputs are the new weights:
``mx.nd.multi_sgd_update(w0, g0, w1, g1, lrs=(0.1, 0.2), wds=(0, 0), num_weights=2,
out=[w0, w1])``.

multi_sum_sq and multi_lars are the LARS helpers: the float32 sums of squares of
several arrays, and the learning rates scaled by LARS's trust ratio.
"""
from __future__ import annotations

import numpy as np

from ..errors import GraphError, ShapeError
from .attrs import Param
from .registry import register_op
from .update import _COMMON, NoGradientOp, SGDMomUpdate, SGDUpdate, UpdateOp
from .update_mp import MPSGDMomUpdate, MPSGDUpdate

_NUM_WEIGHTS = {"num_weights": Param("int", 1, "number of weights updated", low=1)}
_RATES = {"lrs": Param("floats", doc="one learning rate per weight"),
          "wds": Param("floats", doc="one weight decay per weight")}
_MOMENTUM = {"momentum": Param("float", 0.0, "momentum")}
_SHARED = {key: _COMMON[key] for key in ("rescale_grad", "clip_gradient")}


class MultiUpdate(UpdateOp):
    """Runs ``single`` once per weight on its group of inputs."""
    single: type[UpdateOp]
    #: the rates are the last two inputs (arrays), not the lrs/wds attributes
    preloaded = False
    starter_attrs = {"lrs": "(0.01,)", "wds": "(0,)"}

    def check(self):
        super().check()
        if not self.preloaded:
            for key in ("lrs", "wds"):
                if len(getattr(self, key)) != self.num_weights:
                    raise self.error(f"{key} has {len(getattr(self, key))} entries; num_weights is "
                                     f"{self.num_weights}: one per weight", GraphError)

    def kernel(self, lr, wd):
        """The single-weight operator with this weight's rate and decay."""
        shared = {key: getattr(self, key) for key in self.single.params if hasattr(self, key)
                  and key not in ("lr", "wd")}
        return self.single(node_name=self.node_name, lr=lr, wd=wd, **shared)

    def group(self):
        return self.kernel(0.0, 0.0).list_arguments()

    def list_arguments(self):
        names = [f"{name}_{i}" for i in range(self.num_weights) for name in self.group()]
        return names + ["lrs", "wds"] if self.preloaded else names

    def list_outputs(self):
        return ["output"] if self.num_weights == 1 else [f"output{i}" for i in range(self.num_weights)]

    def infer_shape(self, in_shapes):
        in_shapes = list(in_shapes)
        stride = len(self.group())
        ins, outs = [], []
        for i in range(self.num_weights):
            try:
                group_ins, group_outs, _ = self.kernel(0.0, 0.0).infer_shape(in_shapes[i * stride:(i + 1) * stride])
            except ShapeError as error:
                reason = str(error).split("): ", 1)[-1]
                raise self.error(f"weight {i}'s inputs: {reason}") from None
            ins += group_ins
            outs += group_outs
        if self.preloaded:
            for name, shape in zip(("lrs", "wds"), in_shapes[-2:]):
                if shape is not None and int(np.prod(shape)) != self.num_weights:
                    raise self.error(f"{name} has shape {tuple(shape)}: expected {self.num_weights} "
                                     f"values, one per weight")
            ins += [(self.num_weights,)] * 2
        return ins, outs, []

    def tie_types(self, in_types, out_types):
        """Type inference (core/symbol/types.py): each group as its single operator ties it."""
        kernel = self.kernel(0.0, 0.0)
        stride = len(self.group())
        ins, outs = [], []
        for i in range(self.num_weights):
            group = list(in_types[i * stride:(i + 1) * stride])
            out = [out_types[i]]
            if hasattr(kernel, "tie_types"):
                group, out = kernel.tie_types(group, out)
            else:
                kind = next((t for t in group + out if t is not None), None)
                group, out = [t or kind for t in group], [out[0] or kind]
            ins += group
            outs += out
        return ins + [np.float32] * (len(in_types) - len(ins)), outs

    def rates(self, inputs):
        if self.preloaded:
            return [[float(v) for v in rates.reshape(-1).tolist()] for rates in inputs[-2:]]   # NumPy or CuPy
        return self.lrs, self.wds

    def forward(self, xp, inputs, aux, is_train):
        stride = len(self.group())
        outputs = []
        for i, (lr, wd) in enumerate(zip(*self.rates(inputs))):
            result, _ = self.kernel(lr, wd).forward(xp, inputs[i * stride:(i + 1) * stride], [], is_train)
            outputs += result
        return outputs, None


@register_op()
class MultiSGDUpdate(MultiUpdate):
    name = "multi_sgd_update"
    doc = "sgd_update of num_weights weights at once (inputs weight_i, grad_i; rates lrs, wds)."
    params = {**_RATES, **_SHARED, **_NUM_WEIGHTS}
    single = SGDUpdate


@register_op()
class MultiSGDMomUpdate(MultiUpdate):
    name = "multi_sgd_mom_update"
    doc = "sgd_mom_update of num_weights weights at once (inputs weight_i, grad_i, mom_i; rates lrs, wds)."
    params = {**_RATES, **_MOMENTUM, **_SHARED, **_NUM_WEIGHTS}
    single = SGDMomUpdate


@register_op()
class MultiMPSGDUpdate(MultiUpdate):
    name = "multi_mp_sgd_update"
    doc = "mp_sgd_update of num_weights weights at once (inputs weight_i, grad_i, weight32_i; rates lrs, wds)."
    params = {**_RATES, **_SHARED, **_NUM_WEIGHTS}
    single = MPSGDUpdate


@register_op()
class MultiMPSGDMomUpdate(MultiUpdate):
    name = "multi_mp_sgd_mom_update"
    doc = ("mp_sgd_mom_update of num_weights weights at once "
           "(inputs weight_i, grad_i, mom_i, weight32_i; rates lrs, wds).")
    params = {**_RATES, **_MOMENTUM, **_SHARED, **_NUM_WEIGHTS}
    single = MPSGDMomUpdate


class PreloadedMultiUpdate(MultiUpdate):
    preloaded = True
    starter_attrs = {}


@register_op()
class PreloadedMultiSGDUpdate(PreloadedMultiUpdate):
    name = "preloaded_multi_sgd_update"
    doc = "multi_sgd_update with the rates as the last two inputs, arrays lrs and wds."
    params = {**_SHARED, **_NUM_WEIGHTS}
    single = SGDUpdate


@register_op()
class PreloadedMultiSGDMomUpdate(PreloadedMultiUpdate):
    name = "preloaded_multi_sgd_mom_update"
    doc = "multi_sgd_mom_update with the rates as the last two inputs, arrays lrs and wds."
    params = {**_MOMENTUM, **_SHARED, **_NUM_WEIGHTS}
    single = SGDMomUpdate


@register_op()
class PreloadedMultiMPSGDUpdate(PreloadedMultiUpdate):
    name = "preloaded_multi_mp_sgd_update"
    doc = "multi_mp_sgd_update with the rates as the last two inputs, arrays lrs and wds."
    params = {**_SHARED, **_NUM_WEIGHTS}
    single = MPSGDUpdate


@register_op()
class PreloadedMultiMPSGDMomUpdate(PreloadedMultiUpdate):
    name = "preloaded_multi_mp_sgd_mom_update"
    doc = "multi_mp_sgd_mom_update with the rates as the last two inputs, arrays lrs and wds."
    params = {**_MOMENTUM, **_SHARED, **_NUM_WEIGHTS}
    single = MPSGDMomUpdate


@register_op()
class MultiSumSq(NoGradientOp):
    name = "multi_sum_sq"
    doc = "The sum of squares of each of num_arrays arrays: a float32 vector of num_arrays values."
    starter_attrs = {"num_arrays": "1"}
    params = {"num_arrays": Param("int", doc="number of arrays", low=1)}

    def list_arguments(self):
        return [f"array_{i}" for i in range(self.num_arrays)]

    def infer_shape(self, in_shapes):
        return list(in_shapes), [(self.num_arrays,)], []

    def tie_types(self, in_types, out_types):
        kind = next((t for t in in_types if t is not None), None)
        return [t or kind for t in in_types], [np.float32]

    def forward(self, xp, inputs, aux, is_train):
        # as MXNet's CPU kernel: each square in the array's dtype, summed in float32
        sums = [xp.sum(xp.square(x).astype(np.float32, copy=False)) for x in inputs]
        return [xp.stack(sums).astype(np.float32)], None


@register_op()
class MultiLARS(NoGradientOp):
    name = "multi_lars"
    doc = ("LARS's learning rates: lrs·eta·|w| / (|g|·rescale_grad + wds·|w| + eps) from the sums of "
           "squares of weights and gradients; lrs unchanged where either is 0.")
    starter_attrs = {"eta": "0.001", "eps": "1e-8"}
    params = {"eta": Param("float", doc="LARS's trust coefficient"),
              "eps": Param("float", doc="added to the denominator"),
              "rescale_grad": _COMMON["rescale_grad"]}

    def list_arguments(self):
        return ["lrs", "weights_sum_sq", "grads_sum_sq", "wds"]

    def infer_shape(self, in_shapes):
        shape = next((tuple(s) for s in in_shapes if s is not None), None)
        for name, other in zip(self.list_arguments(), in_shapes):
            if other is not None and int(np.prod(other)) != int(np.prod(shape)):
                raise self.error(f"{name} has shape {tuple(other)}; every input needs {int(np.prod(shape))} "
                                 f"values, one per weight")
        return [shape] * 4, [shape], []

    def tie_types(self, in_types, out_types):
        return [np.float32] * len(in_types), [np.float32]

    def forward(self, xp, inputs, aux, is_train):
        lrs, w_sq, g_sq, wds = (x.astype(np.float32, copy=False) for x in inputs)
        eta, eps, rescale = (np.float32(v) for v in (self.eta, self.eps, self.rescale_grad))
        w_norm = xp.sqrt(w_sq)
        valid = (w_norm > 0) & (g_sq > 0)
        scaled = lrs * eta * w_norm / (xp.sqrt(g_sq) * rescale + wds * w_norm + eps)
        return [xp.where(valid, scaled, lrs).astype(np.float32)], None
