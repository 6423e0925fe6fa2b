"""Graph nodes and their ordering. A node is a variable (op None) or an operator."""
from __future__ import annotations

from ..errors import CycleError


class Node:
    __slots__ = ("op", "name", "attrs", "inputs", "__weakref__")

    def __init__(self, op, name, attrs=None, inputs=()):
        self.op = op                    # an Op instance, or None for a variable
        self.name = name
        self.attrs = dict(attrs or {})  # MXNet string attributes, incl. __hidden__ ones
        self.inputs = list(inputs)      # [(Node, output index)]: arguments, then aux states

    @property
    def is_variable(self):
        return self.op is None

    @property
    def op_name(self):
        return "null" if self.op is None else self.op.name

    def num_visible_outputs(self):
        return 1 if self.op is None else len(self.op.list_outputs())

    def output_names(self):
        if self.op is None:
            return [self.name]
        return [f"{self.name}_{out}" for out in self.op.list_outputs()]

    def __repr__(self):
        return f"<Node {self.op_name} {self.name!r}>"


def topo_order(heads):
    """Nodes reachable from ``heads`` ([(node, index)]), each after all its inputs,
    in MXNet's depth-first order (inputs visited left to right)."""
    order, state = [], {}
    for head, _ in heads:
        if id(head) in state:
            continue
        stack = [(head, 0)]
        state[id(head)] = 1
        while stack:
            node, next_input = stack[-1]
            if next_input < len(node.inputs):
                stack[-1] = (node, next_input + 1)
                child = node.inputs[next_input][0]
                mark = state.get(id(child))
                if mark == 1:
                    raise CycleError(f"the graph has a cycle through node {child.name!r}")
                if mark is None:
                    state[id(child)] = 1
                    stack.append((child, 0))
            else:
                stack.pop()
                state[id(node)] = 2
                order.append(node)
    return order


def aux_variables(nodes):
    """Ids of variable nodes that feed an operator's auxiliary-state slots."""
    aux = set()
    for node in nodes:
        if node.op is not None:
            n_args = len(node.op.list_arguments())
            for child, _ in node.inputs[n_args:]:
                aux.add(id(child))
    return aux


# NOTE: MXNet's BatchNorm gives its auxiliary variables an ``__init__`` attribute when it
# is composed (FSetInputVarAttrOnCompose), so any initializer fills them whatever they are
# called; Gluon's ``running_mean`` matches none of the initializer's name endings.
AUX_INIT = {"moving_mean": '["zero", {}]', "moving_var": '["one", {}]'}


def mark_aux_init(node, aux):
    """Give the variable ``node`` feeding auxiliary state ``aux`` MXNet's ``__init__``
    unless it has one already."""
    if node.is_variable and aux in AUX_INIT and "__init__" not in node.attrs:
        node.attrs["__init__"] = AUX_INIT[aux]
