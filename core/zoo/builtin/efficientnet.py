"""EfficientNet-Lite0 (Tan & Le 2019, the "Lite" variant: no squeeze-excitation, ReLU6,
fixed stem and head) with TensorFlow "SAME" padding.

Parameter names mirror the PyTorch state dict the offline model ships with
(``_blocks.3._expand_conv.weight`` -> ``blocks3_expand_conv_weight``), so the
converter is a rename plus BatchNorm's gamma/beta/moving_* vocabulary.

>>> get_symbol().infer_shape(data=(1, 3, 224, 224))[1]
[(1, 1000)]
"""
from __future__ import annotations

from ...symbol import Variable
from ...symbol.ops import make
from .layers import add, dropout, flatten, global_avg_pool, pad, relu6, softmax_output

BN_EPS = 1e-3      # TensorFlow's BatchNorm default, which these weights were trained with
BN_MOMENTUM = 0.99

# (repeats, kernel, stride, expand ratio, in channels, out channels), one row per stage
STAGES = [(1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
          (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320)]
STEM_CHANNELS, HEAD_CHANNELS = 32, 1280


def same_conv(x, name, channels, kernel, stride=1, groups=1, size=None):
    """Convolution with TF 'SAME' padding. For stride 1 the padding is symmetric; for
    stride 2 on an even size, TF puts the extra row/column at the bottom/right, which a
    symmetric pad cannot express, so an explicit Pad goes first."""
    total = kernel - 1 if stride == 1 else max((-(-size // stride) - 1) * stride + kernel - size, 0)
    before, after = total // 2, total - total // 2
    if before != after:
        x = pad(x, name + "_pad", before, after, before, after)
        before = 0
    return make("Convolution", [x], {"weight": Variable(name + "_weight"), "num_filter": channels,
                                     "kernel": (kernel, kernel), "stride": (stride, stride),
                                     "pad": (before, before), "num_group": groups, "no_bias": True},
                name=name)


def bn(x, name):
    return make("BatchNorm", [x], {"eps": BN_EPS, "momentum": BN_MOMENTUM, "fix_gamma": False}, name=name)


def mbconv(x, name, kernel, stride, expand, in_channels, out_channels, size):
    """Inverted residual block: 1x1 expand, depthwise kxk, 1x1 linear projection."""
    hidden = in_channels * expand
    y = x
    if expand != 1:
        y = relu6(bn(same_conv(y, f"{name}_expand_conv", hidden, 1), f"{name}_bn0"), f"{name}_relu0")
    y = same_conv(y, f"{name}_depthwise_conv", hidden, kernel, stride, groups=hidden, size=size)
    y = relu6(bn(y, f"{name}_bn1"), f"{name}_relu1")
    y = bn(same_conv(y, f"{name}_project_conv", out_channels, 1), f"{name}_bn2")
    if stride == 1 and in_channels == out_channels:
        y = add(y, x, f"{name}_add")
    return y


def get_symbol(num_classes=1000, image_size=224, dropout_rate=0.2, **kwargs):
    size = image_size
    x = same_conv(Variable("data"), "conv_stem", STEM_CHANNELS, 3, 2, size=size)
    size = -(-size // 2)
    x = relu6(bn(x, "bn0"), "relu0")
    block = 0
    for repeats, kernel, stride, expand, in_channels, out_channels in STAGES:
        for index in range(repeats):
            first = index == 0
            x = mbconv(x, f"blocks{block}", kernel, stride if first else 1, expand,
                       in_channels if first else out_channels, out_channels, size)
            if first:
                size = -(-size // stride)
            block += 1
    x = relu6(bn(same_conv(x, "conv_head", HEAD_CHANNELS, 1), "bn1"), "relu1")
    x = flatten(global_avg_pool(x, "avg_pool"), "flatten")
    x = dropout(x, "dropout", dropout_rate)
    x = make("FullyConnected", [x], {"num_hidden": num_classes}, name="fc")
    return softmax_output(x)
