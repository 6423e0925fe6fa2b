"""More elementwise math on one array, as MXNet 1.9.1 names it: tan and the hyperbolic
functions, the inverse trigonometric and hyperbolic functions, log2/log10, cbrt/rcbrt,
gamma/gammaln/erfinv, degrees/radians.

They extend the ``Unary`` family of unary.py: each states its function and derivative.
NumPy has no gamma, digamma or erfinv; the special functions below are exact to float64
rounding (gamma: the standard library; digamma: recurrence and asymptotic series;
erfinv: a first guess refined by Newton's method on unary.erf).
"""
from __future__ import annotations

import math

import numpy as np

from .registry import register_op
from .unary import Unary, erf


def _unary(name, doc, f, grad, uses="x", onnx_type=None, onnx=None):
    """Register a ``Unary`` subclass from its function ``f(xp, x)`` and derivative
    ``grad(xp, kept, g)`` (``kept`` is x or y, as ``uses`` says); ``onnx_type``: the ONNX
    operator computing it, or ``onnx``: its export method."""
    members = {
        "name": name, "doc": doc, "uses": uses, "__module__": __name__, "onnx_type": onnx_type,
        "f": lambda self, xp, x: f(xp, x),
        "grad": lambda self, xp, kept, g: grad(xp, kept, g),
    }
    if onnx is not None:
        members["onnx"] = onnx
    return register_op()(type(f"Op_{name}", (Unary,), members))


def _onnx_scaled(first, factor):
    """An export method writing ``first(x) · factor`` (``first`` None: x · factor)."""
    def onnx(self, graph, inputs, outputs):
        inner = inputs[0]
        if first:
            inner = graph.fresh(f"{outputs[0]}_{first}")
            graph.node(first, inputs, [inner])
        graph.node("Mul", [inner, graph.constant("factor", np.array(factor, np.float32))], outputs)
    return onnx


_unary("tan", "Tangent.", lambda xp, x: xp.tan(x), lambda xp, y, g: g * (1 + y * y), "y", onnx_type="Tan")
_unary("sinh", "Hyperbolic sine.", lambda xp, x: xp.sinh(x), lambda xp, x, g: g * xp.cosh(x), onnx_type="Sinh")
_unary("cosh", "Hyperbolic cosine.", lambda xp, x: xp.cosh(x), lambda xp, x, g: g * xp.sinh(x), onnx_type="Cosh")
_unary("arcsin", "Inverse sine, in [-pi/2, pi/2].", lambda xp, x: xp.arcsin(x),
       lambda xp, x, g: g / xp.sqrt(1 - x * x), onnx_type="Asin")
_unary("arccos", "Inverse cosine, in [0, pi].", lambda xp, x: xp.arccos(x),
       lambda xp, x, g: -g / xp.sqrt(1 - x * x), onnx_type="Acos")
_unary("arctan", "Inverse tangent.", lambda xp, x: xp.arctan(x), lambda xp, x, g: g / (1 + x * x), onnx_type="Atan")
_unary("arcsinh", "Inverse hyperbolic sine.", lambda xp, x: xp.arcsinh(x),
       lambda xp, x, g: g / xp.sqrt(x * x + 1), onnx_type="Asinh")
_unary("arccosh", "Inverse hyperbolic cosine (x >= 1).", lambda xp, x: xp.arccosh(x),
       lambda xp, x, g: g / xp.sqrt(x * x - 1), onnx_type="Acosh")
_unary("arctanh", "Inverse hyperbolic tangent (|x| < 1).", lambda xp, x: xp.arctanh(x),
       lambda xp, x, g: g / (1 - x * x), onnx_type="Atanh")
_unary("log2", "Base-2 logarithm.", lambda xp, x: xp.log2(x), lambda xp, x, g: g / (x * math.log(2)),
       onnx=_onnx_scaled("Log", 1 / math.log(2)))
_unary("log10", "Base-10 logarithm.", lambda xp, x: xp.log10(x),
       lambda xp, x, g: g / (x * math.log(10)), onnx=_onnx_scaled("Log", 1 / math.log(10)))
_unary("cbrt", "Cube root.", lambda xp, x: xp.cbrt(x), lambda xp, y, g: g / (3 * y * y), "y")
_unary("rcbrt", "1 / cube root.", lambda xp, x: 1 / xp.cbrt(x),
       lambda xp, x, g: -g / (3 * x * xp.cbrt(x)))
