"""The editor's document: operator nodes and input variables with positions, and edges
from an output to an input slot. Plain Python, so it is tested without Qt; the canvas
listens to its events and every edit goes through the methods below (undo commands call
them in both directions).

>>> doc = GraphDocument()
>>> data = doc.add_node(doc.make_node("null", "data", {"__shape__": "(1, 784)"}))
>>> fc = doc.add_node(doc.make_node("FullyConnected", attrs={"num_hidden": "10"}))
>>> doc.connect(Edge(data.id, 0, fc.id, "data"))
>>> fc.name, [e.slot for e in doc.edges_into(fc.id)]
('fullyconnected0', ['data'])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import GraphError
from .ports import VARIABLE, port_spec

_NAME_OK = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


@dataclass
class DocNode:
    id: int
    op: str                      # registry name, or "null" for an input variable
    name: str
    attrs: dict = field(default_factory=dict)    # MXNet strings; variables: __shape__ etc.
    pos: tuple = (0.0, 0.0)      # top-left corner on the canvas
    hidden: dict = field(default_factory=dict)   # other __x__ attributes, kept for the file
    # learned-input variables whose name is not the default "<node>_<slot>", or that carry
    # attributes (lr_mult, init ...): slot -> (variable name, {attr: value})
    param_vars: dict = field(default_factory=dict)

    @property
    def is_variable(self):
        return self.op == VARIABLE

    def ports(self):
        return port_spec(self.op, self.attrs)

    def copy(self, **changes):
        values = dict(id=self.id, op=self.op, name=self.name, attrs=dict(self.attrs), pos=tuple(self.pos),
                      hidden=dict(self.hidden), param_vars={k: (n, dict(a)) for k, (n, a) in self.param_vars.items()})
        values.update(changes)
        return DocNode(**values)


@dataclass(frozen=True)
class Edge:
    src: int          # node id
    src_index: int    # which visible output
    dst: int          # node id
    slot: str         # input slot name on dst (e.g. "data", "label", "arg1")


class GraphDocument:
    """Nodes by id and edges keyed by their input slot (one edge per slot)."""

    def __init__(self):
        self.nodes: dict[int, DocNode] = {}
        self._edges: dict[tuple, Edge] = {}     # (dst, slot) -> Edge
        self._next_id = 1
        self._listeners = []

    # ---- events ----
    def subscribe(self, callback):
        """``callback(kind, obj)`` after each change: node_added, node_removed,
        node_changed, node_moved, edge_added, edge_removed (obj: DocNode or Edge),
        nodes_moved (a list of DocNode), reset (None)."""
        self._listeners.append(callback)

    def unsubscribe(self, callback):
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _emit(self, kind, obj=None):
        for callback in list(self._listeners):
            callback(kind, obj)

    # ---- reading ----
    @property
    def edges(self):
        return list(self._edges.values())

    def node(self, node_id):
        try:
            return self.nodes[node_id]
        except KeyError:
            raise GraphError(f"the document has no node #{node_id}") from None

    def by_name(self, name):
        return next((n for n in self.nodes.values() if n.name == name), None)

    def edge_into(self, node_id, slot):
        return self._edges.get((node_id, slot))

    def edges_into(self, node_id):
        spec = self.nodes[node_id].ports()
        order = {slot: i for i, slot in enumerate(spec.inputs)}
        found = [e for (dst, _), e in self._edges.items() if dst == node_id]
        return sorted(found, key=lambda e: order.get(e.slot, len(order)))

    def edges_from(self, node_id):
        return [e for e in self._edges.values() if e.src == node_id]

    def edges_touching(self, node_ids):
        ids = set(node_ids)
        return [e for e in self._edges.values() if e.src in ids or e.dst in ids]

    def is_empty(self):
        return not self.nodes

    # ---- names ----
    def new_name(self, hint):
        """MXNet's automatic names (``convolution0``, ``convolution1`` …), counted within
        this document and never reusing a name already present."""
        taken = {n.name for n in self.nodes.values()}
        count = 0
        while f"{hint}{count}" in taken:
            count += 1
        return f"{hint}{count}"

    def unique_name(self, wanted):
        taken = {n.name for n in self.nodes.values()}
        if wanted not in taken:
            return wanted
        count = 1
        while f"{wanted}_{count}" in taken:
            count += 1
        return f"{wanted}_{count}"

    def check_name(self, name, node_id=None):
        """None if ``name`` can name node ``node_id``, else the reason it cannot."""
        if not name:
            return "a name is required"
        if not _NAME_OK.match(name):
            return "use letters, digits, _ . or -, starting with a letter or _"
        other = self.by_name(name)
        if other is not None and other.id != node_id:
            return f"{name!r} is already the name of another node"
        return None

    def make_node(self, op, name=None, attrs=None, pos=(0.0, 0.0)):
        """A new node (not yet added) with a fresh id and, unless given, an automatic name."""
        node_id = self._next_id
        self._next_id += 1
        if name is None:
            name = self.unique_name("data") if op == VARIABLE else self.new_name(op.lower().lstrip("_"))
        return DocNode(node_id, op, name, dict(attrs or {}), (float(pos[0]), float(pos[1])))

    # ---- edits (each emits one event per change) ----
    def add_node(self, node):
        if node.id in self.nodes:
            raise GraphError(f"node #{node.id} ({node.name!r}) is already in the document")
        self.nodes[node.id] = node
        self._next_id = max(self._next_id, node.id + 1)
        self._emit("node_added", node)
        return node

    def remove_node(self, node_id):
        """Remove a node and its edges; returns (node, removed edges)."""
        node = self.node(node_id)
        removed = self.edges_touching([node_id])
        for edge in removed:
            self.disconnect(edge)
        del self.nodes[node_id]
        self._emit("node_removed", node)
        return node, removed

    def connect(self, edge):
        """Add ``edge``; returns the edge it replaced in that slot, or None."""
        dst, src = self.node(edge.dst), self.node(edge.src)
        if edge.slot not in dst.ports().inputs:
            raise GraphError(f"node {dst.name!r} ({dst.op}) has no input {edge.slot!r}; "
                             f"its inputs are {list(dst.ports().inputs)}")
        if edge.src_index >= len(src.ports().outputs):
            raise GraphError(f"node {src.name!r} ({src.op}) has no output #{edge.src_index}")
        old = self._edges.get((edge.dst, edge.slot))
        if old is not None:
            self.disconnect(old)
        self._edges[(edge.dst, edge.slot)] = edge
        self._emit("edge_added", edge)
        return old

    def disconnect(self, edge):
        if self._edges.get((edge.dst, edge.slot)) != edge:
            raise GraphError(f"no edge into input {edge.slot!r} of node #{edge.dst} to remove")
        del self._edges[(edge.dst, edge.slot)]
        self._emit("edge_removed", edge)

    def set_attr(self, node_id, key, value):
        """Set (``value`` a string) or clear (None) an attribute; returns the edges dropped
        because the node lost that input slot (e.g. Concat's num_args went down)."""
        node = self.node(node_id)
        if value is None:
            node.attrs.pop(key, None)
        else:
            node.attrs[key] = str(value)
        slots = set(node.ports().inputs)
        dropped = [e for e in self.edges_touching([node_id]) if e.dst == node_id and e.slot not in slots]
        for edge in dropped:
            self.disconnect(edge)
        self._emit("node_changed", node)
        return dropped

    def rename(self, node_id, name):
        problem = self.check_name(name, node_id)
        if problem:
            raise GraphError(f"cannot rename node {self.node(node_id).name!r} to {name!r}: {problem}")
        node = self.node(node_id)
        node.name = name
        self._emit("node_changed", node)

    def move(self, node_id, pos):
        node = self.node(node_id)
        node.pos = (float(pos[0]), float(pos[1]))
        self._emit("node_moved", node)

    def move_many(self, positions):
        """Move several nodes at once ({id: (x, y)}): one ``nodes_moved`` event (a layout)."""
        moved = []
        for node_id, pos in positions.items():
            node = self.node(node_id)
            node.pos = (float(pos[0]), float(pos[1]))
            moved.append(node)
        self._emit("nodes_moved", moved)

    def clear(self):
        self.nodes.clear()
        self._edges.clear()
        self._next_id = 1
        self._emit("reset")

    def load(self, nodes, edges):
        """Replace everything (one ``reset`` event): used when a file or template opens."""
        self.nodes = {n.id: n for n in nodes}
        self._edges = {(e.dst, e.slot): e for e in edges}
        self._next_id = max(self.nodes, default=0) + 1
        self._emit("reset")
