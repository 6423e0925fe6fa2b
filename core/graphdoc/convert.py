"""Documents to and from ``core.symbol.Symbol`` and MXNet symbol JSON.

Positions travel as the node attribute ``__netstudio_pos__`` ("(x, y)"): MXNet keeps
attributes spelled ``__name__`` without reading them, so our files still load there.
Learned inputs (weights, biases, BatchNorm's gamma/beta/moving stats) are variables in
the file but not nodes in the document; their names are kept when they differ from
MXNet's default ``<node>_<slot>`` so checkpoints still match.

>>> from core.zoo.builtin import get_symbol
>>> doc = document_from_symbol(get_symbol("lenet"))
>>> [n.name for n in doc.nodes.values()][:3]
['data', 'conv1', 'relu1']
>>> to_symbol(doc).list_arguments()[:3]
['data', 'conv1_weight', 'conv1_bias']
"""
from __future__ import annotations

from ..errors import CycleError, GraphError
from ..ops.attrs import Param
from ..symbol.graph import Node, topo_order
from ..symbol.json_io import from_json
from ..symbol.symbol import Symbol
from .document import DocNode, Edge, GraphDocument
from .ports import VARIABLE, build_op, port_spec

POS_ATTR = "__netstudio_pos__"


# ---- document -> symbol ------------------------------------------------------------
def to_symbol(doc, positions=True):
    """The network as a Symbol (a Group when several nodes have no consumers).

    Raises GraphError naming the node when an input is open, an attribute is invalid,
    or there is a cycle; open ``label`` inputs become ``<node>_label`` as in MXNet."""
    order = topological_order(doc)
    ops = [n for n in order if not n.is_variable]
    if not ops:
        raise GraphError("the network has no layers yet: drag one from the palette")
    variables, built = {}, {}
    for node in order:
        if node.is_variable:
            built[node.id] = variable_node(variables, node.name, _with_pos(node.attrs, node, positions))
            continue
        op = build_op(node.op, node.name, node.attrs)
        entries = []
        for slot in op.list_arguments() + op.list_auxiliary_states():
            edge = doc.edge_into(node.id, slot)
            if edge is not None:
                entries.append((built[edge.src], edge.src_index))
            elif slot in node.ports().inputs and slot not in node.ports().optional:
                raise GraphError(f"node {node.name!r} ({node.op}): input {slot!r} is not connected")
            else:
                name, attrs = node.param_vars.get(slot, (f"{node.name}_{slot}", {}))
                entries.append((variable_node(variables, name, attrs), 0))
        built[node.id] = Node(op, node.name, _with_pos(node.hidden, node, positions), entries)
    consumed = {e.src for e in doc.edges}
    heads = []
    for node in ops:
        if node.id not in consumed:
            heads += [(built[node.id], i) for i in range(len(node.ports().outputs))]
    return Symbol(heads)


def to_json(doc, positions=True):
    return to_symbol(doc, positions).tojson()


def variable_node(variables, name, attrs):
    """One variable per name: shared weights stay shared."""
    if name not in variables:
        variables[name] = Node(None, name, dict(attrs))
    return variables[name]


def _with_pos(attrs, node, positions):
    out = dict(attrs)
    if positions:
        out[POS_ATTR] = f"({node.pos[0]:.0f}, {node.pos[1]:.0f})"
    return out


def kahn_order(doc, skip=()):
    """Nodes not in ``skip``, each after its inputs (document order among equals), and the
    in-degrees left over: non-zero for nodes on a cycle or fed by one."""
    indegree = {node_id: 0 for node_id in doc.nodes if node_id not in skip}
    successors = {node_id: [] for node_id in doc.nodes}
    for edge in doc.edges:
        if edge.dst in indegree and edge.src not in skip:
            indegree[edge.dst] += 1
            successors[edge.src].append(edge.dst)
    ready = [node_id for node_id, count in indegree.items() if count == 0]
    order = []
    while ready:
        node_id = ready.pop(0)
        order.append(doc.nodes[node_id])
        for nxt in successors[node_id]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    return order, indegree


