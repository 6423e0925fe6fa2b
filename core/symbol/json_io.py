"""MXNet's symbol JSON, read and written (nodes, arg_nodes, node_row_ptr, heads, attrs)."""
from __future__ import annotations

import json

from ..errors import GraphError, SymbolFormatError, UnknownOperator
from ..ops import OPS
from .graph import Node, mark_aux_init, topo_order
from .symbol import Symbol

MXNET_VERSION = 10901


def to_json(symbol):
    nodes = topo_order(symbol._outputs)
    index = {id(n): i for i, n in enumerate(nodes)}
    out_nodes, row_ptr = [], [0]
    for node in nodes:
        entry = {"op": node.op_name, "name": node.name}
        attrs = dict(node.attrs)
        if node.op is not None:
            attrs.update(node.op.attr_strings())
        if attrs:
            entry["attrs"] = attrs
        entry["inputs"] = [[index[id(c)], i, 0] for c, i in node.inputs]
        out_nodes.append(entry)
        total = 1 if node.op is None else len(node.op.list_outputs()) + node.op.hidden_outputs
        row_ptr.append(row_ptr[-1] + total)
    doc = {
        "nodes": out_nodes,
        "arg_nodes": [i for i, n in enumerate(nodes) if n.is_variable],
        "node_row_ptr": row_ptr,
        "heads": [[index[id(n)], i, 0] for n, i in symbol._outputs],
        "attrs": {"mxnet_version": ["int", MXNET_VERSION]},
    }
    return json.dumps(doc, indent=2)


def from_json(text, source="<json>"):
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SymbolFormatError(f"{source}: not valid JSON ({error})") from None
    if not isinstance(doc, dict) or "nodes" not in doc or "heads" not in doc:
        raise SymbolFormatError(f"{source}: not an MXNet symbol file (expected keys 'nodes' and 'heads')")
    built = []
    for number, raw in enumerate(doc["nodes"]):
        built.append(_node(raw, number, built, source))
    heads = []
    for head in doc["heads"]:
        heads.append(_entry(head, built, source, "heads"))
    return Symbol(heads)


def _node(raw, number, built, source):
    if not isinstance(raw, dict) or "op" not in raw or "name" not in raw:
        raise SymbolFormatError(f"{source}: node {number} lacks 'op' or 'name'")
    attrs = {}
    for key in ("param", "attr", "attrs"):  # old files use param/attr, new ones attrs
        attrs.update({k: str(v) for k, v in (raw.get(key) or {}).items()})
    name = raw["name"]
    inputs = [_entry(e, built, source, f"node {name!r}") for e in raw.get("inputs", [])]
    if raw["op"] == "null":
        return Node(None, name, attrs)
    try:
        cls = OPS.get(raw["op"])
    except UnknownOperator:
        raise UnknownOperator(f"{source}: node {name!r} uses operator {raw['op']!r}, which Net Studio "
                              f"does not have") from None
    hidden = {k: v for k, v in attrs.items() if k.startswith("__") and k.endswith("__")}
    try:
        op = cls(node_name=name, **{k: v for k, v in attrs.items() if k not in hidden})
    except GraphError as error:
        raise type(error)(f"{source}: {error}") from None
    expected = len(op.list_arguments()) + len(op.list_auxiliary_states())
    if len(inputs) != expected:
        raise SymbolFormatError(f"{source}: node {name!r} ({op.name}) has {len(inputs)} inputs, "
                                f"expected {expected}: {op.list_arguments() + op.list_auxiliary_states()}")
    for (variable, _), aux in zip(inputs[len(op.list_arguments()):], op.list_auxiliary_states()):
        mark_aux_init(variable, aux)
    return Node(op, name, hidden, inputs)


def _entry(raw, built, source, where):
    try:
        node_id, index = int(raw[0]), int(raw[1])
        node = built[node_id]
    except (IndexError, TypeError, ValueError):
        raise SymbolFormatError(f"{source}: {where} refers to node {raw!r}, which does not come "
                                f"before it in the file") from None
    if index >= node.num_visible_outputs() + (node.op.hidden_outputs if node.op else 0):
        raise SymbolFormatError(f"{source}: {where} uses output {index} of {node.name!r}, "
                                f"which has {node.num_visible_outputs()}")
    return (node, index)


def load_json(json_str):
    return from_json(json_str)


def load(fname):
    try:
        with open(fname, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise SymbolFormatError(f"cannot read symbol file {fname}: {error.strerror}") from None
    return from_json(text, source=str(fname))
