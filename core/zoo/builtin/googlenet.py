"""GoogLeNet (Szegedy et al. 2014, "Going deeper with convolutions") as MXNet's
example/image-classification/symbols/googlenet.py builds it: no BatchNorm, 5x5 branches,
no auxiliary classifiers, the same layer names (``conv_in3a_1x1``, ``ch_concat_in3a_chconcat``).

>>> get_symbol().infer_shape(data=(1, 3, 224, 224))[1]
[(1, 1000)]
"""
from __future__ import annotations

from ...symbol import Variable
from ...symbol.ops import make

# (name, 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool type, projection); "pool" = a strided max pool
STAGES = [
    ("in3a", 64, 96, 128, 16, 32, "max", 32), ("in3b", 128, 128, 192, 32, 96, "max", 64), "pool",
    ("in4a", 192, 96, 208, 16, 48, "max", 64), ("in4b", 160, 112, 224, 24, 64, "max", 64),
    ("in4c", 128, 128, 256, 24, 64, "max", 64), ("in4d", 112, 144, 288, 32, 64, "max", 64),
    ("in4e", 256, 160, 320, 32, 128, "max", 128), "pool",
    ("in5a", 256, 160, 320, 32, 128, "max", 128), ("in5b", 384, 192, 384, 48, 128, "max", 128),
]


def conv_relu(x, name, filters, kernel, stride=1, pad=0):
    """Convolution + ReLU named conv_<name>, relu_<name>."""
    x = make("Convolution", [x], {"num_filter": filters, "kernel": (kernel, kernel), "stride": (stride, stride),
                                  "pad": (pad, pad)}, name=f"conv_{name}")
    return make("Activation", [x], {"act_type": "relu"}, name=f"relu_{name}")


def max_pool(x):
    return make("Pooling", [x], {"kernel": (3, 3), "stride": (2, 2), "pool_type": "max"})


def inception(x, name, n1x1, n3x3red, n3x3, n5x5red, n5x5, pool, proj):
    branches = [conv_relu(x, f"{name}_1x1", n1x1, 1),
                conv_relu(conv_relu(x, f"{name}_3x3_reduce", n3x3red, 1), f"{name}_3x3", n3x3, 3, 1, 1),
                conv_relu(conv_relu(x, f"{name}_5x5_reduce", n5x5red, 1), f"{name}_5x5", n5x5, 5, 1, 2)]
    pooled = make("Pooling", [x], {"kernel": (3, 3), "stride": (1, 1), "pad": (1, 1), "pool_type": pool},
                  name=f"{pool}_pool_{name}_pool")
    branches.append(conv_relu(pooled, f"{name}_proj", proj, 1))
    return make("Concat", branches, {"dim": 1}, name=f"ch_concat_{name}_chconcat")


def get_symbol(num_classes=1000, **kwargs):
    x = conv_relu(Variable("data"), "conv1", 64, 7, 2, 3)
    x = max_pool(x)
    x = conv_relu(x, "conv2", 64, 1)
    x = conv_relu(x, "conv3", 192, 3, 1, 1)
    x = max_pool(x)
    for stage in STAGES:
        x = max_pool(x) if stage == "pool" else inception(x, *stage)
    x = make("Pooling", [x], {"kernel": (7, 7), "stride": (1, 1), "global_pool": True, "pool_type": "avg"})
    x = make("Flatten", [x], {})
    x = make("FullyConnected", [x], {"num_hidden": num_classes})
    return make("SoftmaxOutput", [x], {}, name="softmax")