def topological_order(doc):
    """Nodes, each after its inputs (document order among equals); CycleError names a
    node on the cycle."""
    order, indegree = kahn_order(doc)
    if len(order) != len(doc.nodes):
        stuck = [doc.nodes[i].name for i, count in indegree.items() if count > 0]
        raise CycleError(f"the graph has a cycle through node {stuck[0]!r}; "
                         f"nodes on or after it: {', '.join(stuck[:6])}")
    return order


# ---- symbol -> document --------------------------------------------------------------
def document_from_symbol(symbol, doc=None):
    """A document for ``symbol`` (into ``doc`` if given). Nodes without a stored position
    get (nan, nan): lay them out with ``core.graphdoc.layout``."""
    nodes = topo_order(symbol.heads)
    consumers = _consumers(nodes)
    head_ids = {id(n) for n, _ in symbol.heads}
    doc = doc if doc is not None else GraphDocument()
    doc_nodes, edges, ids = {}, [], {}
    for number, node in enumerate(nodes, start=1):
        if node.is_variable and not _visible_variable(node, consumers.get(id(node), []), id(node) in head_ids):
            continue
        ids[id(node)] = number
        doc_nodes[number] = _doc_node(number, node)
    for node in nodes:
        if node.is_variable:
            continue
        doc_node = doc_nodes[ids[id(node)]]
        names = node.op.list_arguments() + node.op.list_auxiliary_states()
        spec = doc_node.ports()
        for slot, (child, index) in zip(names, node.inputs):
            if child.is_variable and (spec.is_param(slot) or id(child) not in ids):
                if spec.is_param(slot) and (child.name != f"{node.name}_{slot}" or _public(child.attrs)):
                    doc_node.param_vars[slot] = (child.name, _public(child.attrs))
                continue
            edges.append(Edge(ids[id(child)], index, ids[id(node)], slot))
    doc.load(list(doc_nodes.values()), edges)
    return doc


def document_from_json(text, source="<json>"):
    return document_from_symbol(from_json(text, source))


def needs_layout(doc):
    return any(pos != pos for node in doc.nodes.values() for pos in node.pos)   # nan check


def _consumers(nodes):
    found = {}
    for node in nodes:
        if node.is_variable:
            continue
        names = node.op.list_arguments() + node.op.list_auxiliary_states()
        for slot, (child, _) in zip(names, node.inputs):
            found.setdefault(id(child), []).append((node, slot))
    return found


def _visible_variable(node, uses, is_head):
    """A variable is a node on the canvas unless it only fills learned slots, or it is the
    automatic ``<node>_<slot>`` of an input left open (``softmax_label``)."""
    if is_head:
        return True
    data_uses = [(consumer, slot) for consumer, slot in uses
                 if not port_spec(consumer.op.name, consumer.op.attr_strings()).is_param(slot)]
    if not data_uses:
        return False
    if len(uses) == 1 and "__shape__" not in node.attrs:
        consumer, slot = uses[0]
        return node.name != f"{consumer.name}_{slot}"
    return True


def _doc_node(number, node):
    pos = _parse_pos(node.attrs.get(POS_ATTR))
    if node.is_variable:
        return DocNode(number, VARIABLE, node.name, _public(node.attrs), pos)
    hidden = {k: v for k, v in node.attrs.items() if k != POS_ATTR}
    return DocNode(number, node.op.name, node.name, node.op.attr_strings(), pos, hidden)


def _public(attrs):
    return {k: v for k, v in attrs.items() if k != POS_ATTR}


#: a node's saved canvas position, "(x, y)"
_POSITION = Param("floats")


def _parse_pos(text):
    nan = float("nan")
    if not text:
        return (nan, nan)
    try:
        x, y = _POSITION.parse(text)
    except ValueError:   # not two finite numbers: placed by the layout instead
        return (nan, nan)
    return (x, y)
