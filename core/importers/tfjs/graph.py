"""A TF.js graph model's ``model.json`` read into plain records: nodes in an order where
every input comes first, their decoded attributes, the constants' values, and the
signature's inputs and outputs.

TF attributes arrive as protobuf JSON (``{"i": "2"}``, ``{"s": "<base64>"}``,
``{"list": {"i": [...]}}``); ``decode_attr`` turns each into a Python value.

>>> decode_attr({"s": "TkhXQw=="}), decode_attr({"list": {"i": ["1", "2"]}}), decode_attr({"f": 0.1})
('NHWC', [1, 2], 0.1)
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import FormatError, GraphError
from .weights import read_weights


@dataclass
class TfNode:
    name: str
    op: str
    inputs: list                  # [(node name, output index)], control inputs dropped
    attrs: dict = field(default_factory=dict)


@dataclass
class TfGraph:
    nodes: list                   # TfNode, inputs before their users
    constants: dict               # {node name: ndarray} for Const nodes
    inputs: list                  # Placeholder node names
    input_shapes: dict            # {name: [dims] with -1 for unknown}
    outputs: list                 # [(node name, output index)] in signature order
    source: str = "model.json"

    def node(self, name):
        return self._by_name[name]

    def __post_init__(self):
        self._by_name = {node.name: node for node in self.nodes}


def decode_attr(value):
    """One TF attribute as a Python value (strings decoded, ints as int)."""
    if not isinstance(value, dict) or not value:
        return None
    kind, raw = next(iter(value.items()))
    if kind == "s":
        return base64.b64decode(raw).decode("utf-8", "replace")
    if kind == "i":
        return int(raw)
    if kind in ("f", "b", "type"):
        return raw
    if kind == "list":
        for key in ("i", "f", "s", "b", "type"):
            if key in raw:
                return [decode_attr({key: item}) for item in raw[key]]
        return []
    if kind == "shape":
        return [int(d.get("size", -1)) for d in raw.get("dim", [])]
    return raw


def parse_input(text):
    """'conv:1' -> ('conv', 1); '^dep' (a control input) -> None."""
    if text.startswith("^"):
        return None
    name, _, index = text.rpartition(":")
    if name and index.isdigit():
        return name, int(index)
    return text, 0


def load_graph(path):
    """The graph model at ``path`` (its model.json; shards beside it) as a TfGraph."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FormatError(f"{path}: not a readable TF.js model.json ({error})") from None
    if not isinstance(doc, dict) or "modelTopology" not in doc or "weightsManifest" not in doc:
        raise FormatError(f"{path}: not a TF.js graph model (needs modelTopology and weightsManifest)")
    try:
        raw_nodes = doc["modelTopology"]["node"]
    except (KeyError, TypeError):
        raise FormatError(f"{path}: modelTopology has no 'node' list; only graph models "
                          f"(tfjs-converter's tfjs_graph_model) are supported, not layers models") from None
    weights = read_weights(doc["weightsManifest"], path.parent, str(path))
    nodes = [_node(raw, path) for raw in raw_nodes]
    constants = {}
    for node in nodes:
        if node.op == "Const":
            if node.name not in weights:
                raise FormatError(f"{path}: constant {node.name!r} has no entry in the weights manifest")
            constants[node.name] = weights[node.name]
    inputs = [n.name for n in nodes if n.op == "Placeholder"]
    shapes = {n.name: n.attrs.get("shape") or [] for n in nodes if n.op == "Placeholder"}
    outputs = _outputs(doc, nodes, path)
    return TfGraph(_in_order(nodes, path), constants, inputs, shapes, outputs, str(path))


def _node(raw, path):
    try:
        inputs = [parse_input(text) for text in raw.get("input", [])]
        attrs = {key: decode_attr(value) for key, value in (raw.get("attr") or {}).items()}
        return TfNode(raw["name"], raw["op"], [i for i in inputs if i is not None], attrs)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise FormatError(f"{path}: malformed node {str(raw)[:120]} ({error})") from None


def _outputs(doc, nodes, path):
    signature = (doc.get("signature") or {}).get("outputs") or {}
    names = [parse_input(entry.get("name", key)) for key, entry in signature.items()]
    if not names:
        # no signature: the nodes nobody reads are the outputs
        used = {name for node in nodes for name, _ in node.inputs}
        names = [(n.name, 0) for n in nodes if n.name not in used and n.op not in ("Const", "Placeholder")]
    known = {node.name for node in nodes}
    missing = [name for name, _ in names if name not in known]
    if missing:
        raise FormatError(f"{path}: the signature names outputs {missing} that no node produces")
    return sorted(names)


def _in_order(nodes, path):
    """Nodes with every input before its user (depth-first); a cycle is a GraphError."""
    by_name = {node.name: node for node in nodes}
    done, visiting, order = set(), set(), []
    for root in nodes:
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if node.name in done:
                continue
            if expanded:
                visiting.discard(node.name)
                done.add(node.name)
                order.append(node)
                continue
            if node.name in visiting:
                raise GraphError(f"{path}: the graph has a cycle through node {node.name!r}")
            visiting.add(node.name)
            stack.append((node, True))
            for name, _ in reversed(node.inputs):
                if name not in by_name:
                    raise FormatError(f"{path}: node {node.name!r} reads {name!r}, which does not exist")
                if name not in done:
                    stack.append((by_name[name], False))
    return order
