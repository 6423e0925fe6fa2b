"""Builtin networks as Symbols, by name: ``get_symbol("resnet18_v1", num_classes=10)``.

Names follow MXNet Gluon's ``model_zoo.vision.get_model`` where Gluon has the network.

>>> from core.zoo.builtin import get_symbol, list_networks
>>> "efficientnet-lite0" in list_networks()
True
>>> get_symbol("lenet").infer_shape(data=(2, 1, 28, 28))[1]
[(2, 10)]
"""
from __future__ import annotations

from functools import partial

from ...errors import RegistryError
from ...symbol.naming import NameManager
from . import (alexnet, convnext, efficientnet, efficientnet_b0, googlenet, inception_bn, inception_bn_small,
               inception_v3, lenet, mobilenet, mobilenet_v3, resnet, squeezenet, vgg)
from .mlp import mlp

# name -> (builder, fixed keyword arguments, input shape (C, H, W) it expects)
NETWORKS = {
    "lenet": (lenet.get_symbol, {}, (1, 28, 28)),
    "mlp": (partial(mlp, hidden_node=(256, 100, 50)), {}, (1, 28, 28)),
    "alexnet": (alexnet.get_symbol, {}, (3, 224, 224)),
    "inception-bn": (inception_bn.get_symbol, {}, (3, 224, 224)),
    "inception-bn-full": (inception_bn.get_symbol_full, {}, (3, 224, 224)),
    "inception-bn-28-small": (inception_bn_small.get_symbol, {}, (3, 28, 28)),
    "inception-v3": (inception_v3.get_symbol, {}, (3, 299, 299)),
    "googlenet": (googlenet.get_symbol, {}, (3, 224, 224)),
    "squeezenet1.0": (squeezenet.get_symbol, {"version": "1.0"}, (3, 224, 224)),
    "squeezenet1.1": (squeezenet.get_symbol, {"version": "1.1"}, (3, 224, 224)),
    "efficientnet-lite0": (efficientnet.get_symbol, {}, (3, 224, 224)),
}
for _layers in (11, 13, 16, 19):
    NETWORKS[f"vgg{_layers}"] = (vgg.get_symbol, {"num_layers": _layers}, (3, 224, 224))
    NETWORKS[f"vgg{_layers}_bn"] = (vgg.get_symbol, {"num_layers": _layers, "batch_norm": True}, (3, 224, 224))
for _version in (1, 2):
    for _layers in (18, 34, 50, 101, 152):
        NETWORKS[f"resnet{_layers}_v{_version}"] = (
            resnet.get_symbol, {"num_layers": _layers, "version": _version}, (3, 224, 224))
for _layers in (50, 101, 152):
    NETWORKS[f"resnet{_layers}_v1b"] = (resnet.get_symbol, {"num_layers": _layers, "version": "1b"}, (3, 224, 224))
NETWORKS["mobilenetv2_tv"] = (mobilenet.get_symbol, {"version": "2tv"}, (3, 224, 224))
NETWORKS["mobilenetv3_large_tv"] = (mobilenet_v3.get_symbol, {}, (3, 224, 224))
NETWORKS["efficientnet-b0_tv"] = (efficientnet_b0.get_symbol, {}, (3, 224, 224))
NETWORKS["convnext_tiny_tv"] = (convnext.get_symbol, {}, (3, 224, 224))
for _multiplier in ("1.0", "0.75", "0.5", "0.25"):
    NETWORKS[f"mobilenet{_multiplier}"] = (
        mobilenet.get_symbol, {"version": 1, "multiplier": float(_multiplier)}, (3, 224, 224))
    NETWORKS[f"mobilenetv2_{_multiplier}"] = (
        mobilenet.get_symbol, {"version": 2, "multiplier": float(_multiplier)}, (3, 224, 224))


def list_networks():
    return sorted(NETWORKS)


def input_shape(name):
    """(channels, height, width) the network ``name`` is built for."""
    return _lookup(name)[2]


def get_symbol(name, num_classes=None, **kwargs):
    """Build the builtin network ``name``; names inside start fresh every time."""
    builder, fixed, _ = _lookup(name)
    options = dict(fixed, **kwargs)
    if name == "mlp":
        options["out_node"] = num_classes or 10
    elif num_classes is not None:
        options["num_classes"] = num_classes
    with NameManager():
        return builder(**options)


def _lookup(name):
    try:
        return NETWORKS[name]
    except KeyError:
        raise RegistryError(f"no builtin network named {name!r}; known: {', '.join(list_networks())}") from None


__all__ = ["NETWORKS", "get_symbol", "input_shape", "list_networks", "mlp"]
