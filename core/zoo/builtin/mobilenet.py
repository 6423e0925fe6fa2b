"""MobileNet v1 (Howard et al. 2017) and v2 (Sandler et al. 2018) with a width
multiplier, in MXNet Gluon model_zoo's layout and names (``mobilenet0_conv0_weight``,
``mobilenetv20_features_linearbottleneck0_conv0_weight``).

>>> get_symbol(version=2).infer_shape(data=(1, 3, 224, 224))[1]
[(1, 1000)]
"""
from __future__ import annotations

from ...errors import GraphError
from ...symbol import Variable
from .layers import (Scope, add, batchnorm, conv, dense, dropout, flatten, global_avg_pool, relu, relu6,
                     softmax_output)


def _conv_bn(x, s, channels, kernel=1, stride=1, pad=0, groups=1, active=True, six=False):
    x = batchnorm(conv(x, s.next("conv"), channels, kernel, stride, pad, groups, bias=False),
                  s.next("batchnorm"))
    if not active:
        return x
    return relu6(x, s.next("relu6") + "relu6") if six else relu(x, s.next("relu") + "fwd")


def _v1(num_classes, multiplier):
    s = Scope("mobilenet0_")
    width = [int(c * multiplier) for c in [32, 64] + [128] * 2 + [256] * 2 + [512] * 6 + [1024]]
    out = [int(c * multiplier) for c in [64] + [128] * 2 + [256] * 2 + [512] * 6 + [1024] * 2]
    strides = [1, 2] * 3 + [1] * 5 + [2, 1]
    x = _conv_bn(Variable("data"), s, int(32 * multiplier), 3, 2, 1)
    for depthwise, channels, stride in zip(width, out, strides):
        x = _conv_bn(x, s, depthwise, 3, stride, 1, groups=depthwise)
        x = _conv_bn(x, s, channels)
    x = flatten(global_avg_pool(x, s.next("pool") + "fwd"), s.next("flatten") + "flatten")
    return softmax_output(dense(x, s.next("dense"), num_classes))


def _bottleneck(x, s, in_channels, channels, expand, stride, torchvision=False):
    b = s.child("linearbottleneck")
    # torchvision leaves out the 1x1 expansion when it would not expand (t = 1)
    y = x if torchvision and expand == 1 else _conv_bn(x, b, in_channels * expand, six=True)
    y = _conv_bn(y, b, in_channels * expand, 3, stride, 1, groups=in_channels * expand, six=True)
    y = _conv_bn(y, b, channels, active=False)
    if stride == 1 and in_channels == channels:
        y = add(y, x, b.next("elemwise_add")[:-1])
    return y


def _v2(num_classes, multiplier, torchvision=False):
    root = Scope("mobilenetv2tv0_" if torchvision else "mobilenetv20_")
    s = root.sub("features_")
    ins = [int(c * multiplier) for c in [32, 16] + [24] * 2 + [32] * 3 + [64] * 4 + [96] * 3 + [160] * 3]
    outs = [int(c * multiplier) for c in [16] + [24] * 2 + [32] * 3 + [64] * 4 + [96] * 3 + [160] * 3 + [320]]
    expands = [1] + [6] * 16
    strides = [1, 2] * 2 + [1, 1, 2] + [1] * 6 + [2] + [1] * 3
    x = _conv_bn(Variable("data"), s, int(32 * multiplier), 3, 2, 1, six=True)
    for in_channels, channels, expand, stride in zip(ins, outs, expands, strides):
        x = _bottleneck(x, s, in_channels, channels, expand, stride, torchvision)
    x = _conv_bn(x, s, int(1280 * multiplier) if multiplier > 1.0 else 1280, six=True)
    x = global_avg_pool(x, s.next("pool") + "fwd")
    out = root.sub("output_")
    if torchvision:          # classifier: Dropout(0.2) then Linear, not a 1x1 convolution
        x = dropout(flatten(x, out.next("flatten") + "flatten"), out.next("dropout") + "fwd", 0.2)
        return softmax_output(dense(x, out.next("dense"), num_classes))
    x = conv(x, out.prefix + "pred_", num_classes, 1, bias=False)
    return softmax_output(flatten(x, out.next("flatten") + "flatten"))


def get_symbol(num_classes=1000, version=1, multiplier=1.0, **kwargs):
    """MobileNet ``version`` 1, 2 or "2tv" (torchvision's v2: no expansion in the first
    block, a Linear classifier); ``multiplier`` scales every layer's width."""
    if version not in (1, 2, "2tv"):
        raise GraphError(f"mobilenet: version={version!r}; expected 1, 2 or \"2tv\"")
    if not 0 < float(multiplier) <= 4:
        raise GraphError(f"mobilenet: multiplier={multiplier!r}; expected a width factor like 1.0 or 0.5")
    if version == 1:
        return _v1(num_classes, float(multiplier))
    return _v2(num_classes, float(multiplier), torchvision=version == "2tv")
