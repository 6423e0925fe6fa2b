"""TensorFlow.js graph models (``model.json`` + weight shards) imported as a Net Studio
Symbol and parameters.

>>> from core.importers.tfjs import import_tfjs
>>> net = import_tfjs("resources/detector/nanodet/nanodet.json")      # doctest: +SKIP
>>> net.symbol.infer_shape(data=(1, 3, 416, 416))[1][0]               # doctest: +SKIP
(1, 2704, 80)

``load_graph`` reads the file (topology, weights, signature); ``lower_graph`` maps it onto
our operators (see ``lower.py`` for the layout rule and the fusions). An op with no
mapping is refused in one ``UnknownOperator`` error naming every such op.
"""
from __future__ import annotations

from .graph import TfGraph, TfNode, load_graph
from .lower import ImportedGraph, lower_graph


def import_tfjs(path):
    """The TF.js graph model at ``path`` (model.json) as an ImportedGraph."""
    return lower_graph(load_graph(path))


__all__ = ["ImportedGraph", "TfGraph", "TfNode", "import_tfjs", "load_graph", "lower_graph"]
