"""Inception-v3 (Szegedy et al. 2015, "Rethinking the Inception Architecture") for
299x299 images, as MXNet's example/image-classification/symbols/inception-v3.py builds
it, with its layer names (``mixed_4_tower_1_conv_3_conv2d``). The same layers as Gluon's
``inception_v3`` (without the auxiliary classifier): 23,834,568 trainable parameters.

>>> get_symbol().infer_shape(data=(1, 3, 299, 299))[1]
[(1, 1000)]
"""
from __future__ import annotations

from ...symbol import Variable
from ...symbol.ops import make


def conv(x, name, filters, kernel=(1, 1), stride=(1, 1), pad=(0, 0)):
    """Convolution (no bias) + BatchNorm (fixed gamma, as MXNet's file) + ReLU:
    ``<name>_conv2d``, ``<name>_batchnorm``, ``<name>_relu``."""
    x = make("Convolution", [x], {"num_filter": filters, "kernel": kernel, "stride": stride, "pad": pad,
                                  "no_bias": True}, name=f"{name}_conv2d")
    x = make("BatchNorm", [x], {"fix_gamma": True}, name=f"{name}_batchnorm")
    return make("Activation", [x], {"act_type": "relu"}, name=f"{name}_relu")


def pool(x, name, pool_type, stride, pad=0):
    return make("Pooling", [x], {"kernel": (3, 3), "stride": (stride, stride), "pad": (pad, pad),
                                 "pool_type": pool_type}, name=name)


def concat(branches, name):
    return make("Concat", branches, {"dim": 1}, name=f"ch_concat_{name}_chconcat")


def block_a(x, name, n1x1, n3x3red, n3x3_1, n3x3_2, n5x5red, n5x5, pool_type, proj):
    t5 = conv(conv(x, f"{name}_tower_conv", n5x5red), f"{name}_tower_conv_1", n5x5, (5, 5), pad=(2, 2))
    t3 = conv(x, f"{name}_tower_1_conv", n3x3red)
    t3 = conv(t3, f"{name}_tower_1_conv_1", n3x3_1, (3, 3), pad=(1, 1))
    t3 = conv(t3, f"{name}_tower_1_conv_2", n3x3_2, (3, 3), pad=(1, 1))
    proj_branch = conv(pool(x, f"{pool_type}_pool_{name}_pool", pool_type, 1, 1), f"{name}_tower_2_conv", proj)
    return concat([conv(x, f"{name}_conv", n1x1), t5, t3, proj_branch], name)


def block_b(x, name, n3x3, nd3x3red, nd3x3_1, nd3x3_2):
    t3 = conv(x, f"{name}_conv", n3x3, (3, 3), stride=(2, 2))
    td = conv(x, f"{name}_tower_conv", nd3x3red)
    td = conv(td, f"{name}_tower_conv_1", nd3x3_1, (3, 3), pad=(1, 1))
    td = conv(td, f"{name}_tower_conv_2", nd3x3_2, (3, 3), stride=(2, 2))
    return concat([t3, td, pool(x, f"max_pool_{name}_pool", "max", 2)], name)


def block_c(x, name, n1x1, d7red, d7_1, d7_2, q7red, q7_1, q7_2, q7_3, q7_4, pool_type, proj):
    d7 = conv(x, f"{name}_tower_conv", d7red)
    d7 = conv(d7, f"{name}_tower_conv_1", d7_1, (1, 7), pad=(0, 3))
    d7 = conv(d7, f"{name}_tower_conv_2", d7_2, (7, 1), pad=(3, 0))
    q7 = conv(x, f"{name}_tower_1_conv", q7red)
    for index, (filters, kernel, pad) in enumerate([(q7_1, (7, 1), (3, 0)), (q7_2, (1, 7), (0, 3)),
                                                    (q7_3, (7, 1), (3, 0)), (q7_4, (1, 7), (0, 3))], start=1):
        q7 = conv(q7, f"{name}_tower_1_conv_{index}", filters, kernel, pad=pad)
    proj_branch = conv(pool(x, f"{pool_type}_pool_{name}_pool", pool_type, 1, 1), f"{name}_tower_2_conv", proj)
    return concat([conv(x, f"{name}_conv", n1x1), d7, q7, proj_branch], name)


