"""Inception with BatchNorm (Ioffe & Szegedy 2015) for 224x224 images, with the names of
MXNet's ``Inception-BN`` ImageNet checkpoint (``conv_3a_1x1_weight``, ``bn_3a_1x1_gamma``,
``fc1_weight``), so that checkpoint's parameters load into this symbol; and
``get_symbol_full``, MXNet's wider variant for the full ImageNet (21,841 classes,
example/image-classification/symbol_inception-bn-full.py).

>>> get_symbol().infer_shape(data=(1, 3, 224, 224))[1]
[(1, 1000)]
>>> get_symbol_full().infer_shape(data=(1, 3, 224, 224))[1]
[(1, 21841)]
"""
from __future__ import annotations

from ...symbol import Variable
from ...symbol.ops import make

EPS = 1e-10 + 1e-5  # MXNet's original training script used this value; kept for fidelity

# Inception-A: (name, 1x1, 3x3 reduce, 3x3, double-3x3 reduce, double 3x3, pool type, projection)
# Inception-B (strided, no 1x1 branch): (name, 3x3 reduce, 3x3, double-3x3 reduce, double 3x3)
STAGES = [
    ("A", "3a", 64, 64, 64, 64, 96, "avg", 32),
    ("A", "3b", 64, 64, 96, 64, 96, "avg", 64),
    ("B", "3c", 128, 160, 64, 96),
    ("A", "4a", 224, 64, 96, 96, 128, "avg", 128),
    ("A", "4b", 192, 96, 128, 96, 128, "avg", 128),
    ("A", "4c", 160, 128, 160, 128, 160, "avg", 128),
    ("A", "4d", 96, 128, 192, 160, 192, "avg", 128),
    ("B", "4e", 128, 192, 192, 256),
    ("A", "5a", 352, 192, 320, 160, 224, "avg", 128),
    ("A", "5b", 352, 192, 320, 192, 224, "max", 128),
]
FULL_STAGES = [
    ("A", "3a", 96, 96, 96, 96, 144, "avg", 48),
    ("A", "3b", 96, 96, 144, 96, 144, "avg", 96),
    ("B", "3c", 192, 240, 96, 144),
    ("A", "4a", 224, 64, 96, 96, 128, "avg", 128),
    ("A", "4b", 192, 96, 128, 96, 128, "avg", 128),
    ("A", "4c", 160, 128, 160, 128, 160, "avg", 128),
    ("A", "4d", 96, 128, 192, 160, 96, "avg", 128),
    ("B", "4e", 128, 192, 192, 256),
    ("A", "5a", 352, 192, 320, 160, 224, "avg", 128),
    ("A", "5b", 352, 192, 320, 192, 224, "max", 128),
]
# the checkpoint's BatchNorm settings; the -full file keeps MXNet's defaults
CHECKPOINT_BN = {"fix_gamma": False, "eps": EPS, "momentum": 0.9}


def conv_bn_relu(x, name, filters, kernel, stride=1, pad=0, bn=None):
    """Convolution + BatchNorm + ReLU named conv_<name>, bn_<name>, relu_<name>."""
    x = make("Convolution", [x], {"num_filter": filters, "kernel": (kernel, kernel),
                                  "stride": (stride, stride), "pad": (pad, pad)}, name=f"conv_{name}")
    x = make("BatchNorm", [x], dict(CHECKPOINT_BN if bn is None else bn), name=f"bn_{name}")
    return make("Activation", [x], {"act_type": "relu"}, name=f"relu_{name}")


def _pool(x, name, pool_type, stride):
    return make("Pooling", [x], {"kernel": (3, 3), "stride": (stride, stride), "pad": (1, 1),
                                 "pool_type": pool_type}, name=name)


def _double_3x3(x, name, reduce, filters, stride, bn):
    x = conv_bn_relu(x, f"{name}_double_3x3_reduce", reduce, 1, bn=bn)
    x = conv_bn_relu(x, f"{name}_double_3x3_0", filters, 3, 1, 1, bn=bn)
    return conv_bn_relu(x, f"{name}_double_3x3_1", filters, 3, stride, 1, bn=bn)


def inception_a(x, name, n1x1, n3x3red, n3x3, nd3x3red, nd3x3, pool, proj, bn=None):
    branches = [conv_bn_relu(x, f"{name}_1x1", n1x1, 1, bn=bn)]
    reduced = conv_bn_relu(x, f"{name}_3x3_reduce", n3x3red, 1, bn=bn)
    branches.append(conv_bn_relu(reduced, f"{name}_3x3", n3x3, 3, 1, 1, bn=bn))
    branches.append(_double_3x3(x, name, nd3x3red, nd3x3, 1, bn))
    pooled = _pool(x, f"{pool}_pool_{name}_pool", pool, 1)
    branches.append(conv_bn_relu(pooled, f"{name}_proj", proj, 1, bn=bn))
    return make("Concat", branches, {"dim": 1}, name=f"ch_concat_{name}_chconcat")


def inception_b(x, name, n3x3red, n3x3, nd3x3red, nd3x3, bn=None):
    reduced = conv_bn_relu(x, f"{name}_3x3_reduce", n3x3red, 1, bn=bn)
    branches = [conv_bn_relu(reduced, f"{name}_3x3", n3x3, 3, 2, 1, bn=bn),
                _double_3x3(x, name, nd3x3red, nd3x3, 2, bn),
                _pool(x, f"max_pool_{name}_pool", "max", 2)]
    return make("Concat", branches, {"dim": 1}, name=f"ch_concat_{name}_chconcat")


def _stages(x, stages, bn=None):
    for kind, *spec in stages:
        x = inception_a(x, *spec, bn=bn) if kind == "A" else inception_b(x, *spec, bn=bn)
    return x


def _classifier(x, num_classes):
    x = make("Pooling", [x], {"kernel": (7, 7), "stride": (1, 1), "pool_type": "avg"}, name="global_pool")
    x = make("Flatten", [x], {}, name="flatten")
    x = make("FullyConnected", [x], {"num_hidden": num_classes}, name="fc1")
    return make("SoftmaxOutput", [x], {}, name="softmax")


def get_symbol_full(num_classes=21841, **kwargs):
    """The full-ImageNet variant: wider stem and stages, MXNet's BatchNorm defaults."""
    bn = {}
    x = conv_bn_relu(Variable("data"), "conv1", 96, 7, 2, 3, bn=bn)
    x = make("Pooling", [x], {"kernel": (3, 3), "stride": (2, 2), "pool_type": "max"}, name="pool1")
    x = conv_bn_relu(x, "conv2red", 128, 1, bn=bn)
    x = conv_bn_relu(x, "conv2", 288, 3, 1, 1, bn=bn)
    x = make("Pooling", [x], {"kernel": (3, 3), "stride": (2, 2), "pool_type": "max"}, name="pool2")
    return _classifier(_stages(x, FULL_STAGES, bn), num_classes)


def get_symbol(num_classes=1000, **kwargs):
    x = conv_bn_relu(Variable("data"), "1", 64, 7, 2, 3)
    x = make("Pooling", [x], {"kernel": (3, 3), "stride": (2, 2), "pool_type": "max"}, name="pool_1")
    x = conv_bn_relu(x, "2_red", 64, 1)
    x = conv_bn_relu(x, "2", 192, 3, 1, 1)
    x = make("Pooling", [x], {"kernel": (3, 3), "stride": (2, 2), "pool_type": "max"}, name="pool_2")
    return _classifier(_stages(x, STAGES), num_classes)
