"""Elementwise arithmetic with MXNet 1.x's type rules, on raw arrays (NumPy or CuPy).

MXNet keeps the array's dtype: a scalar is first converted to it (``int8 * 2.5`` is
``int8 * 2``), integer division truncates toward zero (``uint8 7 / 2`` is 3) and integer
powers wrap around. Two arrays of one dtype give that dtype; arrays of different dtypes
follow NumPy's promotion (MXNet refuses them).

>>> import numpy as np
>>> apply(np, "div", np.array([7, -9], np.int8), 2.5).tolist()
[3, -4]
"""
from __future__ import annotations

import numbers

import numpy as np

RULES = {
    "add": lambda xp, a, b: a + b,
    "sub": lambda xp, a, b: a - b,
    "mul": lambda xp, a, b: a * b,
    "div": lambda xp, a, b: a / b,
    "mod": lambda xp, a, b: xp.mod(a, b),
    "pow": lambda xp, a, b: a ** b,
    "maximum": lambda xp, a, b: xp.maximum(a, b),
    "minimum": lambda xp, a, b: xp.minimum(a, b),
}
INTEGER_RULES = {
    "div": lambda xp, a, b: _truncating_div(xp, a, b),
    "pow": lambda xp, a, b: xp.power(xp.asarray(a, dtype=np.float64), b).astype(np.int64),
}


def apply(xp, op, lhs, rhs, reflected=False):
    """``lhs <op> rhs`` (``rhs <op> lhs`` when ``reflected``); ``lhs`` is an array."""
    dtype = lhs.dtype
    if isinstance(rhs, numbers.Number) and not isinstance(rhs, bool | np.bool_):
        rhs = _as_dtype_scalar(rhs, dtype)
    elif getattr(rhs, "dtype", dtype) != dtype:
        a, b = (rhs, lhs) if reflected else (lhs, rhs)
        return RULES[op](xp, a, b)
    a, b = (rhs, lhs) if reflected else (lhs, rhs)
    integer = np.issubdtype(dtype, np.integer)
    rule = INTEGER_RULES.get(op, RULES[op]) if integer else RULES[op]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = rule(xp, a, b)
    return xp.asarray(out).astype(dtype, copy=False)


def _as_dtype_scalar(value, dtype):
    """The scalar as MXNet converts it to the array's dtype (C's truncation for integers)."""
    if np.issubdtype(dtype, np.integer):
        return int(value)
    return value


def _truncating_div(xp, a, b):
    """Integer division rounding toward zero, as C's ``/``; 0 where dividing by zero."""
    a = xp.asarray(a)
    b = xp.asarray(b)
    safe = xp.where(b == 0, 1, b)
    quotient = xp.abs(a) // xp.abs(safe)
    quotient = xp.where((a < 0) != (safe < 0), -quotient, quotient)
    return xp.where(b == 0, 0, quotient)
