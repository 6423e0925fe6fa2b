"""MXNet's symbol JSON written from a graph (nodes, arg_nodes, node_row_ptr, heads, attrs);
json_io.py reads it back."""
from __future__ import annotations

import json

from .graph import topo_order

MXNET_VERSION = 10901


def to_json(heads):
    """The JSON text of the graph that ends in ``heads`` ([(Node, output index)])."""
    nodes = topo_order(heads)
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
        "heads": [[index[id(n)], i, 0] for n, i in heads],
        "attrs": {"mxnet_version": ["int", MXNET_VERSION]},
    }
    return json.dumps(doc, indent=2)
