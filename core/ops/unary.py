"""Elementwise math on one array: exp, log, sqrt, square, abs, negative, ... and clip.

Each primitive keeps only what its derivative reads: the input x, the output y, or
nothing. Rounding functions (zero gradient) live in rounding.py.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import GraphError
from .attrs import Param
from .base import Op, same_shape_op_infer
from .compose import Composite
from .registry import register_op


class Unary(Op):
    """y = f(x) elementwise. ``uses`` names what ``grad`` reads: "x", "y" or ""."""
    category = "Math"
    per_sample = True   # elementwise
    params = {}
    uses = "x"
    #: the ONNX operator computing it, or None (no mapping)
    onnx_type = None

    def onnx(self, graph, inputs, outputs):
        if self.onnx_type is None:
            return super().onnx(graph, inputs, outputs)
        graph.node(self.onnx_type, inputs, outputs)

    def infer_shape(self, in_shapes):
        return same_shape_op_infer(self, in_shapes)

    def f(self, xp, x):
        raise NotImplementedError

    def grad(self, xp, kept, g):
        raise NotImplementedError

    def forward(self, xp, inputs, aux, is_train):
        x = inputs[0]
        y = self.f(xp, x)
        kept = x if self.uses == "x" else y if self.uses == "y" else None
        return [y], kept

    def backward(self, xp, saved, out_grads, needs):
        return [self.grad(xp, saved, out_grads[0])]


@register_op()
class Exp(Unary):
    name = "exp"
    onnx_type = "Exp"
    doc = "e to the power x."
    uses = "y"

    def f(self, xp, x):
        return xp.exp(x)

    def grad(self, xp, y, g):
        return g * y


@register_op()
class Log(Unary):
    name = "log"
    onnx_type = "Log"
    doc = "Natural logarithm."

    def f(self, xp, x):
        return xp.log(x)

    def grad(self, xp, x, g):
        return g / x


@register_op()
class Log1p(Unary):
    name = "log1p"
    doc = "log(1 + x), exact for small x."

    def f(self, xp, x):
        return xp.log1p(x)

    def onnx(self, graph, inputs, outputs):
        shifted = graph.fresh(f"{outputs[0]}_plus1")
        graph.node("Add", [inputs[0], graph.constant("one", np.array(1, np.float32))], [shifted])
        graph.node("Log", [shifted], outputs)

    def grad(self, xp, x, g):
        return g / (1 + x)


@register_op()
class Expm1(Unary):
    name = "expm1"
    doc = "exp(x) - 1, exact for small x."
    uses = "y"

    def f(self, xp, x):
        return xp.expm1(x)

    def onnx(self, graph, inputs, outputs):
        grown = graph.fresh(f"{outputs[0]}_exp")
        graph.node("Exp", inputs, [grown])
        graph.node("Sub", [grown, graph.constant("one", np.array(1, np.float32))], outputs)

    def grad(self, xp, y, g):
        return g * (y + 1)


@register_op()
class Sqrt(Unary):
    name = "sqrt"
    onnx_type = "Sqrt"
    doc = "Square root."
    uses = "y"

    def f(self, xp, x):
        return xp.sqrt(x)

    def grad(self, xp, y, g):
        return g * 0.5 / y


@register_op()
class Square(Unary):
    name = "square"
    doc = "x squared."

    def f(self, xp, x):
        return x * x

    def onnx(self, graph, inputs, outputs):
        graph.node("Mul", [inputs[0], inputs[0]], outputs)

    def grad(self, xp, x, g):
        return g * 2 * x


@register_op()
class Reciprocal(Unary):
    name = "reciprocal"
    onnx_type = "Reciprocal"
    doc = "1 / x."
    uses = "y"

    def f(self, xp, x):
        return 1 / x

    def grad(self, xp, y, g):
        return -g * y * y


@register_op()
class Rsqrt(Composite):
    name = "rsqrt"
    category = "Math"
    doc = "1 / sqrt(x)."
    per_sample = True
    params = {}

    def parts(self):
        return [(Sqrt(self.node_name), [0]), (Reciprocal(self.node_name), [1])]


@register_op()
class Abs(Unary):
    name = "abs"
    onnx_type = "Abs"
    doc = "Absolute value."

    def f(self, xp, x):
        return xp.abs(x)
    # NOTE: sign(0) = 0, so the gradient at 0 is 0, as in MXNet
    def grad(self, xp, x, g):
        return g * xp.sign(x)


@register_op()
class Negative(Unary):
    name = "negative"
    onnx_type = "Neg"
    doc = "-x."
    uses = ""

    def f(self, xp, x):
        return -x

    def grad(self, xp, _, g):
        return -g


@register_op()
class Sin(Unary):
    name = "sin"
    onnx_type = "Sin"
    doc = "Sine."

    def f(self, xp, x):
        return xp.sin(x)

    def grad(self, xp, x, g):
        return g * xp.cos(x)


@register_op()
class Cos(Unary):
    name = "cos"
    onnx_type = "Cos"
    doc = "Cosine."

    def f(self, xp, x):
        return xp.cos(x)

    def grad(self, xp, x, g):
        return -g * xp.sin(x)


HALF, WIDE = np.dtype(np.float16), np.dtype(np.float32)


def widened(x):
    """float16 data as float32, as MXNet accumulates half precision; others unchanged."""
    return x.astype(WIDE) if x.dtype == HALF else x


def erf(xp, x):
    """Error function, relative error < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit).

    NumPy has no erf and SciPy is not a dependency; this is exact enough for float32.
    """
    if x.dtype == HALF:            # the polynomial in float16 would lose 3 digits
        return erf(xp, x.astype(WIDE)).astype(HALF)
    z = xp.abs(x)
    t = 1 / (1 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    erfc = t * xp.exp(poly)
    return xp.sign(x) * (1 - erfc)


@register_op()
class Erf(Unary):
    name = "erf"
    onnx_type = "Erf"
    doc = "Gauss error function."

    def f(self, xp, x):
        return erf(xp, x)

    def grad(self, xp, x, g):
        return g * (2 / math.sqrt(math.pi)) * xp.exp(-x * x)


@register_op()
class Clip(Op):
    name = "clip"
    category = "Math"
    doc = "Limit values to [a_min, a_max]; the gradient flows only inside the range."
    per_sample = True
    fusion_role = "clip"
    starter_attrs = {"a_min": "0", "a_max": "1"}
    params = {
        "a_min": Param("float", doc="lower bound", low=-math.inf, high=math.inf),
        "a_max": Param("float", doc="upper bound", low=-math.inf, high=math.inf),
    }

    def check(self):
        if self.a_min > self.a_max:
            raise self.error(f"a_min={self.a_min} is above a_max={self.a_max}", GraphError)

    def onnx(self, graph, inputs, outputs):
        low = graph.constant("clip_min", np.array(self.a_min, np.float32))
        high = graph.constant("clip_max", np.array(self.a_max, np.float32))
        graph.node("Clip", [inputs[0], low, high], outputs)

    def infer_shape(self, in_shapes):
        return same_shape_op_infer(self, in_shapes)

    def forward(self, xp, inputs, aux, is_train):
        x = inputs[0]
        return [xp.clip(x, self.a_min, self.a_max).astype(x.dtype, copy=False)], x

    def backward(self, xp, x, out_grads, needs):
        # NOTE: the bounds themselves pass the gradient (MXNet: a_min <= x <= a_max)
        inside = (x >= self.a_min) & (x <= self.a_max)
        return [out_grads[0] * inside]
