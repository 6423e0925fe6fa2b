"""Per-node analysis for the editor: output shapes, parameter counts, multiply-adds,
and the error of each node that cannot work — the rest of the graph stays analysed.

>>> import core as mx
>>> net = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=10, name="fc")
>>> analyse(net, {"data": (1, 784)}).total_params
7850
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import NetStudioError
from ..ops.attrs import _parse_tuple
from .graph import topo_order


@dataclass
class NodeReport:
    name: str
    op: str
    out_shapes: list = field(default_factory=list)   # per visible output, None if unknown
    params: int = 0                                   # trainable values this node owns
    macs: int = 0                                     # multiply-adds per sample
    error: str | None = None


@dataclass
class GraphReport:
    nodes: dict                      # name -> NodeReport (variables included)
    order: list                      # node names, inputs first
    variable_shapes: dict            # variable name -> shape or None

    @property
    def total_params(self):
        return sum(r.params for r in self.nodes.values())

    @property
    def total_macs(self):
        return sum(r.macs for r in self.nodes.values())

    @property
    def errors(self):
        return {n: r.error for n, r in self.nodes.items() if r.error}


def analyse(symbol, input_shapes):
    """Walk the graph once; a failing node records its message and blocks only what
    depends on it. ``input_shapes`` gives data shapes (batch size 1 is typical)."""
    nodes = topo_order(symbol._outputs)
    var_shapes, entries, reports = {}, {}, {}
    for node in nodes:
        if node.is_variable:
            shape = input_shapes.get(node.name)
            if shape is None and "__shape__" in node.attrs:
                shape = _parse_tuple(node.attrs["__shape__"]) or None
            var_shapes[node.name] = tuple(shape) if shape else None
    inputs_given = {n for n, s in var_shapes.items() if s is not None}
    for node in nodes:
        if node.is_variable:
            continue
        reports[node.name] = _analyse_node(node, var_shapes, entries, inputs_given)
    for node in nodes:
        if node.is_variable:
            reports[node.name] = NodeReport(node.name, "null", [var_shapes.get(node.name)])
    return GraphReport(reports, [n.name for n in nodes], var_shapes)


def _analyse_node(node, var_shapes, entries, inputs_given):
    op = node.op
    report = NodeReport(node.name, op.name)
    n_args = len(op.list_arguments())

    def shape_of(child, index):
        return var_shapes.get(child.name) if child.is_variable else entries.get((id(child), index))

    in_shapes = [shape_of(c, i) for c, i in node.inputs[:n_args]]
    blocked = [c.name for (c, i), s in zip(node.inputs[:n_args], in_shapes)
               if s is None and not c.is_variable]
    if blocked:
        report.out_shapes = [None] * len(op.list_outputs())
        return report
    try:
        new_in, out_shapes, aux_shapes = op.infer_shape(list(in_shapes))
        names = op.list_arguments() + op.list_auxiliary_states()
        for slot, ((child, index), shape) in enumerate(zip(node.inputs, list(new_in) + list(aux_shapes))):
            if child.is_variable and shape is not None:
                have = var_shapes.get(child.name)
                if have is not None and tuple(have) != tuple(shape):
                    raise op.error(f"input {names[slot]!r} ({child.name}) has shape {tuple(have)}, "
                                   f"expected {tuple(shape)}")
                var_shapes[child.name] = tuple(shape)
        missing = [names[k] for k, s in enumerate(new_in) if s is None]
        if missing:
            raise op.error(f"input {', '.join(missing)} is not connected or has no shape")
    except NetStudioError as error:
        report.error = str(error)
        report.out_shapes = [None] * len(op.list_outputs())
        return report
    except (ValueError, TypeError, ZeroDivisionError, IndexError) as error:
        report.error = f"node {node.name!r} ({op.name}): {error}"
        report.out_shapes = [None] * len(op.list_outputs())
        return report
    for index, shape in enumerate(out_shapes):
        entries[(id(node), index)] = tuple(shape) if shape is not None else None
    report.out_shapes = [tuple(s) if s is not None else None for s in out_shapes]
    label_slots = {k for k, name in enumerate(op.list_arguments()) if name == "label"}
    for slot, ((child, _), shape) in enumerate(zip(node.inputs[:n_args], new_in)):
        if child.is_variable and child.name not in inputs_given and slot not in label_slots and shape:
            report.params += math.prod(shape)
    report.macs = int(op.macs([tuple(s) for s in new_in], report.out_shapes))
    return report
