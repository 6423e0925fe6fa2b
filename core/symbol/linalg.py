"""``mx.sym.linalg``: MXNet's linear-algebra namespace. ``mx.sym.linalg.potrf(a)`` is the
operator ``linalg_potrf`` on ``a``, its node named ``potrf0`` as MXNet names it.

>>> import core as mx
>>> with mx.name.NameManager():
...     mx.sym.linalg.potrf(mx.sym.var("a")).name
'potrf0'
"""
from __future__ import annotations

from .symbol import make


def __getattr__(attribute):
    from ..ops import OPS
    # MXNet's public linalg_X, or its internal _linalg_X (syevd has no public name)
    op_name = next((n for n in (f"linalg_{attribute}", f"_linalg_{attribute}") if n in OPS), None)
    if attribute.startswith("_") or op_name is None:
        raise AttributeError(f"module 'core.sym.linalg' has no attribute {attribute!r}")

    def build(*args, name=None, attr=None, **kwargs):
        return make(op_name, args, kwargs, name=name, attr=attr, hint=attribute)
    build.__name__ = attribute
    build.__doc__ = OPS.get(op_name).doc
    return build
