"""The dispatch behind ``mx.nd.random`` and ``mx.sym.random`` (MXNet 1.9.1's
``_random_helper``): numbers as the distribution's parameters draw ``shape`` values from one
distribution (the ``_random_*`` operator); arrays (NDArrays or Symbols) draw ``shape`` values
for each of their entries (``_sample_*``)."""
from __future__ import annotations

import numbers

from ..ops import OPS

#: MXNet's ``*_like`` functions: draws of an input's shape (core/ops/random_like.py)
LIKE = ("uniform", "normal", "gamma", "exponential", "poisson", "negative_binomial",
        "generalized_negative_binomial")


def draw(stem, params, shape, dtype, kwargs, array_type, call):
    """``call(op_name, *inputs, **attrs)`` on the operator the parameters' kind picks."""
    attrs = {key: value for key, value in (("shape", shape), ("dtype", dtype)) if value is not None}
    if isinstance(params[0], array_type):
        if not all(isinstance(p, array_type) for p in params[1:]):
            raise ValueError(f"Distribution parameters must all have the same type, but got "
                             f"{', '.join(type(p).__name__ for p in params)}")
        if f"_sample_{stem}" not in OPS:
            raise ValueError(f"{stem}: the parameters must be numbers, not {array_type.__name__}s")
        return call(f"_sample_{stem}", *params, **attrs, **kwargs)
    if isinstance(params[0], numbers.Number):
        if not all(isinstance(p, numbers.Number) for p in params[1:]):
            raise ValueError(f"Distribution parameters must all have the same type, but got "
                             f"{', '.join(type(p).__name__ for p in params)}")
        names = [n for n in OPS.get(f"_random_{stem}").params if n not in ("shape", "ctx", "dtype")]
        return call(f"_random_{stem}", **dict(zip(names, params)), **attrs, **kwargs)
    raise ValueError(f"Distribution parameters must be either {array_type.__name__} or numbers, "
                     f"but got {type(params[0]).__name__}")
