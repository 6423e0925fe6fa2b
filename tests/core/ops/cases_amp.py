"""Gradient cases for amp_cast and amp_multicast (float64 data passes them unchanged, as
in MXNet, so finite differences see the identity; the gradients' dtypes going back through
a float32/float16 cast are checked against MXNet 1.9.1 in test_mx191_update_fixtures.py)."""
from .gradcase import GradCase

CASES = [
    GradCase("amp_cast", {"dtype": "float16"}, [(2, 3)]),
    GradCase("amp_multicast", {"num_outputs": 2}, [(2, 3), (4,)]),
    GradCase("amp_multicast", {"num_outputs": 3, "cast_narrow": True}, [(2,), (3,), (1, 2)]),
]
