"""``mx.viz``: a network as a table (``print_summary``) or a drawing (``plot_network``), as
MXNet's visualization module has them.

``print_summary`` prints MXNet's table, one row per layer: name (operator), output shape
without the batch axis, parameters, and here also FLOPs per example (2 per multiply-add)
when input shapes are given. ``plot_network`` returns a Graphviz ``Digraph`` when the
``graphviz`` package is installed, else the same graph as DOT text (``DotGraph``), which
any Graphviz tool draws.

>>> import core as mx
>>> net = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=10, name="fc")
>>> mx.viz.print_summary(mx.sym.SoftmaxOutput(net, name="out"), shape={"data": (1, 784)}, line_length=80)
________________________________________________________________________________
Layer (type)                Output Shape    Param # FLOPs    Previous Layer
================================================================================
data(null)                  784             0       0
________________________________________________________________________________
fc(FullyConnected)          10              7850    15680    data
________________________________________________________________________________
out(SoftmaxOutput)          10              0       0        fc
================================================================================
Total params: 7850
Total FLOPs: 15680 per example
________________________________________________________________________________
>>> print(mx.viz.plot_network(net, shape={"data": (1, 784)}, graphviz=False).source.splitlines()[4])
	fc [label="FullyConnected\\n10" fillcolor="#fb8072" fixedsize=true height=0.8034 shape=box style=filled width=1.3]
"""
from __future__ import annotations

import re
import warnings

from .errors import GraphError
from .fileio import atomic_open
from .symbol import Symbol
from .symbol.analysis import analyse
from .symbol.graph import topo_order

COLUMNS = ["Layer (type)", "Output Shape", "Param #", "FLOPs", "Previous Layer"]
POSITIONS = [.36, .55, .65, .77, 1.]
# MXNet's colour per kind of layer
COLORS = ("#8dd3c7", "#fb8072", "#ffffb3", "#bebada", "#80b1d3", "#fdb462", "#b3de69", "#fccde5")
WEIGHT_LIKE = ("_weight", "_bias", "_beta", "_gamma", "_moving_var", "_moving_mean", "_running_var",
               "_running_mean")


def _report(symbol, shape):
    if not isinstance(symbol, Symbol):
        raise TypeError(f"expected a Symbol, got {type(symbol).__name__}")
    report = analyse(symbol, {k: tuple(v) for k, v in (shape or {}).items()})
    if shape is not None and report.errors:
        name, error = next(iter(report.errors.items()))
        raise GraphError(f"the shapes given do not go through the network: {error}")
    return report


def _dims(shape):
    return "x".join(str(d) for d in shape[1:]) if shape else ""


def print_summary(symbol, shape=None, line_length=120, positions=None):
    """Print the table of layers. ``shape``: input name -> shape, e.g.
    ``{"data": (1, 3, 224, 224)}``; without it shapes and FLOPs stay blank. Four
    ``positions`` (MXNet's argument) print MXNet's four columns, without FLOPs."""
    report = _report(symbol, shape)
    columns = COLUMNS if positions is None or len(positions) == 5 else [c for c in COLUMNS if c != "FLOPs"]
    positions = list(positions or POSITIONS)
    if len(positions) != len(columns):
        raise ValueError(f"positions: give {len(columns)} column ends, got {len(positions)}")
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def row(fields):
        line = ""
        for field, end in zip(fields, positions):
            line = (line + str(field))[:end]
            line += " " * (end - len(line))
        print(line.rstrip())

    nodes = topo_order(symbol._outputs)
    shown = [n for n in nodes if n.op is not None or _is_input(n, shape, _label_ids(nodes))]
    shown_names = {n.name for n in shown}
    print("_" * line_length)
    row(columns)
    print("=" * line_length)
    total_params = total_flops = 0
    for index, node in enumerate(shown):
        info = report.nodes[node.name]
        before = [c.name for c, _ in node.inputs if c.op is not None or c.name in shown_names]
        flops = 2 * info.macs
        fields = [f"{node.name}({node.op.name if node.op else 'null'})",
                  _dims(info.out_shapes[0] if info.out_shapes else None), info.params, flops,
                  before[0] if before else ""]
        row(fields if "FLOPs" in columns else fields[:3] + fields[4:])
        for name in before[1:]:
            row([""] * (len(columns) - 1) + [name])
        total_params += info.params
        total_flops += flops
        print(("=" if index == len(shown) - 1 else "_") * line_length)
    print(f"Total params: {total_params}")
    if shape is not None and "FLOPs" in columns:
        print(f"Total FLOPs: {total_flops} per example")
    print("_" * line_length)


def _label_ids(nodes):
    """Variables feeding a loss operator's label."""
    return {id(child) for node in nodes if node.op is not None and getattr(node.op, "is_loss", False)
            for arg, (child, _) in zip(node.op.list_arguments(), node.inputs) if arg == "label"}


def _is_input(node, shape, labels):
    """A variable the data goes into: named in ``shape``, or (without shapes) neither a
    weight-like parameter nor a label."""
    if shape is not None:
        return node.name in shape
    return not node.name.endswith(WEIGHT_LIKE) and id(node) not in labels


