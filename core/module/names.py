"""Which arguments of a symbol are data, labels and parameters, with errors that list the
symbol's arguments when a name matches none of them."""
from __future__ import annotations

import logging

from ..errors import GraphError
from ..symbol.graph import topo_order

_told = set()   # (given, label input) pairs already logged


class DefaultNames(tuple):
    """A default name list: a missing name is forgiven (MXNet only warns)."""


DEFAULT_DATA_NAMES = DefaultNames(("data",))
DEFAULT_LABEL_NAMES = DefaultNames(("softmax_label",))


def loss_label_inputs(symbol):
    """Variables feeding the ``label`` slot of a loss operator (SoftmaxOutput, ...): inputs
    by the graph's structure, never parameters, whatever they are called."""
    found = []
    for node in topo_order(symbol.heads):
        if node.op is None or not getattr(node.op, "is_loss", False):
            continue
        for arg, (child, _) in zip(node.op.list_arguments(), node.inputs):
            if arg == "label" and child.is_variable and child.name not in found:
                found.append(child.name)
    return found


def label_name(symbol):
    """The name to give the labels of data made for ``symbol``: its loss's label input,
    else MXNet's default 'softmax_label'."""
    labels = loss_label_inputs(symbol)
    return labels[0] if labels else DEFAULT_LABEL_NAMES[0]


def unnamed_label(symbol, given):
    """The network's label input that the data's one label ``given`` stands for, or None.

    Seeds write ``SoftmaxOutput(data=fc)`` without a name, so the label input is
    ``softmaxoutput0_label`` while every iterator provides ``softmax_label``. When the data
    has exactly one label that is no argument of the network, and the network exactly one
    loss label input, the two are the same thing; every other case stays an error."""
    given = list(given)
    if len(given) != 1 or given[0] in symbol.list_arguments():
        return None
    labels = loss_label_inputs(symbol)
    if len(labels) != 1:
        return None
    if (given[0], labels[0]) not in _told:
        _told.add((given[0], labels[0]))
        logging.getLogger(__name__).info("the data's label %r feeds the network's label input %r",
                                         given[0], labels[0])
    return labels[0]


def _listing(names):
    return ", ".join(repr(n) for n in names)


def check_names(symbol, names, kind, explicit):
    """Keep the names that are arguments; raise for an explicitly given one that is not."""
    args = symbol.list_arguments()
    missing = [n for n in names if n not in args]
    if missing and explicit:
        hint = ""
        labels = loss_label_inputs(symbol)
        if kind == "label" and labels:
            hint = f"; the network's label input is {_listing(labels)}: pass label_names={tuple(labels)!r}"
        elif kind == "data":
            free = [a for a in args if a not in labels_and_params(symbol)]
            hint = f"; pass data_names={tuple(free)!r}" if free else ""
        raise GraphError(f"{kind} name {_listing(missing)} matches no argument of the network; "
                         f"its arguments are: {_listing(args)}{hint}")
    return [n for n in names if n in args]


def labels_and_params(symbol):
    """Arguments that look like weights (made by an operator, named '<node>_<arg>') or labels."""
    names = set(loss_label_inputs(symbol))
    for node in topo_order(symbol.heads):
        if node.op is None:
            continue
        for arg, (child, _) in zip(node.op.list_arguments(), node.inputs):
            if child.is_variable and child.name == f"{node.name}_{arg}":
                names.add(child.name)
    return names


def check_shape_names(descs, expected, kind, symbol):
    """The provided data/label descriptions must name exactly the module's inputs."""
    if kind == "label" and len(expected) == 1 and unnamed_label(symbol, [d.name for d in descs]) == expected[0]:
        descs = [_renamed(descs[0], expected[0])]
    given = [d.name for d in descs]
    args = symbol.list_arguments()
    for name in given:
        if name not in args:
            raise GraphError(f"the {kind} {name!r} given to bind (e.g. by the data iterator) matches "
                             f"no argument of the network; its arguments are: {_listing(args)}. "
                             f"Name the iterator's {kind} after the network's input or rename the input")
        if name not in expected:
            raise GraphError(f"the {kind} {name!r} given to bind is not among the module's {kind}_names "
                             f"{list(expected)}; create the Module with {kind}_names=({name!r},)")
    missing = [n for n in expected if n not in given]
    if missing and kind == "data":
        raise GraphError(f"bind: no shape given for data {_listing(missing)}; "
                         f"data_shapes names {_listing(given) or 'nothing'}")
    return [next(d for d in descs if d.name == n) for n in expected if n in given]


def _renamed(desc, name):
    from ..io import DataDesc
    return DataDesc(name, desc.shape, desc.dtype, desc.layout)
