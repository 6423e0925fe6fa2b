"""Layer helpers that name parameters the way MXNet Gluon's exported models do.

Gluon names a parameter ``<block prefix><layer kind><n>_<param>``: the third convolution
of ResNet-18 v1's first stage is ``resnetv10_stage1_conv2_weight``. Building our Symbols
with the same names means a Gluon-exported ``.params`` file loads into them unchanged.

>>> scope = Scope("resnetv10_")
>>> scope.next("conv"), scope.next("conv"), scope.sub("stage1_").next("conv")
('resnetv10_conv0_', 'resnetv10_conv1_', 'resnetv10_stage1_conv0_')
"""
from __future__ import annotations

from ...symbol import Variable
from ...symbol.ops import make


class Scope:
    """A name prefix with one counter per layer kind, as a Gluon block's name scope."""

    def __init__(self, prefix=""):
        self.prefix = prefix
        self._counts = {}

    def next(self, hint):
        count = self._counts.get(hint, 0)
        self._counts[hint] = count + 1
        return f"{self.prefix}{hint}{count}_"

    def sub(self, prefix):
        """A nested scope with a fixed prefix (Gluon's ``prefix='stage1_'``)."""
        return Scope(self.prefix + prefix)

    def child(self, hint):
        """A nested scope named by the next counter of ``hint`` (``linearbottleneck0_``)."""
        return Scope(self.next(hint))


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def conv(x, prefix, channels, kernel, stride=1, pad=0, groups=1, bias=True):
    """Convolution whose weight and bias are ``<prefix>weight`` / ``<prefix>bias``."""
    inputs = {"weight": Variable(prefix + "weight")}
    if bias:
        inputs["bias"] = Variable(prefix + "bias")
    return make("Convolution", [x], dict(
        inputs, num_filter=channels, kernel=_pair(kernel), stride=_pair(stride), pad=_pair(pad),
        num_group=groups, no_bias=not bias), name=prefix + "fwd")


def batchnorm(x, prefix, eps=1e-5, momentum=0.9, fix_gamma=False, aux=("running_mean", "running_var")):
    """BatchNorm with ``<prefix>gamma/beta`` and auxiliary states ``<prefix><aux>``."""
    out = make("BatchNorm", [x], {"gamma": Variable(prefix + "gamma"), "beta": Variable(prefix + "beta"),
                                  "eps": eps, "momentum": momentum, "fix_gamma": fix_gamma},
               name=prefix + "fwd")
    return rename_aux(out, [prefix + name for name in aux])


def rename_aux(symbol, names):
    """Give an operator's auxiliary-state variables the names a checkpoint uses.

    The symbol constructors name aux states ``<node>_moving_mean``; Gluon's files say
    ``<block>running_mean``, so the freshly made variable nodes are renamed in place.
    """
    node = symbol.heads[0][0]
    n_args = len(node.op.list_arguments())
    for (variable, _), name in zip(node.inputs[n_args:], names):
        variable.name = name
    return symbol


def dense(x, prefix, units, bias=True):
    inputs = {"weight": Variable(prefix + "weight")}
    if bias:
        inputs["bias"] = Variable(prefix + "bias")
    return make("FullyConnected", [x], dict(inputs, num_hidden=units, no_bias=not bias), name=prefix + "fwd")


def relu(x, name):
    return make("Activation", [x], {"act_type": "relu"}, name=name)


def relu6(x, name):
    """ReLU6 = clip(x, 0, 6), as Gluon's MobileNetV2 and EfficientNet-Lite use."""
    return make("clip", [x], {"a_min": 0.0, "a_max": 6.0}, name=name)


def max_pool(x, name, kernel, stride, pad=0, convention="valid"):
    return make("Pooling", [x], {"pool_type": "max", "kernel": _pair(kernel), "stride": _pair(stride),
                                 "pad": _pair(pad), "pooling_convention": convention}, name=name)


def avg_pool(x, name, kernel, stride=1, pad=0, convention="valid"):
    return make("Pooling", [x], {"pool_type": "avg", "kernel": _pair(kernel), "stride": _pair(stride),
                                 "pad": _pair(pad), "pooling_convention": convention}, name=name)


def global_avg_pool(x, name):
    return make("Pooling", [x], {"pool_type": "avg", "kernel": (1, 1), "global_pool": True}, name=name)


def flatten(x, name):
    return make("Flatten", [x], {}, name=name)


def dropout(x, name, p=0.5):
    return make("Dropout", [x], {"p": p}, name=name)


def add(a, b, name):
    return make("elemwise_add", [a, b], {}, name=name)


def concat(inputs, name, dim=1):
    return make("Concat", list(inputs), {"dim": dim, "num_args": len(inputs)}, name=name)


def softmax_output(x, name="softmax"):
    return make("SoftmaxOutput", [x], {}, name=name)


def pad(x, name, top, bottom, left, right):
    """Zero padding of the two spatial axes only; lets a convolution pad unevenly."""
    return make("Pad", [x], {"mode": "constant", "constant_value": 0.0,
                             "pad_width": (0, 0, 0, 0, top, bottom, left, right)}, name=name)


def scalar(x, op, value, name):
    return make(op, [x], {"scalar": float(value)}, name=name)


def hard_sigmoid(x, name):
    """torch's Hardsigmoid: relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1)."""
    x = scalar(scalar(x, "_mul_scalar", 1 / 6, name + "_scale"), "_plus_scalar", 0.5, name + "_shift")
    return make("clip", [x], {"a_min": 0.0, "a_max": 1.0}, name=name)


def hard_swish(x, name):
    """torch's Hardswish: x * hardsigmoid(x) (MobileNetV3)."""
    return make("elemwise_mul", [x, hard_sigmoid(x, name + "_gate")], {}, name=name)


def silu(x, name):
    """SiLU (swish): x * sigmoid(x) (EfficientNet)."""
    return make("elemwise_mul", [x, make("sigmoid", [x], {}, name=name + "_gate")], {}, name=name)


def squeeze_excite(x, prefix, channels, squeeze, activation, gate):
    """torchvision's SqueezeExcitation: pool, 1x1 conv ``fc1``, activation, 1x1 conv
    ``fc2``, gate (sigmoid or hard sigmoid), channels scaled by it."""
    scale = global_avg_pool(x, prefix + "pool")
    scale = activation(conv(scale, prefix + "fc1_conv0_", squeeze, 1), prefix + "act")
    scale = gate(conv(scale, prefix + "fc2_conv0_", channels, 1), prefix + "gate")
    return make("broadcast_mul", [x, scale], {}, name=prefix + "scale")


class TorchPath:
    """Names after a torchvision module path: ``TorchPath("net0_")("features.1.0",
    "conv")`` is ``net0_features_1_0_conv0_`` -- what torchvision_weights maps
    ``features.1.0.weight`` onto for networks built in torchvision's own layout."""

    def __init__(self, root):
        self.root = root

    def __call__(self, module, kind):
        return f"{self.root}{module.replace('.', '_')}_{kind}0_"

    def conv_bn(self, x, module, channels, kernel=1, stride=1, groups=1, eps=1e-5, activation=None):
        """torchvision's Conv2dNormActivation: ``<module>.0`` conv, ``<module>.1`` BN."""
        x = conv(x, self(module + ".0", "conv"), channels, kernel, stride, (kernel - 1) // 2, groups, bias=False)
        x = batchnorm(x, self(module + ".1", "batchnorm"), eps=eps)
        return activation(x, self(module, "act")) if activation else x
