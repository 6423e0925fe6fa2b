"""Gradient cases for elementwise math on one array, rounding, and clip."""
import numpy as np

from .gradcase import GradCase

POSITIVE = np.array([[0.3, 1.7, 2.5], [0.8, 4.0, 1.1]])
# rounding functions are flat here: no value within 1e-6 of a jump
OFF_THE_JUMPS = np.array([[-2.3, -1.6, -0.2], [0.4, 1.2, 2.7]])

CASES = [
    *[GradCase(op, {}, [(2, 3)]) for op in ("exp", "square", "negative", "sin", "cos", "erf", "expm1")],
    *[GradCase(op, {}, [POSITIVE]) for op in ("log", "sqrt", "rsqrt", "reciprocal", "log1p")],
    GradCase("abs", {}, [OFF_THE_JUMPS]),
    *[GradCase(op, {}, [OFF_THE_JUMPS]) for op in ("sign", "floor", "ceil", "trunc", "fix", "round", "rint")],
    GradCase("clip", {"a_min": -0.5, "a_max": 0.8}, [np.array([[-1.0, -0.4, 0.1], [0.7, 0.9, 2.0]])]),
]
