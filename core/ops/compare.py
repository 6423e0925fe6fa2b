"""Comparisons: 1 where the relation holds, else 0, in the inputs' dtype (MXNet's
``_equal``, ``broadcast_greater``, ``_lesser_scalar`` ...). Their gradient is zero.

What ``sym == 1``, ``a > b`` and friends make in a symbol graph.
"""
from __future__ import annotations

import operator

from .binary import _TwoInputs
from .base import Op
from .registry import register_op
from .scalar import SCALAR_PARAMS
from .unary import Unary

RELATIONS = {"equal": operator.eq, "not_equal": operator.ne, "greater": operator.gt,
             "greater_equal": operator.ge, "lesser": operator.lt, "lesser_equal": operator.le}


class _Compare(_TwoInputs, Op):
    category = "Logic"
    palette_group = "Elementwise"
    relation = staticmethod(operator.eq)

    def forward(self, xp, inputs, aux, is_train):
        a, b = inputs
        return [self.relation(a, b).astype(xp.result_type(a, b))], (a.shape, b.shape, a.dtype, b.dtype)

    def backward(self, xp, saved, out_grads, needs):
        shape_a, shape_b, type_a, type_b = saved
        return [xp.zeros(shape_a, type_a) if needs[0] else None,
                xp.zeros(shape_b, type_b) if needs[1] else None]


class _CompareScalar(Unary):
    category = "Logic"
    palette_group = "Scalar"
    params = SCALAR_PARAMS
    uses = "x"
    relation = staticmethod(operator.eq)

    def f(self, xp, x):
        return self.relation(x, self.scalar).astype(x.dtype)

    def grad(self, xp, x, g):
        return xp.zeros_like(x)


def _define(relation_name, relation):
    doc = f"1 where lhs {relation_name.replace('_', ' ')} rhs, else 0."
    same = type(f"_{relation_name}", (_Compare,),
                {"name": f"_{relation_name}", "doc": doc + " (same shapes)",
                 "relation": staticmethod(relation)})
    spread = type(f"broadcast_{relation_name}", (_Compare,),
                  {"name": f"broadcast_{relation_name}", "category": "Broadcast",
                   "doc": doc + " Broadcasts axes of size 1.", "broadcast": True,
                   "relation": staticmethod(relation)})
    scalar = type(f"_{relation_name}_scalar", (_CompareScalar,),
                  {"name": f"_{relation_name}_scalar", "doc": f"1 where data {relation_name} scalar, else 0.",
                   "relation": staticmethod(relation)})
    for cls in (same, spread, scalar):
        register_op()(cls)
        globals()[cls.__name__] = cls


for _name, _relation in RELATIONS.items():
    _define(_name, _relation)
