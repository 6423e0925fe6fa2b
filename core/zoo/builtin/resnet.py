"""ResNet v1 (He et al. 2015) and v2 (pre-activation, He et al. 2016), 18 to 152 layers,
with MXNet Gluon model_zoo's layout and parameter names (``resnetv10_stage1_conv0_weight``).

>>> net = get_symbol(num_layers=18, version=1)
>>> net.infer_shape(data=(1, 3, 224, 224))[1]
[(1, 1000)]
"""
from __future__ import annotations

from functools import partial

from ...errors import GraphError
from ...symbol import Variable
from .layers import Scope, add, batchnorm, conv, dense, flatten, global_avg_pool, max_pool, relu, softmax_output

# layers: (block kind, units per stage, channels: stem then each stage)
SPECS = {
    18: ("basic", (2, 2, 2, 2), (64, 64, 128, 256, 512)),
    34: ("basic", (3, 4, 6, 3), (64, 64, 128, 256, 512)),
    50: ("bottleneck", (3, 4, 6, 3), (64, 256, 512, 1024, 2048)),
    101: ("bottleneck", (3, 4, 23, 3), (64, 256, 512, 1024, 2048)),
    152: ("bottleneck", (3, 8, 36, 3), (64, 256, 512, 1024, 2048)),
}


def _basic_v1(x, s, channels, stride, downsample):
    body = conv(x, s.next("conv"), channels, 3, stride, 1, bias=False)
    body = relu(batchnorm(body, s.next("batchnorm")), s.next("relu") + "fwd")
    body = conv(body, s.next("conv"), channels, 3, 1, 1, bias=False)
    body = batchnorm(body, s.next("batchnorm"))
    shortcut = x
    if downsample:
        shortcut = conv(x, s.next("conv"), channels, 1, stride, 0, bias=False)
        shortcut = batchnorm(shortcut, s.next("batchnorm"))
    # NOTE: Gluon adds residual + body (in that order); the order fixes parameter order
    return relu(add(shortcut, body, s.next("plus")[:-1]), s.next("activation")[:-1])


def _bottleneck_v1(x, s, channels, stride, downsample, v1b=False):
    # Gluon's v1 bottleneck strides in the first 1x1 convolution, and its two 1x1
    # convolutions keep a bias (that is why it has 25,575,912 parameters, not 25,557,032).
    # "v1.5" (v1b: torchvision's, Gluon's resnetv1b) strides in the 3x3 and has no bias.
    body = conv(x, s.next("conv"), channels // 4, 1, 1 if v1b else stride, 0, bias=not v1b)
    body = relu(batchnorm(body, s.next("batchnorm")), s.next("relu") + "fwd")
    body = conv(body, s.next("conv"), channels // 4, 3, stride if v1b else 1, 1, bias=False)
    body = relu(batchnorm(body, s.next("batchnorm")), s.next("relu") + "fwd")
    body = conv(body, s.next("conv"), channels, 1, 1, 0, bias=not v1b)
    body = batchnorm(body, s.next("batchnorm"))
    shortcut = x
    if downsample:
        shortcut = conv(x, s.next("conv"), channels, 1, stride, 0, bias=False)
        shortcut = batchnorm(shortcut, s.next("batchnorm"))
    return relu(add(body, shortcut, s.next("plus")[:-1]), s.next("activation")[:-1])


def _basic_v2(x, s, channels, stride, downsample):
    # creation order in Gluon: bn1, conv1, bn2, conv2, downsample -- names follow it
    bn1, conv1, bn2, conv2 = s.next("batchnorm"), s.next("conv"), s.next("batchnorm"), s.next("conv")
    shortcut_name = s.next("conv") if downsample else None
    pre = relu(batchnorm(x, bn1), bn1[:-1] + "_relu")
    shortcut = conv(pre, shortcut_name, channels, 1, stride, 0, bias=False) if downsample else x
    body = conv(pre, conv1, channels, 3, stride, 1, bias=False)
    body = relu(batchnorm(body, bn2), bn2[:-1] + "_relu")
    body = conv(body, conv2, channels, 3, 1, 1, bias=False)
    return add(body, shortcut, s.next("plus")[:-1])


def _bottleneck_v2(x, s, channels, stride, downsample):
    names = [s.next(kind) for kind in ("batchnorm", "conv", "batchnorm", "conv", "batchnorm", "conv")]
    bn1, conv1, bn2, conv2, bn3, conv3 = names
    shortcut_name = s.next("conv") if downsample else None
    pre = relu(batchnorm(x, bn1), bn1[:-1] + "_relu")
    shortcut = conv(pre, shortcut_name, channels, 1, stride, 0, bias=False) if downsample else x
    body = conv(pre, conv1, channels // 4, 1, 1, 0, bias=False)
    body = relu(batchnorm(body, bn2), bn2[:-1] + "_relu")
    body = conv(body, conv2, channels // 4, 3, stride, 1, bias=False)
    body = relu(batchnorm(body, bn3), bn3[:-1] + "_relu")
    body = conv(body, conv3, channels, 1, 1, 0, bias=False)
    return add(body, shortcut, s.next("plus")[:-1])


BLOCKS = {(1, "basic"): _basic_v1, (1, "bottleneck"): _bottleneck_v1,
          ("1b", "basic"): _basic_v1, ("1b", "bottleneck"): partial(_bottleneck_v1, v1b=True),
          (2, "basic"): _basic_v2, (2, "bottleneck"): _bottleneck_v2}


def _stem(x, root, version, stem_channels):
    if version == 2:
        # Gluon's v2 starts with a BatchNorm(scale=False, center=False) on the image
        x = batchnorm(x, root.next("batchnorm"), fix_gamma=True)
    x = conv(x, root.next("conv"), stem_channels, 7, 2, 3, bias=False)
    x = relu(batchnorm(x, root.next("batchnorm")), root.next("relu") + "fwd")
    return max_pool(x, root.next("pool") + "fwd", 3, 2, 1)


def get_symbol(num_classes=1000, num_layers=18, version=1, **kwargs):
    """ResNet ``num_layers`` (18, 34, 50, 101, 152), ``version`` 1, "1b" (v1.5, torchvision's:
    the bottleneck strides in its 3x3 convolution) or 2, ending in SoftmaxOutput 'softmax'."""
    if num_layers not in SPECS:
        raise GraphError(f"resnet: num_layers={num_layers} is not one of {sorted(SPECS)}")
    if version not in (1, "1b", 2):
        raise GraphError(f"resnet: version={version!r}; expected 1, \"1b\" or 2")
    kind, units, channels = SPECS[num_layers]
    block = BLOCKS[(version, kind)]
    root = Scope(f"resnetv{version}0_")
    x = _stem(Variable("data"), root, version, channels[0])
    in_channels = channels[0]
    for stage, count in enumerate(units):
        scope = root.sub(f"stage{stage + 1}_")
        out_channels = channels[stage + 1]
        for unit in range(count):
            stride = 2 if (unit == 0 and stage > 0) else 1
            x = block(x, scope, out_channels, stride, unit == 0 and out_channels != in_channels)
        in_channels = out_channels
    if version == 2:
        x = relu(batchnorm(x, root.next("batchnorm")), root.next("relu") + "fwd")
    x = flatten(global_avg_pool(x, root.next("pool") + "fwd"), root.next("flatten") + "flatten")
    return softmax_output(dense(x, root.next("dense"), num_classes))
