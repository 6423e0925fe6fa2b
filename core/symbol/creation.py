"""``mx.sym`` functions that are not operators in MXNet 1.9.1 but pick one: the creation
functions (``zeros``, ``ones``, ``full``, ``arange``, ``linspace``, ``eye``, making the
input-less nodes of core/ops/creation.py) and the two-argument math that chooses between
the broadcasting and the scalar form (``maximum``, ``minimum``, ``power``/``pow``, ``hypot``).
"""
from __future__ import annotations

import math
import numbers

from ..errors import GraphError
from .symbol import Symbol, make


def _dtype_name(dtype):
    import numpy as np
    return "float32" if dtype is None else np.dtype(dtype).name


def _create(op_name, name, attr, kwargs, **attrs):
    dtype = attrs.pop("dtype", None)
    kwargs.pop("ctx", None)   # the executor's context decides where arrays live here
    return make(op_name, (), {**attrs, "dtype": _dtype_name(dtype), **kwargs}, name=name, attr=attr)


def zeros(shape, dtype=None, name=None, attr=None, **kwargs):
    return _create("_zeros", name, attr, kwargs, shape=_shape(shape), dtype=dtype)


def ones(shape, dtype=None, name=None, attr=None, **kwargs):
    return _create("_ones", name, attr, kwargs, shape=_shape(shape), dtype=dtype)


def full(shape, val, dtype=None, name=None, attr=None, **kwargs):
    return _create("_full", name, attr, kwargs, shape=_shape(shape), value=float(val), dtype=dtype)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=False, name=None, dtype=None,
           attr=None, **kwargs):
    return _create("_arange", name, attr, kwargs, start=float(start), stop=stop, step=float(step),
                   repeat=int(repeat), infer_range=infer_range, dtype=dtype)


def linspace(start, stop, num, endpoint=True, name=None, dtype=None, attr=None, **kwargs):
    return _create("_linspace", name, attr, kwargs, start=float(start), stop=float(stop), num=int(num),
                   endpoint=endpoint, dtype=dtype)


def eye(N, M=0, k=0, dtype=None, name=None, attr=None, **kwargs):
    return _create("_eye", name, attr, kwargs, N=int(N), M=int(M), k=int(k), dtype=dtype)


def _shape(shape):
    return (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)


def _two_way(stem, left, right, reflected, python):
    """``_<stem>`` (same shapes, as MXNet 1.9.1) for two Symbols, ``_<stem>_scalar`` (or
    ``reflected``) with a number, the Python result for two numbers."""
    if isinstance(left, Symbol) and isinstance(right, Symbol):
        return make(f"_{stem}", (left, right), {})
    if isinstance(left, Symbol) and isinstance(right, numbers.Number):
        return make(f"_{stem}_scalar", (left,), {"scalar": float(right)})
    if isinstance(right, Symbol) and isinstance(left, numbers.Number):
        return make(reflected, (right,), {"scalar": float(left)})
    if isinstance(left, numbers.Number) and isinstance(right, numbers.Number):
        return python(left, right)
    raise GraphError(f"{stem}: expected Symbols or numbers, got {type(left).__name__} "
                     f"and {type(right).__name__}")


def maximum(left, right):
    return _two_way("maximum", left, right, "_maximum_scalar", max)


def minimum(left, right):
    return _two_way("minimum", left, right, "_minimum_scalar", min)


def power(base, exp):
    return _two_way("power", base, exp, "_rpower_scalar", pow)


pow = power  # noqa: A001  (MXNet's name)


def hypot(left, right):
    return _two_way("hypot", left, right, "_hypot_scalar", math.hypot)
