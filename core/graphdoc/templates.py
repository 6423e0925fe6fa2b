"""Starting points for a new document: seed 001's LeNet, an MLP, and every builtin
network of the zoo, each with the input shape it is built for (batch size 1).

>>> lenet = template("lenet")
>>> lenet.title, lenet.input_shape
('LeNet (seed 001)', (1, 1, 28, 28))
>>> doc = lenet.document()
>>> doc.by_name("data").attrs["__shape__"]
'(1, 1, 28, 28)'
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import RegistryError
from .convert import document_from_symbol

_FEATURED = {
    "lenet": ("LeNet (seed 001)", "conv 5×5×6, relu, max 2×2, conv 3×3×16, relu, max 2×2, "
              "fc 120, 84, 10, SoftmaxOutput — for 28×28 grey images"),
    "mlp": ("MLP (seed 001)", "784 → 256 → 100 → 50 → 10 fully connected with relu, SoftmaxOutput"),
}


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    description: str
    input_shape: tuple
    featured: bool = False

    def symbol(self):
        from ..zoo.builtin import get_symbol
        return get_symbol(self.key)

    def document(self, doc=None):
        """A document of this network; its input carries ``input_shape`` for analysis."""
        fresh = document_from_symbol(self.symbol())
        for node in fresh.nodes.values():
            if node.is_variable and node.name == "data":
                node.attrs.setdefault("__shape__", str(self.input_shape))
        if doc is None:
            return fresh
        doc.load(list(fresh.nodes.values()), fresh.edges)
        return doc


def templates():
    """Featured templates first, then the zoo's builtin networks by name."""
    try:
        from ..zoo.builtin import input_shape, list_networks
    except ImportError:
        return []
    found = []
    for key in list_networks():
        shape = (1, *input_shape(key))
        if key == "mlp":
            shape = (1, 784)
        title, description = _FEATURED.get(key, (nice_title(key), f"builtin network {key}, "
                                                  f"input {'×'.join(map(str, shape[1:]))}"))
        found.append(Template(key, title, description, shape, key in _FEATURED))
    return sorted(found, key=lambda t: (not t.featured, list(_FEATURED).index(t.key) if t.featured else 0,
                                        _natural(t.key)))


def _natural(key):
    """'resnet18' before 'resnet101': digits compare as numbers."""
    return [(0, float(part)) if part.replace(".", "", 1).isdigit() else (1, part)
            for part in re.split(r"(\d+(?:\.\d+)?)", key) if part]


_NAMES = (("efficientnet", "EfficientNet"), ("mobilenetv2_", "MobileNet v2 "), ("mobilenet", "MobileNet "),
          ("squeezenet", "SqueezeNet "), ("inception-bn", "Inception-BN"), ("inception-v3", "Inception-v3"),
          ("googlenet", "GoogLeNet"), ("-28-small", " small (28×28)"), ("-full", " full ImageNet"),
          ("alexnet", "AlexNet"),
          ("resnet", "ResNet-"), ("vgg", "VGG-"), ("lite", "Lite"), ("_bn", " BN"), ("_v", " v"))


def nice_title(key):
    """'resnet18_v1' -> 'ResNet-18 v1' (the zoo's keys as people write them)."""
    title = key
    for raw, pretty in _NAMES:
        title = title.replace(raw, pretty)
    return title


def template(key):
    for found in templates():
        if found.key == key:
            return found
    raise RegistryError(f"no template named {key!r}; known: {', '.join(t.key for t in templates())}")
