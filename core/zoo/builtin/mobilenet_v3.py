"""MobileNetV3-Large (Howard et al. 2019) in torchvision's layout: hard-swish, squeeze-and-
excitation with a hard-sigmoid gate, BatchNorm eps 1e-3, a two-layer classifier. Names
follow torchvision's module paths (``mobilenetv3tv0_features_4_block_2_fc1_conv0_weight``).

>>> get_symbol().infer_shape(data=(1, 3, 224, 224))[1]
[(1, 1000)]
"""
from __future__ import annotations

from ...symbol import Variable
from .layers import (TorchPath, add, dense, dropout, flatten, global_avg_pool, hard_sigmoid, hard_swish,
                     relu, softmax_output, squeeze_excite)

EPS = 1e-3
# (kernel, expanded, out, squeeze-excite, hard-swish, stride) after a 16-channel stem
LARGE = [(3, 16, 16, False, False, 1), (3, 64, 24, False, False, 2), (3, 72, 24, False, False, 1),
         (5, 72, 40, True, False, 2), (5, 120, 40, True, False, 1), (5, 120, 40, True, False, 1),
         (3, 240, 80, False, True, 2), (3, 200, 80, False, True, 1), (3, 184, 80, False, True, 1),
         (3, 184, 80, False, True, 1), (3, 480, 112, True, True, 1), (3, 672, 112, True, True, 1),
         (5, 672, 160, True, True, 2), (5, 960, 160, True, True, 1), (5, 960, 160, True, True, 1)]


def _divisible(value, divisor=8):
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _block(x, p, index, in_channels, kernel, expanded, out, se, hs, stride):
    act = hard_swish if hs else relu
    path, part = f"features.{index}.block", 0
    y = x
    if expanded != in_channels:
        y = p.conv_bn(y, f"{path}.{part}", expanded, eps=EPS, activation=act)
        part += 1
    y = p.conv_bn(y, f"{path}.{part}", expanded, kernel, stride, groups=expanded, eps=EPS, activation=act)
    part += 1
    if se:
        y = squeeze_excite(y, p.root + f"{path}.{part}_".replace(".", "_"), expanded, _divisible(expanded // 4),
                           relu, hard_sigmoid)
        part += 1
    y = p.conv_bn(y, f"{path}.{part}", out, eps=EPS)
    if stride == 1 and in_channels == out:
        y = add(y, x, p(f"features.{index}", "add")[:-1])
    return y


def get_symbol(num_classes=1000, **kwargs):
    p = TorchPath("mobilenetv3tv0_")
    x = p.conv_bn(Variable("data"), "features.0", 16, 3, 2, eps=EPS, activation=hard_swish)
    channels = 16
    for index, spec in enumerate(LARGE, start=1):
        x = _block(x, p, index, channels, *spec)
        channels = spec[2]
    x = p.conv_bn(x, "features.16", 960, eps=EPS, activation=hard_swish)
    x = flatten(global_avg_pool(x, p("avgpool", "pool") + "fwd"), p("avgpool", "flatten") + "flatten")
    x = hard_swish(dense(x, p("classifier.0", "dense"), 1280), p("classifier.1", "act"))
    x = dropout(x, p("classifier.2", "dropout") + "fwd", 0.2)
    return softmax_output(dense(x, p("classifier.3", "dense"), num_classes))
