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
    op_name = f"linalg_{attribute}"
    if attribute.startswith("_") or op_name not in OPS:
        raise AttributeError(f"module 'core.nd.linalg' has no attribute {attribute!r}")

    def call(*args, **kwargs):
        return invoke(op_name, *args, **kwargs)
    call.__name__ = attribute
    call.__doc__ = OPS.get(op_name).doc
    return call
