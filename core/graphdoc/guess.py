"""A first guess at the input shape of a network opened from a file without one, so the
editor can show shapes at once (the user corrects it in the inspector).

>>> from core.graphdoc.templates import template
>>> doc = template("lenet").document()
>>> del doc.by_name("data").attrs["__shape__"]
>>> guess_input_shapes(doc)
{'data': (1, 1, 28, 28)}
"""
from __future__ import annotations

from .check import analyse_document

LARGE = ((1, 3, 224, 224), (1, 3, 299, 299), (1, 3, 32, 32), (1, 1, 28, 28), (1, 784))
SMALL = ((1, 1, 28, 28), (1, 3, 32, 32), (1, 784), (1, 3, 224, 224))
#: networks this deep are made for photos; shallower ones for MNIST-sized images
DEEP = 24


def guess_input_shapes(doc):
    """{input name: shape} for the one input without ``__shape__``, taking the first common
    shape that makes the whole network work (or {} when none does)."""
    missing = [n for n in doc.nodes.values() if n.is_variable and not n.attrs.get("__shape__")
               and any(e.slot != "label" for e in doc.edges_from(n.id))]
    if len(missing) != 1:
        return {}
    name = missing[0].name
    layers = sum(1 for n in doc.nodes.values() if not n.is_variable)
    for shape in (LARGE if layers >= DEEP else SMALL):
        if not analyse_document(doc, {name: shape}).errors:
            return {name: shape}
    return {}
