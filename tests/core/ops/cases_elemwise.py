"""Gradient cases for arithmetic: elemwise, broadcast (every broadcasting pattern that
needs a different reduction), scalar forms, add_n."""
import numpy as np

from .gradcase import GradCase

POSITIVE = np.array([[0.3, 1.7, 2.5], [0.8, 4.0, 1.1]])
EXPONENTS = np.array([[2.0, 0.5, -1.3], [3.0, 1.5, 0.7]])
# pairs that never tie, so max/min have a gradient on both sides
LEFT = np.array([[0.1, -1.2, 2.0], [0.6, -0.3, 1.5]])
RIGHT = np.array([[0.4, -1.5, 1.0], [0.2, 0.8, 1.9]])

BROADCAST_SHAPES = [
    ((2, 3), (2, 3)),          # nothing to broadcast
    ((2, 3), (1, 3)),          # rhs stretched over axis 0
    ((2, 1, 4), (1, 3, 1)),    # both stretched
    ((2, 3, 4), (4,)),         # rhs has fewer axes
    ((3,), (2, 1)),            # lhs has fewer axes and rhs stretched
]

CASES = [
    *[GradCase(op, {}, [(2, 3), (2, 3)]) for op in ("elemwise_add", "elemwise_sub", "elemwise_mul")],
    GradCase("elemwise_div", {}, [(2, 3), POSITIVE]),
    GradCase("_maximum", {}, [LEFT, RIGHT]),
    GradCase("_minimum", {}, [LEFT, RIGHT]),
    GradCase("_power", {}, [POSITIVE, EXPONENTS]),
    *[GradCase(op, {}, [lhs, rhs]) for op in ("broadcast_add", "broadcast_sub", "broadcast_mul")
      for lhs, rhs in BROADCAST_SHAPES],
    GradCase("broadcast_div", {}, [(2, 3), POSITIVE[:1]]),
    GradCase("broadcast_div", {}, [(2, 1, 3), POSITIVE]),
    GradCase("broadcast_maximum", {}, [LEFT, RIGHT[:1]]),
    GradCase("broadcast_minimum", {}, [LEFT[:, :1], RIGHT]),
    GradCase("broadcast_power", {}, [POSITIVE, EXPONENTS[0]]),
    GradCase("broadcast_power", {}, [POSITIVE[:, :1], EXPONENTS]),
    GradCase("add_n", {"num_args": 1}, [(2, 3)]),
    GradCase("add_n", {"num_args": 3}, [(2, 3), (2, 3), (2, 3)]),
    *[GradCase(op, {"scalar": s}, [(2, 3)]) for op in ("_plus_scalar", "_minus_scalar", "_rminus_scalar",
                                                       "_mul_scalar", "_div_scalar")
      for s in (2.5, -0.5)],
    GradCase("_rdiv_scalar", {"scalar": 3.0}, [POSITIVE]),
    GradCase("_power_scalar", {"scalar": 2.0}, [(2, 3)]),
    GradCase("_power_scalar", {"scalar": -1.5}, [POSITIVE]),
    GradCase("_rpower_scalar", {"scalar": 2.0}, [(2, 3)]),
    GradCase("_rpower_scalar", {"scalar": 0.5}, [(2, 3)]),
    GradCase("_maximum_scalar", {"scalar": 0.5}, [LEFT]),
    GradCase("_minimum_scalar", {"scalar": 0.5}, [LEFT]),
]
