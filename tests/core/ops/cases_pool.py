"""Gradient cases for Pooling: type × convention × pad × global × count_include_pad.

Inputs are chosen so every window touches at least one input cell (an all-padding max
window outputs the lowest float, which finite differences cannot handle)."""
from .gradcase import GradCase


def pool(attrs, shape=(2, 2, 4, 4)):
    return GradCase("Pooling", attrs, [shape])


CASES = [
    pool({"kernel": (2, 2), "stride": (2, 2)}),
    pool({"kernel": (2, 2)}),  # stride defaults to 1: overlapping windows
    pool({"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1)}, (2, 2, 5, 5)),
    pool({"kernel": (3, 3), "stride": (2, 2), "pooling_convention": "full"}, (1, 2, 6, 6)),
    pool({"kernel": (2, 2), "stride": (2, 2), "pad": (1, 1), "pooling_convention": "full"}),
    pool({"kernel": (2, 2), "stride": (2, 2), "pool_type": "avg"}),
    pool({"kernel": (3, 3), "stride": (1, 1), "pad": (1, 1), "pool_type": "avg"}),
    pool({"kernel": (3, 3), "stride": (1, 1), "pad": (1, 1), "pool_type": "avg",
          "count_include_pad": False}),
    pool({"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1), "pool_type": "avg",
          "pooling_convention": "full"}),
    pool({"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1), "pool_type": "avg",
          "pooling_convention": "full", "count_include_pad": False}),
    pool({"kernel": (3, 3), "stride": (2, 2), "pool_type": "avg", "pooling_convention": "full"},
         (1, 2, 6, 5)),
    pool({"kernel": (2, 2), "stride": (1, 1), "pad": (1, 1), "pool_type": "sum"}, (1, 2, 3, 3)),
    pool({"kernel": (2, 2), "stride": (2, 2), "pad": (1, 1), "pool_type": "sum",
          "pooling_convention": "full"}),
    pool({"global_pool": True, "pool_type": "max"}),
    pool({"global_pool": True, "pool_type": "avg"}),
    pool({"global_pool": True, "pool_type": "sum", "kernel": (2, 2)}),
    # one window over the whole padded map (the reduction path, like global pooling)
    pool({"kernel": (4, 3), "pad": (1, 1)}, (2, 2, 2, 3)),
    pool({"kernel": (4, 3), "pad": (1, 1), "pool_type": "avg"}, (2, 2, 2, 3)),
    pool({"kernel": (4, 3), "pad": (1, 1), "pool_type": "avg", "count_include_pad": False},
         (2, 2, 2, 3)),
    pool({"kernel": (2, 2), "stride": (1, 1), "pool_type": "lp", "p_value": 2}),
    pool({"kernel": (2, 2), "stride": (2, 2), "pool_type": "lp", "p_value": 1}),
    pool({"kernel": (3,), "stride": (2,), "pooling_convention": "same"}, (2, 2, 7)),
    pool({"kernel": (3,), "stride": (2,), "pad": (1,), "pool_type": "avg"}, (2, 2, 7)),
    pool({"kernel": (2, 2, 2), "stride": (1, 2, 2), "pool_type": "max"}, (1, 2, 3, 4, 4)),
]
