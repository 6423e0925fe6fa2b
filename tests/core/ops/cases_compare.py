"""Gradient cases for comparisons: a step function, so the gradient is zero away from ties
(inputs that never tie, scalars between the values)."""
from core.ops.binary_compare import _TESTS as RELATIONS

from .cases_elemwise import LEFT, RIGHT
from .gradcase import GradCase

CASES = [
    *[GradCase(f"_{name}", {}, [LEFT, RIGHT]) for name in RELATIONS],
    *[GradCase(f"broadcast_{name}", {}, [LEFT, RIGHT[:1]]) for name in RELATIONS],
    *[GradCase(f"_{name}_scalar", {"scalar": 0.35}, [LEFT]) for name in RELATIONS],
]
