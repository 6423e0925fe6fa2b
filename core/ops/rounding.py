"""Rounding and sign: piecewise-constant functions whose gradient is 0, as in MXNet."""
from __future__ import annotations

import numpy as np

from .registry import register_op
from .unary import Unary


def _onnx_towards_zero(graph, x, output, half=0.0):
    """sign(x) · floor(|x| + half): trunc (half 0) and round, halves away from zero (0.5)."""
    magnitude, floored, sign = (graph.fresh(f"{output}_{step}") for step in ("abs", "floor", "sign"))
    graph.node("Abs", [x], [magnitude])
    if half:
        shifted = graph.fresh(f"{output}_shifted")
        graph.node("Add", [magnitude, graph.constant("half", np.array(half, np.float32))], [shifted])
        magnitude = shifted
    graph.node("Floor", [magnitude], [floored])
    graph.node("Sign", [x], [sign])
    graph.node("Mul", [sign, floored], [output])


class PiecewiseConstant(Unary):
    """Rounding-like functions: the derivative is 0 wherever it exists."""
    uses = ""

    def grad(self, xp, _, g):
        return xp.zeros_like(g)


@register_op()
class Sign(PiecewiseConstant):
    name = "sign"
    onnx_type = "Sign"
    doc = "-1, 0 or 1."

    def f(self, xp, x):
        return xp.sign(x)


@register_op()
class Floor(PiecewiseConstant):
    name = "floor"
    onnx_type = "Floor"
    doc = "Largest integer <= x."

    def f(self, xp, x):
        return xp.floor(x)


@register_op()
class Ceil(PiecewiseConstant):
    name = "ceil"
    onnx_type = "Ceil"
    doc = "Smallest integer >= x."

    def f(self, xp, x):
        return xp.ceil(x)


@register_op()
class Trunc(PiecewiseConstant):
    name = "trunc"
    doc = "Integer part, towards zero."

    def onnx(self, graph, inputs, outputs):
        _onnx_towards_zero(graph, inputs[0], outputs[0], 0.0)

    def f(self, xp, x):
        return xp.trunc(x)


@register_op()
class Fix(PiecewiseConstant):
    name = "fix"
    doc = "Round towards zero (same as trunc)."

    def onnx(self, graph, inputs, outputs):
        _onnx_towards_zero(graph, inputs[0], outputs[0], 0.0)

    def f(self, xp, x):
        return xp.trunc(x)


@register_op()
class Round(PiecewiseConstant):
    name = "round"
    doc = "Nearest integer; halves away from zero (2.5 → 3, -2.5 → -3)."

    def onnx(self, graph, inputs, outputs):
        _onnx_towards_zero(graph, inputs[0], outputs[0], 0.5)

    def f(self, xp, x):
        # NOTE: not xp.round, which rounds halves to even; MXNet rounds them away from 0
        return xp.sign(x) * xp.floor(xp.abs(x) + 0.5)


@register_op()
class Rint(PiecewiseConstant):
    name = "rint"
    doc = "Nearest integer; halves go down (1.5 → 1, -2.5 → -3), as MXNet."

    def f(self, xp, x):
        low = xp.floor(x)
        return xp.where(x - low <= 0.5, low, low + 1)