def block_d(x, name, n3x3red, n3x3, d7red, d7_1, d7_2, d7_3x3, pool_type):
    t3 = conv(conv(x, f"{name}_tower_conv", n3x3red), f"{name}_tower_conv_1", n3x3, (3, 3), stride=(2, 2))
    d7 = conv(x, f"{name}_tower_1_conv", d7red)
    d7 = conv(d7, f"{name}_tower_1_conv_1", d7_1, (1, 7), pad=(0, 3))
    d7 = conv(d7, f"{name}_tower_1_conv_2", d7_2, (7, 1), pad=(3, 0))
    d7 = conv(d7, f"{name}_tower_1_conv_3", d7_3x3, (3, 3), stride=(2, 2))
    return concat([t3, d7, pool(x, f"{pool_type}_pool_{name}_pool", pool_type, 2)], name)


def block_e(x, name, n1x1, d3red, d3_1, d3_2, n3x3red, n3x3, n3x3_d3_1, n3x3_d3_2, pool_type, proj):
    d3 = conv(x, f"{name}_tower_conv", d3red)
    d3_a = conv(d3, f"{name}_tower_mixed_conv", d3_1, (1, 3), pad=(0, 1))
    d3_b = conv(d3, f"{name}_tower_mixed_conv_1", d3_2, (3, 1), pad=(1, 0))
    t3 = conv(conv(x, f"{name}_tower_1_conv", n3x3red), f"{name}_tower_1_conv_1", n3x3, (3, 3), pad=(1, 1))
    t3_a = conv(t3, f"{name}_tower_1_mixed_conv", n3x3_d3_1, (1, 3), pad=(0, 1))
    t3_b = conv(t3, f"{name}_tower_1_mixed_conv_1", n3x3_d3_2, (3, 1), pad=(1, 0))
    proj_branch = conv(pool(x, f"{pool_type}_pool_{name}_pool", pool_type, 1, 1), f"{name}_tower_2_conv", proj)
    return concat([conv(x, f"{name}_conv", n1x1), d3_a, d3_b, t3_a, t3_b, proj_branch], name)


STAGES = [
    (block_a, "mixed", 64, 64, 96, 96, 48, 64, "avg", 32),
    (block_a, "mixed_1", 64, 64, 96, 96, 48, 64, "avg", 64),
    (block_a, "mixed_2", 64, 64, 96, 96, 48, 64, "avg", 64),
    (block_b, "mixed_3", 384, 64, 96, 96),
    (block_c, "mixed_4", 192, 128, 128, 192, 128, 128, 128, 128, 192, "avg", 192),
    (block_c, "mixed_5", 192, 160, 160, 192, 160, 160, 160, 160, 192, "avg", 192),
    (block_c, "mixed_6", 192, 160, 160, 192, 160, 160, 160, 160, 192, "avg", 192),
    (block_c, "mixed_7", 192, 192, 192, 192, 192, 192, 192, 192, 192, "avg", 192),
    (block_d, "mixed_8", 192, 320, 192, 192, 192, 192, "max"),
    (block_e, "mixed_9", 320, 384, 384, 384, 448, 384, 384, 384, "avg", 192),
    (block_e, "mixed_10", 320, 384, 384, 384, 448, 384, 384, 384, "max", 192),
]


def get_symbol(num_classes=1000, **kwargs):
    x = make("identity", [Variable("data")], {}, name="id")
    x = conv(x, "conv", 32, (3, 3), stride=(2, 2))
    x = conv(x, "conv_1", 32, (3, 3))
    x = conv(x, "conv_2", 64, (3, 3), pad=(1, 1))
    x = pool(x, "pool", "max", 2)
    x = conv(x, "conv_3", 80)
    x = conv(x, "conv_4", 192, (3, 3))
    x = pool(x, "pool1", "max", 2)
    for block, *spec in STAGES:
        x = block(x, *spec)
    x = make("Pooling", [x], {"kernel": (8, 8), "stride": (1, 1), "pool_type": "avg"}, name="global_pool")
    x = make("Flatten", [x], {}, name="flatten")
    x = make("FullyConnected", [x], {"num_hidden": num_classes}, name="fc1")
    return make("SoftmaxOutput", [x], {}, name="softmax")
