"""EfficientNet-B0 (Tan & Le 2019) in torchvision's layout: MBConv blocks with SiLU and
squeeze-and-excitation; stochastic depth is the identity at inference. Names follow
torchvision's module paths (``efficientnetb0tv0_features_2_0_block_0_0_conv0_weight``).
(``efficientnet-lite0`` is the other builtin EfficientNet: no SE, ReLU6.)

>>> get_symbol().infer_shape(data=(1, 3, 224, 224))[1]
[(1, 1000)]
"""
from __future__ import annotations

from ...symbol import Variable
from .layers import TorchPath, add, dense, dropout, flatten, global_avg_pool, silu, softmax_output, squeeze_excite

# stages: (expand ratio, kernel, stride, in, out, blocks)
B0 = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
      (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)]


def _sigmoid(x, name):
    from ...symbol.ops import make
    return make("sigmoid", [x], {}, name=name)


def _mbconv(x, p, path, expand, kernel, stride, in_channels, out):
    expanded, part, y = in_channels * expand, 0, x
    if expanded != in_channels:
        y = p.conv_bn(y, f"{path}.block.{part}", expanded, activation=silu)
        part += 1
    y = p.conv_bn(y, f"{path}.block.{part}", expanded, kernel, stride, groups=expanded, activation=silu)
    y = squeeze_excite(y, p.root + f"{path}.block.{part + 1}_".replace(".", "_"), expanded,
                       max(1, in_channels // 4), silu, _sigmoid)
    y = p.conv_bn(y, f"{path}.block.{part + 2}", out)
    if stride == 1 and in_channels == out:      # stochastic depth: identity at inference
        y = add(y, x, p(path, "add")[:-1])
    return y


def get_symbol(num_classes=1000, **kwargs):
    p = TorchPath("efficientnetb0tv0_")
    x = p.conv_bn(Variable("data"), "features.0", 32, 3, 2, activation=silu)
    for stage, (expand, kernel, stride, in_channels, out, blocks) in enumerate(B0, start=1):
        for block in range(blocks):
            x = _mbconv(x, p, f"features.{stage}.{block}", expand, kernel, stride if block == 0 else 1,
                        in_channels if block == 0 else out, out)
    x = p.conv_bn(x, "features.8", 1280, activation=silu)
    x = flatten(global_avg_pool(x, p("avgpool", "pool") + "fwd"), p("avgpool", "flatten") + "flatten")
    x = dropout(x, p("classifier.0", "dropout") + "fwd", 0.2)
    return softmax_output(dense(x, p("classifier.1", "dense"), num_classes))
