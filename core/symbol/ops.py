"""Symbol constructors for every registered operator: ``mx.sym.Convolution(data=..., ...)``.

Missing arguments (weights, biases, labels) become variables named ``<node>_<arg>``, as
MXNet does, so checkpoints interoperate.
"""
from __future__ import annotations

from ..ops import OPS
from .symbol import make  # noqa: F401  (node building lives with Symbol, whose arithmetic uses it)


def constructor(op_name):
    def build(*args, name=None, attr=None, **kwargs):
        return make(op_name, args, kwargs, name=name, attr=attr)
    cls = OPS.get(op_name)
    build.__name__ = op_name
    build.__doc__ = cls.doc
    return build
