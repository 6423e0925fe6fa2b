"""Comparisons, logic, hypot and mod on two arrays (same-shape ``_equal``, broadcasting
``broadcast_equal``) and on an array and a constant (``_equal_scalar``), as MXNet 1.9.1
names them, plus ``logical_not``.

They extend the ``Binary`` family of binary.py and the ``ScalarOp`` family of scalar.py.
Comparisons and logic give 1 or 0 in the inputs' dtype, as MXNet does, and a zero gradient.
"""
from __future__ import annotations

import numpy as np

from .binary import Binary
from .registry import register_op
from .rounding import PiecewiseConstant
from .scalar import ScalarOp

#: name stem -> (doc phrase, f(xp, a, b) giving booleans)
_TESTS = {
    "equal": ("lhs == rhs", lambda xp, a, b: a == b),
    "not_equal": ("lhs != rhs", lambda xp, a, b: a != b),
    "greater": ("lhs > rhs", lambda xp, a, b: a > b),
    "greater_equal": ("lhs >= rhs", lambda xp, a, b: a >= b),
    "lesser": ("lhs < rhs", lambda xp, a, b: a < b),
    "lesser_equal": ("lhs <= rhs", lambda xp, a, b: a <= b),
    "logical_and": ("lhs and rhs (nonzero is true)", lambda xp, a, b: (a != 0) & (b != 0)),
    "logical_or": ("lhs or rhs (nonzero is true)", lambda xp, a, b: (a != 0) | (b != 0)),
    "logical_xor": ("lhs xor rhs (nonzero is true)", lambda xp, a, b: (a != 0) ^ (b != 0)),
}

#: name stem -> (ONNX test, whether it reads truth values, whether its result is negated)
_ONNX_TESTS = {
    "equal": ("Equal", False, False), "not_equal": ("Equal", False, True),
    "greater": ("Greater", False, False), "greater_equal": ("GreaterOrEqual", False, False),
    "lesser": ("Less", False, False), "lesser_equal": ("LessOrEqual", False, False),
    "logical_and": ("And", True, False), "logical_or": ("Or", True, False), "logical_xor": ("Xor", True, False),
}


def _onnx_test(graph, stem, lhs, rhs, outputs):
    """The test as ONNX booleans, cast back to float (1 or 0, as MXNet gives)."""
    test, logical, negated = _ONNX_TESTS[stem]
    if logical:
        lhs, rhs = graph.cast(lhs, "bool"), graph.cast(rhs, "bool")
    result = graph.fresh(f"{outputs[0]}_{test}")
    graph.node(test, [lhs, rhs], [result])
    if negated:
        negation = graph.fresh(f"{outputs[0]}_not")
        graph.node("Not", [result], [negation])
        result = negation
    graph.cast(result, "float32", outputs[0])


class _Test(Binary):
    """1 where the test holds, else 0, in lhs's dtype; no gradient."""
    test = None
    stem = ""

    def onnx(self, graph, inputs, outputs):
        _onnx_test(graph, self.stem, inputs[0], inputs[1], outputs)

    def f(self, xp, a, b):
        return self.test(xp, a, b).astype(a.dtype)

    def grads(self, xp, a, b, out, g, needs):
        return xp.zeros_like(a), xp.zeros_like(b)


class _ScalarTest(ScalarOp, PiecewiseConstant):
    """The test between data and the attribute ``scalar``."""
    test = None

    def f(self, xp, x):
        return self.test(xp, x, x.dtype.type(self.scalar)).astype(x.dtype)

    def onnx(self, graph, inputs, outputs):
        _onnx_test(graph, self.stem, inputs[0], graph.constant("scalar", np.array(self.scalar, np.float32)),
                   outputs)


def _register_tests():
    for stem, (phrase, test) in _TESTS.items():
        fn = staticmethod(test)
        register_op()(type(f"Elemwise_{stem}", (_Test,), {
            "name": f"_{stem}", "doc": f"1 where {phrase}, else 0 (same shapes).",
            "test": fn, "stem": stem, "__module__": __name__}))
        register_op()(type(f"Broadcast_{stem}", (_Test,), {
            "name": f"broadcast_{stem}", "category": "Broadcast", "broadcast": True,
            "doc": f"1 where {phrase}, else 0, broadcasting axes of size 1.",
            "test": fn, "stem": stem, "__module__": __name__}))
        register_op()(type(f"Scalar_{stem}", (_ScalarTest,), {
            "name": f"_{stem}_scalar", "doc": f"1 where {phrase.replace('rhs', 'scalar')}, else 0.",
            "test": fn, "stem": stem, "__module__": __name__}))


_register_tests()


@register_op()
class LogicalNot(PiecewiseConstant):
    name = "logical_not"
    doc = "1 where data is 0, else 0."

    def f(self, xp, x):
        return (x == 0).astype(x.dtype)

    def onnx(self, graph, inputs, outputs):
        _onnx_test(graph, "equal", inputs[0], graph.constant("zero", np.array(0, np.float32)), outputs)


@register_op()
class Hypot(Binary):
    name = "_hypot"
    doc = "sqrt(lhs² + rhs²) (same shapes)."

    def f(self, xp, a, b):
        return xp.hypot(a, b)

    def grads(self, xp, a, b, out, g, needs):
        return g * a / out, g * b / out


@register_op()
class BroadcastHypot(Hypot):
    name = "broadcast_hypot"
    category = "Broadcast"
    doc = "sqrt(lhs² + rhs²), broadcasting axes of size 1."
    broadcast = True


@register_op()
class HypotScalar(ScalarOp):
    name = "_hypot_scalar"
    doc = "sqrt(data² + scalar²)."
    uses = "x"

    def f(self, xp, x):
        return xp.hypot(x, x.dtype.type(self.scalar))

    def grad(self, xp, x, g):
        return g * x / xp.hypot(x, self.scalar)


@register_op()
class Mod(Binary):
    name = "_mod"
    doc = "lhs modulo rhs, with the sign of rhs (same shapes)."

    def f(self, xp, a, b):
        return xp.mod(a, b)

    def grads(self, xp, a, b, out, g, needs):
        return g, -g * xp.floor(a / b)


@register_op()
class BroadcastMod(Mod):
    name = "broadcast_mod"
    category = "Broadcast"
    doc = "lhs modulo rhs, with the sign of rhs, broadcasting axes of size 1."
    broadcast = True


@register_op()
class ModScalar(ScalarOp):
    name = "_mod_scalar"
    doc = "data modulo scalar."
    uses = ""

    def f(self, xp, x):
        return xp.mod(x, x.dtype.type(self.scalar))

    def grad(self, xp, _, g):
        return g


@register_op()
class RModScalar(ScalarOp):
    name = "_rmod_scalar"
    doc = "scalar modulo data."

    def f(self, xp, x):
        return xp.mod(x.dtype.type(self.scalar), x)

    def grad(self, xp, x, g):
        return -g * xp.floor(self.scalar / x)
