"""Arithmetic on two arrays: elemwise_* (same shapes) and broadcast_* (NumPy-style
broadcasting, gradients summed back to each input's shape), plus add_n.

Subtraction and division are built from addition, multiplication, negative and
reciprocal, so they need no backward of their own.
"""
from __future__ import annotations

from .attrs import Param
from .base import Op, same_shape_op_infer
from .compose import Composite
from .registry import register_op
from .unary import Negative, Reciprocal


def broadcast_shape(op, lhs, rhs):
    """The shape two broadcast inputs give, or a ShapeError naming the clashing axis."""
    ndim = max(len(lhs), len(rhs))
    left = (1,) * (ndim - len(lhs)) + tuple(lhs)
    right = (1,) * (ndim - len(rhs)) + tuple(rhs)
    out = []
    for axis, (a, b) in enumerate(zip(left, right)):
        if a != b and 1 not in (a, b):
            raise op.error(f"lhs {tuple(lhs)} and rhs {tuple(rhs)} cannot be broadcast together: "
                           f"axis {axis - ndim} has {a} vs {b} (sizes must match or be 1)")
        out.append(max(a, b))
    return tuple(out)


def sum_to_shape(grad, shape):
    """Undo broadcasting: sum ``grad`` over the axes where ``shape`` was stretched."""
    shape = tuple(shape)
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(extra + i for i, d in enumerate(shape)
                                       if d == 1 and grad.shape[extra + i] != 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape)


def binary_infer_shape(op, in_shapes):
    if not op.broadcast:
        return same_shape_op_infer(op, in_shapes)
    lhs, rhs = in_shapes
    if lhs is None or rhs is None:
        return in_shapes, [None], []
    return [tuple(lhs), tuple(rhs)], [broadcast_shape(op, lhs, rhs)], []


class _TwoInputs:
    """Arguments and shape rule of every two-input elementwise op, primitive or composite."""
    category = "Elementwise"
    per_sample = True   # elementwise; a broadcast input is a parameter or another sample's value
    params = {}
    broadcast = False

    def list_arguments(self):
        return ["lhs", "rhs"]

    #: the ONNX operator computing it (ONNX broadcasts, so one for both forms)
    onnx_type = None

    def onnx(self, graph, inputs, outputs):
        if self.onnx_type is None:
            return super().onnx(graph, inputs, outputs)
        graph.node(self.onnx_type, inputs, outputs)

    def infer_shape(self, in_shapes):
        return binary_infer_shape(self, in_shapes)


class Binary(_TwoInputs, Op):
    """out = f(lhs, rhs); ``grads`` gives (d lhs, d rhs) before un-broadcasting."""

    def f(self, xp, a, b):
        raise NotImplementedError

    def grads(self, xp, a, b, out, g, needs):
        raise NotImplementedError

    def forward(self, xp, inputs, aux, is_train):
        a, b = inputs
        out = self.f(xp, a, b)
        # references only: the executor keeps these arrays alive while training anyway
        return [out], (a, b, out)

    def backward(self, xp, saved, out_grads, needs):
        a, b, out = saved
        grad_a, grad_b = self.grads(xp, a, b, out, out_grads[0], needs)
        if self.broadcast:
            grad_a = sum_to_shape(grad_a, a.shape) if needs[0] else None
            grad_b = sum_to_shape(grad_b, b.shape) if needs[1] else None
        return [grad_a if needs[0] else None, grad_b if needs[1] else None]


@register_op("_Plus", "_plus", "_add")
class ElemwiseAdd(Binary):
    name = "elemwise_add"
    onnx_type = "Add"
    doc = "lhs + rhs (same shapes)."
    palette_group = "Merge"

    def f(self, xp, a, b):
        return a + b

    def grads(self, xp, a, b, out, g, needs):
        return g, g


@register_op("_Mul", "_mul")
class ElemwiseMul(Binary):
    name = "elemwise_mul"
    onnx_type = "Mul"
    doc = "lhs · rhs (same shapes)."
    palette_group = "Merge"

    def f(self, xp, a, b):
        return a * b

    def grads(self, xp, a, b, out, g, needs):
        return g * b, g * a


@register_op("_Maximum")
class Maximum(Binary):
    name = "_maximum"
    onnx_type = "Max"
    doc = "The larger of lhs and rhs (same shapes)."

    def f(self, xp, a, b):
        return xp.maximum(a, b)

    def grads(self, xp, a, b, out, g, needs):
        # NOTE: on ties the gradient goes to lhs only, as in MXNet
        left = a >= b
        return g * left, g * ~left


