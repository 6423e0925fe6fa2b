"""LeakyReLU: the family of rectifiers with a negative side (leaky, prelu, rrelu, elu,
selu, gelu), with MXNet's attribute names and defaults."""
from __future__ import annotations

import math

import numpy as np

from ..backend.cpu.relu_kernels import activate_in_place
from ..errors import GraphError
from .attrs import Param
from .base import Op, same_shape_op_infer
from .random_source import uniform
from .registry import register_op
from .unary import erf, widened

# SELU's fixed constants (Klambauer et al. 2017), as MXNet spells them
SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717

#: MXNet's initializer for prelu's gamma (set on the variable, as its FSetInputVarAttrOnCompose)
PRELU_GAMMA_INIT = '["Constant", {"value": 0.25}]'

ACT_TYPES = ("elu", "gelu", "leaky", "prelu", "rrelu", "selu")


@register_op()
class LeakyReLU(Op):
    name = "LeakyReLU"
    category = "Activation"
    doc = ("Rectifier with a negative side: leaky (slope·x), prelu (learned slope per "
           "channel), rrelu (random slope while training), elu, selu, gelu.")
    per_sample = True   # except rrelu's random slopes (is_per_sample)
    fusion_role = "activation"
    params = {
        "act_type": Param("str", "leaky", "activation function", choices=ACT_TYPES),
        "slope": Param("float", 0.25, "slope for x < 0 (leaky); alpha (elu)"),
        "lower_bound": Param("float", 0.125, "rrelu: lowest random slope", low=0),
        "upper_bound": Param("float", 0.334, "rrelu: highest random slope", low=0),
    }

    def is_per_sample(self):
        return self.act_type != "rrelu"

    def check(self):
        if self.act_type == "rrelu":
            if self.lower_bound > self.upper_bound:
                raise self.error(f"lower_bound={self.lower_bound} is above upper_bound="
                                 f"{self.upper_bound}", GraphError)

    def list_arguments(self):
        return ["data", "gamma"] if self.act_type == "prelu" else ["data"]

    @property
    def input_attrs(self):
        """Attributes for input variables: MXNet initialises prelu's gamma to 0.25."""
        return {"gamma": {"__init__": PRELU_GAMMA_INIT}} if self.act_type == "prelu" else {}

    def list_outputs(self):
        # MXNet shows rrelu's slopes as a second output named "mask"
        return ["output", "mask"] if self.act_type == "rrelu" else ["output"]

    def onnx(self, graph, inputs, outputs):
        x = inputs[0]
        if self.act_type in ("leaky", "rrelu"):
            slope = self.slope if self.act_type == "leaky" else (self.lower_bound + self.upper_bound) / 2
            graph.node("LeakyRelu", [x], outputs[:1], alpha=float(slope))
            if len(outputs) > 1:   # rrelu's slopes: at inference, the mean slope everywhere
                shape = graph.fresh(f"{outputs[1]}_shape")
                graph.node("Shape", [x], [shape])
                graph.node("Expand", [graph.constant("slope", np.array(slope, np.float32)), shape], outputs[1:])
        elif self.act_type == "prelu":   # slope (c,) -> (c, 1, ...) to scale axis 1
            ndim = len(graph.shape(x))
            shape = graph.constant(f"{outputs[0]}_slope_shape", np.array([-1] + [1] * (ndim - 2), np.int64))
            slope = graph.fresh(f"{outputs[0]}_slope")
            graph.node("Reshape", [inputs[1], shape], [slope])
            graph.node("PRelu", [x, slope], outputs)
        elif self.act_type == "elu":
            graph.node("Elu", [x], outputs, alpha=float(self.slope))
        elif self.act_type == "selu":
            graph.node("Selu", [x], outputs, alpha=SELU_ALPHA, gamma=SELU_LAMBDA)
        else:   # gelu = x · (1 + erf(x / √2)) / 2
            scaled, erf_out, plus_one, half = (graph.fresh(f"{outputs[0]}_{hint}")
                                               for hint in ("scaled", "erf", "plus1", "half"))
            graph.node("Mul", [x, graph.constant("inv_sqrt2", np.array(1 / math.sqrt(2), np.float32))], [scaled])
            graph.node("Erf", [scaled], [erf_out])
            graph.node("Add", [erf_out, graph.constant("one", np.array(1, np.float32))], [plus_one])
            graph.node("Mul", [x, graph.constant("half", np.array(0.5, np.float32))], [half])
            graph.node("Mul", [half, plus_one], outputs)

    def infer_shape(self, in_shapes):
        if self.act_type != "prelu":
            shapes, outs, aux = same_shape_op_infer(self, in_shapes)
            return shapes, outs * len(self.list_outputs()), aux
        data, gamma = in_shapes
        if data is None:
            return in_shapes, [None], []
        data = tuple(data)
        if len(data) < 2:
            raise self.error(f"prelu needs data with a channel axis (n, c, ...), got {data}")
        if gamma is not None:
            self._gamma_layout(tuple(gamma), data)
        return [data, tuple(gamma) if gamma is not None else (data[1],)], [data], []

    def fusable(self):
        """leaky with 0 <= slope <= 1 runs in place on the convolution before it (inference)."""
        return self.act_type == "leaky" and 0.0 <= self.slope <= 1.0

    def activate_in_place(self, xp, x):
        return activate_in_place(xp, x, self.slope)

    # ----- forward and backward, per act_type -----------------------------------
    def forward(self, xp, inputs, aux, is_train):
        x = inputs[0]
        if self.act_type == "prelu":
            gamma = inputs[1].reshape(self._gamma_layout(inputs[1].shape, x.shape))
            return [xp.where(x > 0, x, gamma * x)], (x, gamma, inputs[1].shape)
        if self.act_type == "rrelu":
            slope = self._rrelu_slope(xp, x, is_train)
            return [xp.where(x > 0, x, slope * x), slope], (x, slope)
        if self.act_type == "leaky":
            if 0.0 <= self.slope <= 1.0:
                # NOTE: for 0 <= slope <= 1, max(x, slope·x) equals where(x > 0, x, slope·x)
                # and needs no mask: one multiply and one max pass (NanoDet's 28 of them)
                return [xp.maximum(x, x * x.dtype.type(self.slope))], x
            return [xp.where(x > 0, x, self.slope * x)], x
        if self.act_type == "gelu":
            wide = widened(x)                      # float16 computes in float32, as MXNet
            return [(0.5 * wide * (1 + erf(xp, wide / math.sqrt(2)))).astype(x.dtype, copy=False)], x
        scale, alpha = (SELU_LAMBDA, SELU_ALPHA) if self.act_type == "selu" else (1.0, self.slope)
        # expm1 of min(x, 0): no overflow on the positive side that where() discards
        out = scale * xp.where(x > 0, x, alpha * xp.expm1(xp.minimum(x, 0)))
        return [out.astype(x.dtype, copy=False)], (x, out)

    def backward(self, xp, saved, out_grads, needs):
        g = out_grads[0]
        if self.act_type == "prelu":
            x, gamma, gamma_shape = saved
            grad_data = xp.where(x > 0, g, gamma * g) if needs[0] else None
            grad_gamma = self._gamma_grad(xp, x, g, gamma).reshape(gamma_shape) if needs[1] else None
            return [grad_data, grad_gamma]
        if self.act_type in ("rrelu", "leaky"):
            x, slope = saved if self.act_type == "rrelu" else (saved, self.slope)
            # NOTE: grad at x == 0 is the slope (MXNet tests x > 0)
            return [xp.where(x > 0, g, slope * g)]
        if self.act_type == "gelu":
            x = widened(saved)
            cdf = 0.5 * (1 + erf(xp, x / math.sqrt(2)))
            pdf = xp.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
            return [(widened(g) * (cdf + x * pdf)).astype(g.dtype, copy=False)]
        x, out = saved
        scale, alpha = (SELU_LAMBDA, SELU_ALPHA) if self.act_type == "selu" else (1.0, self.slope)
        # for x <= 0: d/dx scale·alpha·(e^x - 1) = out + scale·alpha
        return [xp.where(x > 0, scale * g, g * (out + scale * alpha))]

    # ----- helpers ----------------------------------------------------------------
    def _gamma_layout(self, gamma, data):
        """gamma's shape laid over data's axes, as MXNet's ``expand_shape``: gamma's axes
        match data's first two axes from the right ((c,) -> (1, c, 1, ...); (n, c) and a
        2-d data's full shape work too); the other axes are 1."""
        layout, s = [1] * len(data), len(gamma) - 1
        for i in reversed(range(len(data))):
            if s >= 0 and i <= 1 and gamma[s] in (data[i], 1):
                layout[i] = gamma[s]
                s -= 1
        if s != -1:
            raise self.error(f"gamma of shape {tuple(gamma)} cannot broadcast to data {tuple(data)}: "
                             f"expected ({data[1]},) - one slope per channel - or (1,), or a "
                             f"shape matching data's first two axes")
        return tuple(layout)

    @staticmethod
    def _gamma_grad(xp, x, g, gamma_view):
        grad = xp.where(x > 0, 0, x * g)
        axes = tuple(i for i in range(x.ndim) if gamma_view.shape[i] == 1)
        return grad.sum(axis=axes, keepdims=True)

    def _rrelu_slope(self, xp, x, is_train):
        if is_train:
            return uniform(xp, self.lower_bound, self.upper_bound, x.shape, x.dtype)
        # NOTE: at inference the slope is the mean of the bounds, as in MXNet
        return xp.full(x.shape, (self.lower_bound + self.upper_bound) / 2, dtype=x.dtype)
