"""``mx.sym.linalg``: MXNet's linear-algebra namespace. ``mx.sym.linalg.potrf(a)`` is the
operator ``linalg_potrf`` on ``a``, its node named ``potrf0`` as MXNet names it.

>>> import core as mx
>>> mx.sym.linalg.potrf(mx.sym.var("a")).name
'potrf0'
"""
from __future__ import annotations

from .symbol import make


def __getattr__(attribute):
    from ..ops import OPS
    op_name = f"linalg_{attribute}"
    if attribute.startswith("_") or op_name not in OPS:
        raise AttributeError(f"module 'core.sym.linalg' has no attribute {attribute!r}")

    def build(*args, name=None, attr=None, **kwargs):
        return make(op_name, args, kwargs, name=name, attr=attr, hint=attribute)
    build.__name__ = attribute
    build.__doc__ = OPS.get(op_name).doc
    return build
