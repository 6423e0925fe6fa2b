"""Gradient cases for the deprecated v1 operators and IdentityAttachKLSparseReg (whose
penalty term is no derivative of its identity forward: penalty=0 checks the pass-through;
test_v1_ops.py checks the penalty against MXNet)."""
import numpy as np

from .gradcase import GradCase

rng = np.random.default_rng(117)

CASES = [
    GradCase("Convolution_v1", {"kernel": (2, 2), "num_filter": 2, "pad": (1, 0), "num_group": 2},
             [(1, 2, 3, 3), (2, 1, 2, 2), (2,)]),
    GradCase("Pooling_v1", {"kernel": (2, 2), "stride": (1, 1), "pad": (1, 1)}, [rng.permutation(18).reshape(1, 2, 3, 3) + 1.0]),
    GradCase("Pooling_v1", {"kernel": (2, 2), "pool_type": "avg", "pooling_convention": "full", "stride": (2, 2)},
             [(1, 2, 3, 3)]),
    GradCase("Pooling_v1", {"kernel": (2, 2), "pool_type": "sum", "pad": (1, 1)}, [(1, 1, 3, 2)]),
    GradCase("Pooling_v1", {"global_pool": True, "pool_type": "avg"}, [(2, 2, 2, 3)]),
    GradCase("BatchNorm_v1", {"fix_gamma": False}, [(4, 3), (3,), (3,)], aux=[np.zeros(3), np.ones(3)]),
    GradCase("BatchNorm_v1", {"fix_gamma": False, "use_global_stats": True}, [(2, 3, 2, 2), (3,), (3,)],
             aux=[rng.standard_normal(3), rng.uniform(0.5, 2, 3)]),
    GradCase("IdentityAttachKLSparseReg", {"penalty": 0.0}, [rng.uniform(0.1, 0.9, (3, 2))], aux=[np.full(2, 0.3)]),
]
