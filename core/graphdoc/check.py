"""Live analysis of a document: the shape on every edge, parameters and multiply-adds per
node, and the error of each node that cannot work -- an open input, an invalid attribute,
a cycle, or a shape ``core`` rejects. Nodes after a failing one wait (``blocked``); the
rest of the graph stays analysed.

>>> from core.graphdoc import document_from_symbol
>>> from core.zoo.builtin import get_symbol
>>> report = analyse_document(document_from_symbol(get_symbol("lenet")),
...                           {"data": (1, 1, 28, 28)})
>>> report.total_params, report.errors
(60170, {})
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import NetStudioError
from ..ops.attrs import _parse_tuple
from ..symbol.analysis import analyse
from ..symbol.graph import Node
from ..symbol.symbol import Symbol
from .convert import kahn_order, variable_node
from .ports import build_op


@dataclass
class NodeState:
    out_shapes: list = field(default_factory=list)   # per visible output; None = unknown
    params: int = 0
    macs: int = 0
    error: str | None = None
    blocked: bool = False                             # waits on a failing node upstream


@dataclass
class DocReport:
    nodes: dict                                       # node id -> NodeState

    @property
    def total_params(self):
        return sum(s.params for s in self.nodes.values())

    @property
    def total_macs(self):
        return sum(s.macs for s in self.nodes.values())

    @property
    def errors(self):
        return {node_id: s.error for node_id, s in self.nodes.items() if s.error}

    def edge_shape(self, edge):
        state = self.nodes.get(edge.src)
        if state is None or edge.src_index >= len(state.out_shapes):
            return None
        return state.out_shapes[edge.src_index]


def input_shapes(doc):
    """{input name: shape} from the inputs' ``__shape__`` attributes."""
    shapes = {}
    for node in doc.nodes.values():
        if node.is_variable and node.attrs.get("__shape__"):
            try:
                shape = _parse_tuple(node.attrs["__shape__"])
            except (ValueError, SyntaxError, TypeError):
                continue
            if shape and all(d > 0 for d in shape):
                shapes[node.name] = shape
    return shapes


def analyse_document(doc, shapes=None):
    shapes = dict(input_shapes(doc), **(shapes or {}))
    states = {node_id: NodeState() for node_id in doc.nodes}
    cyclic = _mark_cycles(doc, states)
    built, variables = {}, {}
    for node in _order(doc, cyclic):
        state = states[node.id]
        upstream = [states[e.src] for e in doc.edges_into(node.id)]
        if any(s.error or s.blocked for s in upstream) or any(e.src in cyclic for e in doc.edges_into(node.id)):
            state.blocked = True
            state.out_shapes = [None] * len(node.ports().outputs)
        elif node.is_variable:
            _check_input(doc, node, state, shapes)
            built[node.id] = variable_node(variables, node.name, node.attrs)
        else:
            built_node = _build(doc, node, state, built, variables)
            if built_node is not None:
                built[node.id] = built_node
    _run_core_analysis(doc, states, built, shapes)
    return DocReport(states)


def _check_input(doc, node, state, shapes):
    state.out_shapes = [shapes.get(node.name)]
    feeds_data = any(e.slot != "label" for e in doc.edges_from(node.id))
    if state.out_shapes[0] is None and feeds_data:
        state.error = (f"input {node.name!r} has no shape: give it one with the batch size first, "
                       f"e.g. (1, 1, 28, 28)")


def _build(doc, node, state, built, variables):
    spec = node.ports()
    state.out_shapes = [None] * len(spec.outputs)
    try:
        op = build_op(node.op, node.name, node.attrs)
    except NetStudioError as error:
        state.error = str(error)
        return None
    entries, missing = [], []
    for slot in op.list_arguments() + op.list_auxiliary_states():
        edge = doc.edge_into(node.id, slot)
        if edge is not None and edge.src in built:
            entries.append((built[edge.src], edge.src_index))
        elif slot in spec.inputs and slot not in spec.optional:
            missing.append(slot)
        else:
            name, attrs = node.param_vars.get(slot, (f"{node.name}_{slot}", {}))
            entries.append((variable_node(variables, name, attrs), 0))
    if missing:
        which = (f"input {missing[0]!r} is" if len(missing) == 1 else
                 f"inputs {', '.join(repr(m) for m in missing)} are")
        state.error = (f"node {node.name!r} ({node.op}): {which} not connected; drag from a "
                       f"layer's output to {'it' if len(missing) == 1 else 'them'}")
        return None
    return Node(op, node.name, {}, entries)


def _run_core_analysis(doc, states, built, shapes):
    ids = {doc.nodes[node_id].name: node_id for node_id in built}
    heads = [(n, i) for n in built.values() if not n.is_variable for i in range(n.num_visible_outputs())]
    if not heads:
        return
    report = analyse(Symbol(heads), shapes)
    for name, node_report in report.nodes.items():
        node_id = ids.get(name)
        if node_id is None:
            continue
        state = states[node_id]
        if doc.nodes[node_id].is_variable:
            shape = report.variable_shapes.get(name)
            state.out_shapes = [tuple(shape) if shape else state.out_shapes[0]]
            continue
        state.out_shapes = list(node_report.out_shapes)
        state.params, state.macs, state.error = node_report.params, node_report.macs, node_report.error
        state.blocked = node_report.error is None and any(s is None for s in state.out_shapes)


def _mark_cycles(doc, states):
    """Ids of nodes on a cycle (strongly connected, Tarjan's algorithm without recursion)."""
    successors = {node_id: [] for node_id in doc.nodes}
    for edge in doc.edges:
        successors[edge.src].append(edge.dst)
    index, low, on_stack, stack, cyclic, counter = {}, {}, set(), [], set(), [0]
    for root in doc.nodes:
        if root in index:
            continue
        work = [(root, iter(successors[root]))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node_id, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors[child])))
                elif child in on_stack:
                    low[node_id] = min(low[node_id], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node_id])
            if low[node_id] == index[node_id]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node_id:
                        break
                if len(component) > 1 or node_id in successors[node_id]:
                    cyclic.update(component)
                    _cycle_errors(doc, states, component)
    return cyclic


def _cycle_errors(doc, states, component):
    names = [doc.nodes[i].name for i in component][::-1]
    loop = " → ".join(names + names[:1])
    for node_id in component:
        node = doc.nodes[node_id]
        states[node_id].error = (f"node {node.name!r} ({node.op}): the graph has a cycle "
                                 f"({loop}); remove one of these connections")
        states[node_id].out_shapes = [None] * len(node.ports().outputs)


def _order(doc, cyclic):
    """Acyclic nodes, each after its inputs; nodes fed by a cycle come last (blocked)."""
    return kahn_order(doc, cyclic)[0]