@register_op("_Minimum")
class Minimum(Binary):
    name = "_minimum"
    onnx_type = "Min"
    doc = "The smaller of lhs and rhs (same shapes)."

    def f(self, xp, a, b):
        return xp.minimum(a, b)

    def grads(self, xp, a, b, out, g, needs):
        left = a <= b
        return g * left, g * ~left


@register_op("_Power")
class Power(Binary):
    name = "_power"
    onnx_type = "Pow"
    doc = "lhs to the power rhs (same shapes)."

    def f(self, xp, a, b):
        return a ** b

    def grads(self, xp, a, b, out, g, needs):
        grad_a = g * b * a ** (b - 1) if needs[0] else None
        # NOTE: NaN where lhs <= 0, as in MXNet (log of a non-positive base)
        grad_b = g * out * xp.log(a) if needs[1] else None
        return grad_a, grad_b


class _BinaryComposite(_TwoInputs, Composite):
    pass


@register_op("_Minus", "_minus", "_sub")
class ElemwiseSub(_BinaryComposite):
    name = "elemwise_sub"
    onnx_type = "Sub"
    doc = "lhs - rhs (same shapes), as lhs + negative(rhs)."
    adder = ElemwiseAdd

    def parts(self):
        return [(Negative(self.node_name), [1]), (self.adder(self.node_name), [0, 2])]


@register_op("_Div", "_div")
class ElemwiseDiv(_BinaryComposite):
    name = "elemwise_div"
    onnx_type = "Div"
    doc = "lhs / rhs (same shapes), as lhs · reciprocal(rhs)."
    multiplier = ElemwiseMul

    def parts(self):
        return [(Reciprocal(self.node_name), [1]), (self.multiplier(self.node_name), [0, 2])]


# ----- broadcasting forms: the same rules, gradients summed back to each shape -----

@register_op("broadcast_plus")
class BroadcastAdd(ElemwiseAdd):
    name = "broadcast_add"
    category = "Broadcast"
    doc = "lhs + rhs, broadcasting axes of size 1."
    broadcast = True


@register_op()
class BroadcastMul(ElemwiseMul):
    name = "broadcast_mul"
    category = "Broadcast"
    doc = "lhs · rhs, broadcasting axes of size 1."
    broadcast = True


@register_op()
class BroadcastMaximum(Maximum):
    name = "broadcast_maximum"
    category = "Broadcast"
    doc = "The larger of lhs and rhs, broadcasting axes of size 1."
    broadcast = True


@register_op()
class BroadcastMinimum(Minimum):
    name = "broadcast_minimum"
    category = "Broadcast"
    doc = "The smaller of lhs and rhs, broadcasting axes of size 1."
    broadcast = True


@register_op()
class BroadcastPower(Power):
    name = "broadcast_power"
    category = "Broadcast"
    doc = "lhs to the power rhs, broadcasting axes of size 1."
    broadcast = True


@register_op("broadcast_minus")
class BroadcastSub(ElemwiseSub):
    name = "broadcast_sub"
    category = "Broadcast"
    doc = "lhs - rhs, broadcasting axes of size 1."
    broadcast = True
    adder = BroadcastAdd


@register_op()
class BroadcastDiv(ElemwiseDiv):
    name = "broadcast_div"
    category = "Broadcast"
    doc = "lhs / rhs, broadcasting axes of size 1."
    broadcast = True
    multiplier = BroadcastMul


@register_op("ElementWiseSum")
class AddN(Op):
    name = "add_n"
    category = "Elementwise"
    doc = "The sum of num_args arrays of one shape."
    per_sample = True
    palette_group = "Merge"
    starter_attrs = {"num_args": "2"}
    params = {"num_args": Param("int", doc="number of inputs", low=1)}

    def list_arguments(self):
        return [f"arg{i}" for i in range(self.num_args)]

    def infer_shape(self, in_shapes):
        return same_shape_op_infer(self, in_shapes)

    def onnx(self, graph, inputs, outputs):
        graph.node("Sum", inputs, outputs)

    def forward(self, xp, inputs, aux, is_train):
        total = inputs[0].copy()
        for array in inputs[1:]:
            total += array
        return [total], None

    def backward(self, xp, saved, out_grads, needs):
        return [out_grads[0] if need else None for need in needs]
