"""Gradient cases for BatchNorm (batch vs running statistics, fix_gamma, axis), LRN,
InstanceNorm and LayerNorm."""
import numpy as np

from .gradcase import GradCase

RUNNING = [np.array([0.1, -0.2, 0.3]), np.array([0.5, 1.5, 2.0])]
BN_INPUTS = [(4, 3, 2, 2), (3,), (3,)]

CASES = [
    GradCase("BatchNorm", {}, BN_INPUTS, aux=RUNNING),  # fix_gamma=True: gamma grad is 0
    GradCase("BatchNorm", {"fix_gamma": False}, BN_INPUTS, aux=RUNNING),
    GradCase("BatchNorm", {"fix_gamma": False, "eps": 1e-5, "momentum": 0.5}, [(5, 3), (3,), (3,)],
             aux=RUNNING),
    GradCase("BatchNorm", {"fix_gamma": False, "axis": -1}, [(4, 2, 3), (3,), (3,)], aux=RUNNING),
    GradCase("BatchNorm", {"fix_gamma": False, "use_global_stats": True}, BN_INPUTS, aux=RUNNING),
    GradCase("BatchNorm", {"use_global_stats": True}, BN_INPUTS, aux=RUNNING),
    GradCase("LRN", {"nsize": 3, "alpha": 0.5}, [(2, 5, 2, 2)]),
    GradCase("LRN", {"nsize": 5, "alpha": 0.3, "beta": 0.5, "knorm": 1.0}, [(2, 4, 3)]),
    GradCase("InstanceNorm", {}, [(2, 3, 2, 3), (3,), (3,)]),
    GradCase("InstanceNorm", {"eps": 1e-5}, [(2, 2, 5), (2,), (2,)]),
    GradCase("LayerNorm", {}, [(2, 3, 4), (4,), (4,)]),
    GradCase("LayerNorm", {"axis": 1}, [(2, 3, 4), (3,), (3,)]),
]
