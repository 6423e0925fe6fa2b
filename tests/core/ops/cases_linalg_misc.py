"""Gradient cases for the rest of MXNet 1.9.1's linalg family and for _split_v2,
Correlation and fill_element_0index (issue 23 point 16). linalg_potrf takes a
symmetric matrix, so its gradient is checked along symmetric perturbations in
test_linalg_ops.py."""
import numpy as np

from .gradcase import GradCase

rng = np.random.default_rng(16)


def _triangular(*batch, n=3, lower=True):
    """Well-conditioned triangular matrices with noise in the other triangle (never read)."""
    a = rng.standard_normal((*batch, n, n)) * 0.5 + 2 * np.eye(n)
    mask = np.tri(n, dtype=bool) if lower else np.tri(n, dtype=bool).T
    return np.where(mask, a, rng.standard_normal((*batch, n, n)))


CASES = [
    GradCase("linalg_potri", {}, [_triangular(2)]),
    GradCase("linalg_potri", {"lower": False}, [_triangular(lower=False)]),
    GradCase("linalg_trmm", {}, [_triangular(2), (2, 3, 4)]),
    GradCase("linalg_trmm", {"transpose": True, "rightside": True, "lower": False, "alpha": 2.0},
             [_triangular(lower=False), (4, 3)]),
    GradCase("linalg_trsm", {"alpha": 0.5}, [_triangular(2), (2, 3, 4)]),
    GradCase("linalg_trsm", {"transpose": True, "lower": False}, [_triangular(lower=False), (3, 2)]),
    GradCase("linalg_trsm", {"rightside": True, "alpha": 1.5}, [_triangular(), (4, 3)]),
    GradCase("linalg_trsm", {"rightside": True, "transpose": True}, [_triangular(), (2, 3)]),
    GradCase("linalg_gelqf", {}, [(2, 3)]),
    GradCase("linalg_gelqf", {}, [(2, 3, 3)]),
    GradCase("linalg_slogdet", {}, [rng.standard_normal((2, 3, 3)) + 2 * np.eye(3)]),
    GradCase("linalg_extracttrian", {"offset": 1}, [(2, 4, 4)]),
    GradCase("linalg_extracttrian", {"lower": False}, [(3, 3)]),
    GradCase("linalg_maketrian", {"offset": -1}, [(2, 6)]),
    GradCase("linalg_maketrian", {"lower": False}, [(3,)]),
]

CASES += [
    GradCase("_split_v2", {"indices": (0, 2, 3), "axis": 0}, [(5, 2)]),
    GradCase("_split_v2", {"indices": (1, 2), "axis": 1, "squeeze_axis": True}, [(2, 3)]),
    GradCase("_split_v2", {"indices": (), "sections": 3, "axis": -1}, [(2, 7)]),
    GradCase("Correlation", {}, [(2, 3, 4, 5), (2, 3, 4, 5)]),
    GradCase("Correlation", {"kernel_size": 3, "max_displacement": 2, "stride1": 2, "stride2": 2, "pad_size": 2},
             [(1, 2, 5, 6), (1, 2, 5, 6)]),
    GradCase("Correlation", {"max_displacement": 1, "pad_size": 1, "is_multiply": False},
             [(1, 2, 3, 4), (1, 2, 3, 4)]),
    GradCase("fill_element_0index", {}, [(3, 4), (3,), np.array([0.0, 3.0, 7.0])], skip=("rhs",)),
]
