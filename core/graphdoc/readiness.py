"""Would this document train on that data? What Build says before Train: each problem
that would stop training (no loss, a layer that cannot work, an input the pictures do not
fit, an output count that is not the number of classes), with a one-click fix where there
is an obvious one.

>>> from core.graphdoc import document_from_symbol
>>> from core.graphdoc.check import analyse_document
>>> from core.zoo.builtin import get_symbol
>>> doc = document_from_symbol(get_symbol("lenet", num_classes=5))
>>> doc.by_name("data").attrs["__shape__"] = "(1, 1, 28, 28)"
>>> problems = training_problems(doc, analyse_document(doc), TargetData("Fashion-MNIST", 10, (1, 28, 28)))
>>> [(p.message, p.fix.text) for p in problems]  # doctest: +NORMALIZE_WHITESPACE
[('The network gives 5 outputs but Fashion-MNIST has 10 classes.', 'Set num_hidden to 10 classes')]
"""
from __future__ import annotations

from dataclasses import dataclass

from ..ops import OPS
from .ports import VARIABLE

DATA_NAME = "data"
DEFAULT_LOSS = "SoftmaxOutput"


@dataclass(frozen=True)
class TargetData:
    """What the network will be trained on: a name, its classes, one sample's shape."""
    name: str
    num_classes: int
    sample_shape: tuple


#: the Train view's default data: the bundled Fashion-MNIST subset
FASHION_MNIST = TargetData("Fashion-MNIST", 10, (1, 28, 28))


@dataclass(frozen=True)
class Fix:
    """One edit that removes a problem: ``kind`` is "add_loss" (after ``node_id``),
    "set_attr" (``key`` = ``value`` on ``node_id``) or "rename" (``node_id`` to ``value``)."""
    text: str
    kind: str
    node_id: int
    key: str = ""
    value: object = None


@dataclass(frozen=True)
class Problem:
    message: str
    fix: Fix | None = None
    node_id: int | None = None


def training_problems(doc, report, target=FASHION_MNIST):
    """[Problem] that would stop ``doc`` (analysed as ``report``) training on ``target``,
    most fundamental first; [] when it would train."""
    layers = [n for n in doc.nodes.values() if not n.is_variable]
    if not layers:
        return [Problem("The network is empty: drag layers from the palette, or start from a template.")]
    if report is not None and report.errors:
        node_id, message = next(iter(report.errors.items()))
        more = len(report.errors) - 1
        extra = f" (and {more} more layer{'s' if more != 1 else ''})" if more else ""
        return [Problem(f"{message.rstrip('.')}{extra}.", None, node_id)]
    problems, fed = _input_problems(doc, report, target)
    heads = _heads(doc)
    losses = [h for h in heads if _is_loss(doc.nodes[h].op)]
    output_of = None
    if not losses:
        if len(heads) == 1:
            output_of = heads[0]
            problems.append(Problem("The network has no loss layer to learn from.",
                                    Fix(f"Add {DEFAULT_LOSS}", "add_loss", output_of), output_of))
        else:
            problems.append(Problem(f"The network ends in {len(heads)} layers and none is a loss: "
                                    f"add {DEFAULT_LOSS} after the one that gives the classes."))
    elif len(losses) > 1:
        problems.append(Problem(f"The network has {len(losses)} loss layers; training uses data "
                                f"with one label, so keep one."))
    else:
        output_of = losses[0]
    if output_of is not None and fed is not None:
        problems.extend(_class_count(doc, fed, output_of, target))
    return problems


def _input_problems(doc, report, target):
    """(problems, the report with the target's pictures as input, or None if they do not fit)."""
    inputs = [n for n in doc.nodes.values() if n.is_variable
              and any(e.slot != "label" for e in doc.edges_from(n.id))]
    if not inputs:
        return [Problem("No input feeds the network: drop an Input and connect it to the first layer.")], None
    if len(inputs) > 1:
        return [Problem(f"The network has {len(inputs)} inputs; the pictures go to one.")], None
    node = inputs[0]
    problems = []
    if node.name != DATA_NAME:
        problems.append(Problem(f"The pictures go to an input called {DATA_NAME!r}; this one is "
                                f"called {node.name!r}.", Fix(f"Rename it {DATA_NAME!r}", "rename",
                                                               node.id, value=DATA_NAME), node.id))
    from .check import analyse_document, input_shapes
    picture = (1,) + tuple(target.sample_shape)
    shape = input_shapes(doc).get(node.name)
    if shape is not None and tuple(shape) == picture:
        return problems, report
    fed = analyse_document(doc, {node.name: picture})
    if fed.errors:
        wanted = f"({', '.join(map(str, picture))})"
        first = next(iter(fed.errors.values()))
        problems.append(Problem(f"{target.name} pictures are {'×'.join(map(str, target.sample_shape))}; "
                                f"with them as input: {first.rstrip('.')}.",
                                Fix(f"Set the input shape to {wanted}", "set_attr", node.id, "__shape__",
                                    wanted), node.id))
        return problems, None
    return problems, fed


def _class_count(doc, report, node_id, target):
    state = report.nodes.get(node_id)
    if state is None or not state.out_shapes or state.out_shapes[0] is None:
        return []
    outputs = 1
    for size in state.out_shapes[0][1:]:
        outputs *= int(size)
    if outputs == target.num_classes:
        return []
    node = doc.nodes[node_id]
    last = node_id
    if _is_loss(node.op):
        edge = doc.edge_into(node_id, "data")
        last = edge.src if edge is not None else node_id
    fix = None
    if doc.nodes[last].op == "FullyConnected":
        fix = Fix(f"Set num_hidden to {target.num_classes} classes", "set_attr", last, "num_hidden",
                  target.num_classes)
    return [Problem(f"The network gives {outputs} outputs but {target.name} has "
                    f"{target.num_classes} classes.", fix, last)]


def _heads(doc):
    """Layers whose output nothing uses: where the network ends."""
    used = {e.src for e in doc.edges}
    return [n.id for n in doc.nodes.values() if not n.is_variable and n.id not in used]


def _is_loss(op):
    return op != VARIABLE and op in OPS and bool(OPS.get(op).is_loss)
