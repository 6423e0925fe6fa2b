"""``mx.nd.linalg``: MXNet's linear-algebra namespace. ``mx.nd.linalg.potrf(a)`` is
``mx.nd.linalg_potrf(a)``.

>>> import core as mx
>>> mx.nd.linalg.det(mx.nd.array([[2.0, 0.0], [0.0, 3.0]])).asnumpy().tolist()
[6.0]
"""
from __future__ import annotations

from .imperative import invoke


def __getattr__(attribute):
    from ..ops import OPS
    # MXNet's public linalg_X, or its internal _linalg_X (syevd has no public name)
    op_name = next((n for n in (f"linalg_{attribute}", f"_linalg_{attribute}") if n in OPS), None)
    if attribute.startswith("_") or op_name is None:
        raise AttributeError(f"module 'core.nd.linalg' has no attribute {attribute!r}")

    def call(*args, **kwargs):
        return invoke(op_name, *args, **kwargs)
    call.__name__ = attribute
    call.__doc__ = OPS.get(op_name).doc
    return call
