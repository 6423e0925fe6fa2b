"""The small Inception-BN for 28x28 images (CIFAR-10 crops), as MXNet's
example/image-classification/symbol_inception-bn-28-small.py builds it: layers keep
MXNet's automatic names (``convolution0``, ``batchnorm0``) and BatchNorm its defaults.

>>> get_symbol().infer_shape(data=(1, 3, 28, 28))[1]
[(1, 10)]
"""
from __future__ import annotations

from ...symbol import Variable
from ...symbol.ops import make

# ("simple", 1x1 filters, 3x3 filters) or ("down", 3x3 filters): a strided 3x3 beside a max pool
STAGES = [("simple", 32, 32), ("simple", 32, 48), ("down", 80),
          ("simple", 112, 48), ("simple", 96, 64), ("simple", 80, 80), ("simple", 48, 96), ("down", 96),
          ("simple", 176, 160), ("simple", 176, 160)]


def conv_bn_relu(x, filters, kernel, stride=1, pad=0):
    x = make("Convolution", [x], {"num_filter": filters, "kernel": (kernel, kernel), "stride": (stride, stride),
                                  "pad": (pad, pad)})
    return make("Activation", [make("BatchNorm", [x], {})], {"act_type": "relu"})


def simple(x, n1x1, n3x3):
    return make("Concat", [conv_bn_relu(x, n1x1, 1), conv_bn_relu(x, n3x3, 3, 1, 1)], {"dim": 1})


def downsample(x, n3x3):
    pooled = make("Pooling", [x], {"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1), "pool_type": "max"})
    return make("Concat", [conv_bn_relu(x, n3x3, 3, 2, 1), pooled], {"dim": 1})


def get_symbol(num_classes=10, **kwargs):
    x = conv_bn_relu(Variable("data"), 96, 3, 1, 1)
    for kind, *filters in STAGES:
        x = simple(x, *filters) if kind == "simple" else downsample(x, *filters)
    x = make("Pooling", [x], {"kernel": (7, 7), "pool_type": "avg"}, name="global_pool")
    x = make("Flatten", [x], {}, name="flatten1")
    x = make("FullyConnected", [x], {"num_hidden": num_classes}, name="fc1")
    return make("SoftmaxOutput", [x], {}, name="softmax")
