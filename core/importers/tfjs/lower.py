"""A TfGraph lowered onto Net Studio operators: a Symbol plus its parameters.

Layout. Net Studio's spatial operators are channels-first (NCHW); TF's Conv2D, MaxPool
and ResizeBilinear here are channels-last (NHWC), and graphs converted from ONNX wrap
each of them in Transposes (NCHW -> NHWC -> NCHW). The lowering never moves data for
a Transpose: every value is a ``Tensor`` whose ``perm`` says which TF axis each of its
*physical* axes holds (physical axis i = TF axis ``perm[i]``). A Transpose only
rewrites ``perm``; an NHWC operator asks for its input with ``perm == (0, 3, 1, 2)``,
which is NCHW in memory, and says the same of its output. Data is physically
transposed only where an operator needs an order the value is not already in (for
NanoDet: nowhere but the head's final (1, C, HW) -> (1, HW, C)).

Fusions, all exact: a constant zero Pad read by a Conv2D becomes the convolution's
``pad`` (a -inf pad becomes a max pool's); a constant added to a bias-free convolution's
output along its channels becomes the convolution's bias. Values are built lazily, so
a Pad or bias-free Convolution that was fused away never appears in the network (were
one also read elsewhere, it would be built for that reader too: still exact).

Batch: the graph's input is declared with batch 1; a Reshape whose target starts with
1 keeps axis 0 (``0`` in MXNet's shape code), so the network takes any batch size.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ...errors import GraphError, UnknownOperator
from ...symbol import Group, Variable
from ...symbol.ops import make
from .fold import can_fold, fold_node


class Lazy:
    """A Symbol built on first use (so fused-away values never enter the network)."""

    def __init__(self, build):
        self._build, self._sym = build, None

    @property
    def sym(self):
        if self._sym is None:
            self._sym = self._build()
        return self._sym


@dataclass(eq=False)
class Tensor:
    data: Lazy
    perm: tuple                       # physical axis i holds TF axis perm[i]
    conv: dict | None = None          # a bias-free convolution's recipe (for bias fusion)
    padded: tuple | None = None       # (unpadded Tensor, TF-axis pads [(before, after)], value)

    @property
    def rank(self):
        return len(self.perm)


@dataclass
class ImportedGraph:
    symbol: object
    arg_params: dict                  # {name: float32 ndarray}
    input_name: str
    input_shape: tuple                # the graph's declared input shape (batch 1)
    output_names: list = field(default_factory=list)   # TF names, in the symbol's output order


def clean_name(tf_name):
    """'PartitionedCall/onnx_tf_prefix_LeakyRelu_4' -> 'LeakyRelu_4'."""
    name = re.sub(r"^(Stateful)?PartitionedCall/", "", tf_name).replace("onnx_tf_prefix_", "")
    return re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_") or "node"


class Lowering:
    def __init__(self, graph, handlers):
        self.graph = graph
        self.handlers = handlers
        self.values = {}              # (node name, output index) -> Tensor or ndarray
        self.params = {}
        self._names = set()
        self._physical = {}

    # ----- helpers the handlers use ---------------------------------------------
    def unique(self, tf_name):
        base = clean_name(tf_name)
        name, number = base, 1
        while name in self._names:
            number += 1
            name = f"{base}_{number}"
        self._names.add(name)
        return name

    def param(self, name, value):
        self.params[name] = np.ascontiguousarray(value, dtype=np.float32)
        return Variable(name)

    def op(self, op_name, inputs, attrs, name):
        return make(op_name, list(inputs), dict(attrs), name=name)

    def physical(self, tensor, order, name="transpose"):
        """The tensor's Symbol with its physical axes holding TF axes ``order``."""
        order = tuple(order)
        if tensor.perm == order:
            return tensor.data.sym
        key = (id(tensor.data), order)
        if key not in self._physical:   # (the Lazy is kept with it, so its id stays unique)
            axes = tuple(tensor.perm.index(axis) for axis in order)
            self._physical[key] = (tensor.data, self.op("transpose", [tensor.data.sym], {"axes": axes},
                                                        self.unique(name)))
        return self._physical[key][1]

    def derived(self, build, perm, **extra):
        return Tensor(Lazy(build), tuple(perm), **extra)

    # ----- the walk ------------------------------------------------------------------
    def run(self):
        self._check_supported()
        for node in self.graph.nodes:
            self._lower(node)
        outputs, names = [], []
        for name, index in self.graph.outputs:
            value = self.values[(name, index)]
            if not isinstance(value, Tensor):
                raise GraphError(f"{self.graph.source}: output {name!r} is a constant; nothing to compute")
            identity = tuple(range(value.rank))
            sym = self.physical(value, identity, name)
            outputs.append(self.op("_copy", [sym], {}, self.unique(name)) if any(s is sym for s in outputs) else sym)
            names.append(name)
        symbol = outputs[0] if len(outputs) == 1 else Group(outputs)
        used = set(symbol.list_arguments())
        params = {k: v for k, v in self.params.items() if k in used}
        (input_name,) = self.graph.inputs
        # the input is "data", as every Net Studio network's (Module, Runner, the editor)
        return ImportedGraph(symbol, params, "data",
                             tuple(self.graph.input_shapes[input_name]), names)

    def _check_supported(self):
        if len(self.graph.inputs) != 1:
            raise GraphError(f"{self.graph.source}: the graph has {len(self.graph.inputs)} inputs "
                             f"({self.graph.inputs}); Net Studio imports graphs with one picture input")
        unknown = {}
        for node in self.graph.nodes:
            if node.op not in self.handlers and node.op not in ("Const", "Placeholder") and not can_fold(node.op):
                unknown.setdefault(node.op, []).append(node.name)
        if unknown:
            listed = "; ".join(f"{op} ({len(names)}× e.g. {names[0]!r})" for op, names in sorted(unknown.items()))
            raise UnknownOperator(f"{self.graph.source}: TF ops Net Studio cannot import: {listed}. "
                                  f"Supported: {', '.join(sorted(self.handlers))} (+ constant folding)")

    def _lower(self, node):
        if node.op == "Const":
            self.values[(node.name, 0)] = self.graph.constants[node.name]
            return
        if node.op == "Placeholder":
            rank = len(self.graph.input_shapes[node.name])
            self.values[(node.name, 0)] = self.derived(lambda: Variable("data"), range(rank))
            return
        missing = [f"{name}:{index}" for name, index in node.inputs if (name, index) not in self.values]
        if missing:
            raise GraphError(f"node {node.name!r} ({node.op}) reads {missing}, which no node produces")
        args = [self.values[key] for key in node.inputs]
        if all(isinstance(a, np.ndarray) for a in args) and can_fold(node.op):
            self.values[(node.name, 0)] = fold_node(node.op, args, node.attrs, node.name)
            return
        if node.op not in self.handlers:
            raise GraphError(f"node {node.name!r} ({node.op}): Net Studio evaluates {node.op} only "
                             f"on constants, and this one reads a computed value")
        result = self.handlers[node.op](self, node, *args)
        for index, value in enumerate(result if isinstance(result, list) else [result]):
            self.values[(node.name, index)] = value


def lower_graph(graph):
    """An ImportedGraph (Symbol + float32 parameters) for a TfGraph."""
    from .handlers import HANDLERS
    return Lowering(graph, HANDLERS).run()