def plot_network(symbol, title="plot", save_format="pdf", shape=None, dtype=None, node_attrs=None,
                 hide_weights=True, graphviz=None):
    """The network as a Graphviz graph: a ``graphviz.Digraph`` when that package is
    installed (``.render()``, ``.view()``), else a ``DotGraph`` with the DOT ``source``
    and ``save(path)``. ``shape`` labels the edges with tensor shapes; ``hide_weights``
    leaves out weights, biases and BatchNorm statistics; ``graphviz=False`` asks for the
    DOT text even when the package is there."""
    report = _report(symbol, shape)
    if dtype is not None:
        warnings.warn("plot_network: dtype labels are not drawn (every tensor is float32 here)", stacklevel=2)
    node_attr = {"shape": "box", "fixedsize": "true", "width": "1.3", "height": "0.8034", "style": "filled"}
    node_attr.update(node_attrs or {})
    nodes = topo_order(symbol._outputs)
    names = [n.name for n in nodes]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        warnings.warn("There are multiple variables with the same name in your graph, this may result in "
                      "cyclic graph. Repeated names: " + ",".join(repeated), RuntimeWarning, stacklevel=2)
    drawn, edges, hidden = [], [], set()
    for node in nodes:
        if node.op is None and node.name.endswith(WEIGHT_LIKE):
            if hide_weights:
                hidden.add(node.name)
            continue
        label, color = _label(node)
        attrs = dict(node_attr, fillcolor=color)
        if node.op is None:
            attrs["shape"] = "oval"
        drawn.append((node.name, label, attrs))
    for node in nodes:
        for child, index in (node.inputs if node.op is not None else []):
            if child.name in hidden:
                continue
            attrs = {"dir": "back", "arrowtail": "open", "label": ""}
            if shape is not None:
                out = report.nodes[child.name].out_shapes
                attrs["label"] = _dims(out[index] if index < len(out) else None)
            edges.append((node.name, child.name, attrs))
    digraph = _digraph_class() if graphviz is not False else None
    if digraph is None:
        if graphviz:
            raise ImportError("plot_network: graphviz=True needs the graphviz package (pip install graphviz)")
        return DotGraph(title, drawn, edges)
    dot = digraph(name=title, format=save_format)
    for name, label, attrs in drawn:
        dot.node(name=name, label=label, **attrs)
    for head, tail, attrs in edges:
        dot.edge(tail_name=head, head_name=tail, **attrs)
    return dot


def _digraph_class():
    try:
        from graphviz import Digraph
    except ImportError:
        return None
    return Digraph


def _numbers(text):
    return "x".join(re.findall(r"\d+", str(text)))


def _label(node):
    """MXNet's node label and fill colour."""
    if node.op is None:
        return node.name, COLORS[0]
    op, attrs = node.op.name, node.op.attr_strings()
    if op == "Convolution":
        stride = _numbers(attrs["stride"]) if "stride" in attrs else "1"
        return f"Convolution\n{_numbers(attrs.get('kernel', ''))}/{stride or '1'}, {attrs.get('num_filter')}", COLORS[1]
    if op == "FullyConnected":
        return f"FullyConnected\n{attrs.get('num_hidden')}", COLORS[1]
    if op == "BatchNorm":
        return node.name, COLORS[3]
    if op in ("Activation", "LeakyReLU"):
        return f"{op}\n{attrs.get('act_type', 'leaky')}", COLORS[2]
    if op == "Pooling":
        kernel = _numbers(attrs["kernel"]) if "kernel" in attrs else "[]"
        stride = _numbers(attrs["stride"]) if "stride" in attrs else "1"
        return f"Pooling\n{attrs.get('pool_type', 'max')}, {kernel or '[]'}/{stride or '1'}", COLORS[4]
    if op in ("Concat", "Flatten", "Reshape"):
        return node.name, COLORS[5]
    if op == "Softmax":
        return node.name, COLORS[6]
    return node.name, COLORS[7]


def _quote(text):
    text = str(text)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*|-?\d+(\.\d+)?", text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attr_list(attrs):
    return " ".join(f"{key}={_quote(value)}" for key, value in sorted(attrs.items()))


class DotGraph:
    """The graph as DOT text, for when the graphviz package is not installed:
    ``source`` (what ``dot -Tpdf`` reads) and ``save(path)``."""

    def __init__(self, name, nodes, edges):
        self.name = name
        lines = [f"digraph {_quote(name)} {{"]
        lines.append(f"\tlabel={_quote(name)}")
        lines.append("\tnode [fontsize=10]")
        lines += [f"\t{_quote(n)} [label={_quote(label)} {_attr_list(attrs)}]" for n, label, attrs in nodes]
        lines += [f"\t{_quote(a)} -> {_quote(b)} [{_attr_list(attrs)}]" for a, b, attrs in edges]
        lines.append("}")
        self.source = "\n".join(lines) + "\n"

    def save(self, filename):
        """Write the DOT file (atomically); returns its path."""
        with atomic_open(filename, "w") as handle:
            handle.write(self.source)
        return filename

    def __str__(self):
        return self.source

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.source}
