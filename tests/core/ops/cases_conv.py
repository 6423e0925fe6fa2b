"""Gradient cases for Convolution and Deconvolution: every window attribute that changes
the index arithmetic (stride, pad, dilate, groups, depthwise, 1×1, 1-D and 3-D)."""
from .gradcase import GradCase

CASES = [
    GradCase("Convolution", {"kernel": (3, 3), "num_filter": 2}, [(2, 3, 5, 5), (2, 3, 3, 3), (2,)]),
    GradCase("Convolution", {"kernel": (3, 3), "num_filter": 2, "stride": (2, 2), "pad": (1, 1)},
             [(2, 2, 5, 6), (2, 2, 3, 3), (2,)]),
    GradCase("Convolution", {"kernel": (2, 3), "num_filter": 2, "stride": (2, 1), "pad": (0, 2)},
             [(1, 2, 5, 4), (2, 2, 2, 3), (2,)]),
    GradCase("Convolution", {"kernel": (3, 3), "num_filter": 2, "dilate": (2, 2), "pad": (1, 1),
                             "no_bias": True}, [(1, 2, 6, 6), (2, 2, 3, 3)]),
    GradCase("Convolution", {"kernel": (3, 3), "num_filter": 4, "num_group": 2, "pad": (1, 1)},
             [(2, 4, 4, 4), (4, 2, 3, 3), (4,)]),
    # depthwise (groups = channels), with a channel multiplier of 2
    GradCase("Convolution", {"kernel": (3, 3), "num_filter": 3, "num_group": 3, "stride": (2, 2),
                             "pad": (1, 1)}, [(2, 3, 5, 5), (3, 1, 3, 3), (3,)]),
    GradCase("Convolution", {"kernel": (3, 3), "num_filter": 4, "num_group": 2, "no_bias": True},
             [(1, 2, 4, 4), (4, 1, 3, 3)]),
    GradCase("Convolution", {"kernel": (1, 1), "num_filter": 3}, [(2, 4, 3, 3), (3, 4, 1, 1), (3,)]),
    GradCase("Convolution", {"kernel": (1, 1), "num_filter": 3, "stride": (2, 2)},
             [(2, 2, 5, 5), (3, 2, 1, 1), (3,)]),
    GradCase("Convolution", {"kernel": (3,), "num_filter": 2, "stride": (2,), "pad": (1,)},
             [(2, 3, 7), (2, 3, 3), (2,)]),
    GradCase("Convolution", {"kernel": (2, 2, 2), "num_filter": 2, "pad": (1, 0, 1)},
             [(1, 2, 3, 3, 3), (2, 2, 2, 2, 2), (2,)]),
    GradCase("Deconvolution", {"kernel": (3, 3), "num_filter": 2}, [(2, 3, 3, 3), (3, 2, 3, 3)]),
    GradCase("Deconvolution", {"kernel": (3, 3), "num_filter": 4, "stride": (2, 2), "pad": (1, 1),
                               "adj": (1, 1), "num_group": 2, "no_bias": False},
             [(1, 2, 3, 3), (2, 2, 3, 3), (4,)]),
    GradCase("Deconvolution", {"kernel": (4, 4), "num_filter": 2, "stride": (2, 2), "pad": (1, 1)},
             [(1, 2, 3, 3), (2, 2, 4, 4)]),
    GradCase("Deconvolution", {"kernel": (3, 3), "num_filter": 2, "stride": (2, 2),
                               "target_shape": (6, 6)}, [(1, 2, 3, 3), (2, 2, 3, 3)]),
    GradCase("Deconvolution", {"kernel": (3, 3), "num_filter": 2, "dilate": (2, 2), "pad": (2, 1)},
             [(1, 2, 3, 3), (2, 2, 3, 3)]),
    GradCase("Deconvolution", {"kernel": (3,), "num_filter": 2, "stride": (3,), "pad": (2,),
                               "adj": (2,)}, [(1, 2, 4), (2, 2, 3)]),
]