_unary("degrees", "Radians to degrees.", lambda xp, x: xp.degrees(x),
       lambda xp, _, g: g * (180 / math.pi), "", onnx=_onnx_scaled(None, 180 / math.pi))
_unary("radians", "Degrees to radians.", lambda xp, x: xp.radians(x),
       lambda xp, _, g: g * (math.pi / 180), "", onnx=_onnx_scaled(None, math.pi / 180))


def _elementwise(xp, function, x):
    """A scalar standard-library function over an array, in x's dtype."""
    host = np.asarray(x.get() if hasattr(x, "get") else x)
    out = np.frompyfunc(function, 1, 1)(host).astype(host.dtype)
    return xp.asarray(out)


def _gamma(value):
    try:
        return math.gamma(value)
    except (ValueError, OverflowError):
        # poles (0, negative integers) and overflow: what MXNet's tgamma gives
        return math.inf if value >= 0 or value != math.floor(value) else math.nan


def _lgamma(value):
    try:
        return math.lgamma(value)
    except (ValueError, OverflowError):
        return math.inf


def digamma(xp, x):
    """psi(x) = d/dx ln gamma(x): shift x above 6 by recurrence, then the asymptotic series;
    reflection for x < 0.5."""
    x = xp.asarray(x, dtype=np.float64)
    reflect = x < 0.5
    z = xp.where(reflect, 1 - x, x)
    shift = xp.zeros_like(z)
    while True:
        low = z < 6
        if not low.any():
            break
        shift = shift - xp.where(low, 1 / z, 0)
        z = xp.where(low, z + 1, z)
    inv = 1 / (z * z)
    series = xp.log(z) - 0.5 / z - inv * (1 / 12 - inv * (1 / 120 - inv * (1 / 252 - inv * (
        1 / 240 - inv / 132))))
    psi = series + shift
    with np.errstate(divide="ignore", invalid="ignore"):
        return xp.where(reflect, psi - math.pi / xp.tan(math.pi * x), psi)


@register_op()
class Gamma(Unary):
    name = "gamma"
    doc = "The gamma function."

    def f(self, xp, x):
        return _elementwise(xp, _gamma, x)

    def grad(self, xp, x, g):
        return (g * _elementwise(xp, _gamma, x) * digamma(xp, x)).astype(g.dtype, copy=False)


@register_op()
class Gammaln(Unary):
    name = "gammaln"
    doc = "The natural logarithm of |gamma(x)|."

    def f(self, xp, x):
        return _elementwise(xp, _lgamma, x)

    def grad(self, xp, x, g):
        return (g * digamma(xp, x)).astype(g.dtype, copy=False)


def erfinv(xp, y):
    """The inverse error function on (-1, 1): ±inf at ±1, NaN outside."""
    y64 = xp.asarray(y, dtype=np.float64)
    inside = xp.abs(y64) < 1
    t = xp.where(inside, y64, 0.0)
    # Giles' single-precision approximation as a first guess
    w = -xp.log((1 - t) * (1 + t))
    small = w < 5
    ws, wl = w - 2.5, xp.sqrt(w) - 3
    p_small = 2.81022636e-08
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
              -0.00417768164, 0.246640727, 1.50140941):
        p_small = c + p_small * ws
    p_large = -0.000200214257
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
              0.00943887047, 1.00167406, 2.83297682):
        p_large = c + p_large * wl
    x = xp.where(small, p_small, p_large) * t
    for _ in range(3):   # Newton on erf(x) - t; erf is exact to ~1e-7 relative
        x = x - (erf(xp, x) - t) * (math.sqrt(math.pi) / 2) * xp.exp(x * x)
    edge = xp.where(y64 >= 1, math.inf, -math.inf)
    x = xp.where(inside, x, xp.where(xp.abs(y64) == 1, edge, math.nan))
    return x.astype(y.dtype, copy=False)


@register_op()
class Erfinv(Unary):
    name = "erfinv"
    doc = "The inverse Gauss error function."
    uses = "y"

    def f(self, xp, x):
        return erfinv(xp, x)

    def grad(self, xp, y, g):
        return g * (math.sqrt(math.pi) / 2) * xp.exp(y * y)
