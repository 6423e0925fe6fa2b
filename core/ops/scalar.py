"""Arithmetic between an array and a constant (attribute ``scalar``): what ``x + 1``,
``2 * x``, ``1 / x`` or ``x ** 2`` make in a symbol graph.

The subtracting and dividing forms are built from the adding and multiplying ones.
"""
from __future__ import annotations

import math

import numpy as np

from .attrs import Param
from .compose import Composite
from .registry import register_op
from .unary import Negative, Reciprocal, Unary

SCALAR_PARAMS = {
    "scalar": Param("float", 1.0, "the constant"),
    # MXNet 1.9 records whether the scalar was an int; it only matters for integer arrays
    "is_int": Param("bool", True, "the scalar was written as an integer"),
}


class ScalarOp(Unary):
    category = "Scalar"
    params = SCALAR_PARAMS
    #: the scalar is the left operand in ONNX (scalar ** x)
    scalar_first = False

    def onnx(self, graph, inputs, outputs):
        if self.onnx_type is None:
            return super().onnx(graph, inputs, outputs)
        scalar = graph.constant("scalar", np.array(self.scalar, np.float32))
        graph.node(self.onnx_type, [scalar, inputs[0]] if self.scalar_first else [inputs[0], scalar], outputs)


@register_op("_PlusScalar")
class PlusScalar(ScalarOp):
    name = "_plus_scalar"
    onnx_type = "Add"
    doc = "data + scalar."
    uses = ""

    def f(self, xp, x):
        return x + self.scalar

    def grad(self, xp, _, g):
        return g


@register_op("_MulScalar")
class MulScalar(ScalarOp):
    name = "_mul_scalar"
    onnx_type = "Mul"
    doc = "data · scalar."
    uses = ""

    def f(self, xp, x):
        return x * self.scalar

    def grad(self, xp, _, g):
        return g * self.scalar


@register_op("_PowerScalar")
class PowerScalar(ScalarOp):
    name = "_power_scalar"
    onnx_type = "Pow"
    doc = "data to the power scalar."

    def f(self, xp, x):
        return x ** self.scalar

    def grad(self, xp, x, g):
        return g * self.scalar * x ** (self.scalar - 1)


@register_op("_RPowerScalar")
class RPowerScalar(ScalarOp):
    name = "_rpower_scalar"
    onnx_type = "Pow"
    scalar_first = True
    doc = "scalar to the power data."
    uses = "y"

    def f(self, xp, x):
        return self.scalar ** x

    def grad(self, xp, y, g):
        log_base = math.log(self.scalar) if self.scalar > 0 else math.nan
        return g * y * log_base


@register_op("_MaximumScalar")
class MaximumScalar(ScalarOp):
    name = "_maximum_scalar"
    onnx_type = "Max"
    doc = "max(data, scalar)."

    def f(self, xp, x):
        return xp.maximum(x, self.scalar).astype(x.dtype, copy=False)

    def grad(self, xp, x, g):
        # NOTE: data equal to the scalar passes the gradient, as in MXNet
        return g * (x >= self.scalar)


@register_op("_MinimumScalar")
class MinimumScalar(ScalarOp):
    name = "_minimum_scalar"
    onnx_type = "Min"
    doc = "min(data, scalar)."

    def f(self, xp, x):
        return xp.minimum(x, self.scalar).astype(x.dtype, copy=False)

    def grad(self, xp, x, g):
        return g * (x <= self.scalar)


class ScalarComposite(Composite):
    category = "Scalar"
    per_sample = True
    params = SCALAR_PARAMS


@register_op("_MinusScalar")
class MinusScalar(ScalarComposite):
    name = "_minus_scalar"
    doc = "data - scalar, as data + (-scalar)."

    def parts(self):
        return [(PlusScalar(self.node_name, scalar=-self.scalar), [0])]


@register_op("_RMinusScalar")
class RMinusScalar(ScalarComposite):
    name = "_rminus_scalar"
    doc = "scalar - data, as negative(data) + scalar."

    def parts(self):
        return [(Negative(self.node_name), [0]), (PlusScalar(self.node_name, scalar=self.scalar), [1])]


@register_op("_DivScalar")
class DivScalar(ScalarComposite):
    name = "_div_scalar"
    doc = "data / scalar, as data · (1 / scalar)."

    def parts(self):
        # NOTE: dividing by 0 gives ±inf (NaN for 0/0), as x / 0 does
        inverse = 1 / self.scalar if self.scalar != 0 else math.inf
        return [(MulScalar(self.node_name, scalar=inverse), [0])]


@register_op("_RDivScalar")
class RDivScalar(ScalarComposite):
    name = "_rdiv_scalar"
    doc = "scalar / data, as reciprocal(data) · scalar."

    def parts(self):
        return [(Reciprocal(self.node_name), [0]), (MulScalar(self.node_name, scalar=self.scalar), [1])]
