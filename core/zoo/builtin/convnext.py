"""ConvNeXt-Tiny (Liu et al. 2022) in torchvision's layout, in NCHW throughout: 7x7
depthwise convolution, LayerNorm over the channel axis, the two per-pixel Linear layers as
1x1 convolutions with GELU between, a learned per-channel layer scale, and a residual
(stochastic depth is the identity at inference). Names follow torchvision's module paths
(``convnexttv0_features_1_0_block_0_conv0_weight``).

>>> get_symbol().infer_shape(data=(1, 3, 224, 224))[1]
[(1, 1000)]
"""
from __future__ import annotations

from ...initializer import Constant
from ...symbol import Variable
from ...symbol.ops import make
from .layers import TorchPath, add, conv, dense, flatten, global_avg_pool, softmax_output

EPS = 1e-6
# stages: (channels, blocks); a 2x2 stride-2 convolution (after a LayerNorm) between them
TINY = [(96, 3), (192, 3), (384, 9), (768, 3)]


def layer_norm(x, prefix, eps=EPS):
    """LayerNorm over the channel axis of NCHW (torchvision's LayerNorm2d, and its
    LayerNorm over the last axis of the permuted NHWC tensor inside a block)."""
    return make("LayerNorm", [x], {"gamma": Variable(prefix + "gamma"), "beta": Variable(prefix + "beta"),
                                   "axis": 1, "eps": eps}, name=prefix + "fwd")


def _block(x, p, path, channels):
    y = conv(x, p(f"{path}.block.0", "conv"), channels, 7, 1, 3, groups=channels)
    y = layer_norm(y, p(f"{path}.block.2", "layernorm"))
    y = conv(y, p(f"{path}.block.3", "dense"), 4 * channels, 1)          # Linear over channels
    y = make("LeakyReLU", [y], {"act_type": "gelu"}, name=p(f"{path}.block.4", "gelu") + "fwd")
    y = conv(y, p(f"{path}.block.5", "dense"), channels, 1)
    # torchvision starts layer scale at 1e-6 (ConvNeXt's recipe): the block begins near identity
    scale = Variable(p(path, "layerscale") + "layer_scale", shape=(channels, 1, 1),
                     init=Constant(1e-6))
    y = make("broadcast_mul", [y, scale], {}, name=p(path, "layerscale") + "fwd")
    return add(y, x, p(path, "add")[:-1])


def get_symbol(num_classes=1000, **kwargs):
    p = TorchPath("convnexttv0_")
    x = conv(Variable("data"), p("features.0.0", "conv"), TINY[0][0], 4, 4, 0)
    x = layer_norm(x, p("features.0.1", "layernorm"))
    index = 1
    for stage, (channels, blocks) in enumerate(TINY):
        for block in range(blocks):
            x = _block(x, p, f"features.{index}.{block}", channels)
        index += 1
        if stage + 1 < len(TINY):
            x = layer_norm(x, p(f"features.{index}.0", "layernorm"))
            x = conv(x, p(f"features.{index}.1", "conv"), TINY[stage + 1][0], 2, 2, 0)
            index += 1
    x = layer_norm(global_avg_pool(x, p("avgpool", "pool") + "fwd"), p("classifier.0", "layernorm"))
    return softmax_output(dense(flatten(x, p("classifier.1", "flatten") + "flatten"),
                                p("classifier.2", "dense"), num_classes))
