"""An ONNX file -> ``(sym, arg_params, aux_params)``, MXNet 1.9's ``mx.onnx.import_model``.

Covers what ``torch.onnx.export`` and the ONNX model zoo write for image classifiers
(core/onnx/import_ops.py lists the operators). Initializers become parameters; a node
whose inputs are all constants (the shape arithmetic exporters write: Shape, Gather,
Concat, Unsqueeze ... on shapes) is computed here by ONNX's reference evaluator and
never reaches the network.

>>> from onnx import TensorProto, helper
>>> x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])
>>> y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])
>>> model = helper.make_model(helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x], [y]))
>>> sym, arg_params, aux_params = import_model(model)
>>> sym.list_arguments(), sym.infer_shape(x=(2, 4))[1]
(['x'], [(2, 4)])
"""
from __future__ import annotations

import os
from collections import Counter

import numpy as np
import onnx
from onnx import numpy_helper
from onnx.reference import ReferenceEvaluator

from .. import ndarray as nd
from ..errors import FormatError, GraphError
from ..symbol import Group, Variable
from ..symbol.naming import NameManager
from ..symbol.symbol import Symbol, make
from .import_ops import CONVERTERS, FOLD_ONLY

#: a dynamic axis (the batch, usually) is given this size while shapes are worked out
DYNAMIC_SIZE = 1


def import_model(model_file, data_name=None):
    """``(sym, arg_params, aux_params)`` of the ONNX model at ``model_file`` (or a ModelProto).

    The graph inputs keep their ONNX names, unless ``data_name`` renames a network's one
    input (``"data"``, as Net Studio's classifiers and the editor expect)."""
    model = load(model_file)
    graph = model.graph
    unsupported = Counter(node.op_type for node in graph.node
                          if node.domain not in ("", "ai.onnx") or
                          (node.op_type not in CONVERTERS and node.op_type not in FOLD_ONLY))
    if unsupported:
        listed = ", ".join(f"{op} (×{count})" if count > 1 else op for op, count in sorted(unsupported.items()))
        raise GraphError(f"the ONNX model uses operators Net Studio cannot import: {listed}")
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 13)
    with NameManager():
        converter = Importer(graph, opset, data_name)
        return converter.run()


def load(model_file):
    if isinstance(model_file, onnx.ModelProto):
        return model_file
    path = os.fspath(model_file)
    if not os.path.isfile(path):
        raise FormatError(f"ONNX file {path!r} not found")
    try:
        return onnx.load(path)
    except Exception as error:   # protobuf's DecodeError and friends
        raise FormatError(f"{path!r} is not a readable ONNX model: {error}") from None


class Importer:
    """Walks the ONNX nodes in order; every value is a constant (numpy) or a symbol."""

    def __init__(self, graph, opset, data_name=None):
        self.opset = opset
        self.data_name = data_name
        self.graph = graph
        self.constants = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
        self.symbols = {}      # value name -> Symbol
        self.shapes = {}       # value name -> shape (symbols and parameters)
        self.arg_params, self.aux_params = {}, {}
        self._variables = {}
        self._names = set()
        self._node_shapes = {}   # (id(node), output index) -> shape

    # ----- the walk ------------------------------------------------------------------
    def run(self):
        inputs = [value for value in self.graph.input if value.name not in self.constants]
        if self.data_name and len(inputs) != 1:
            raise GraphError(f"the ONNX model has {len(inputs)} inputs; an image classifier has one")
        for value in inputs:
            self._add_input(value)
        for node in self.graph.node:
            self._convert(node)
        outputs = []
        for value in self.graph.output:
            if value.name not in self.symbols:
                raise GraphError(f"ONNX output {value.name!r} is a constant; Net Studio imports "
                                 f"networks whose outputs depend on their input")
            outputs.append(self.symbols[value.name])
        symbol = outputs[0] if len(outputs) == 1 else Group(outputs)
        return symbol, self.arg_params, self.aux_params

    def _add_input(self, value):
        dims = value.type.tensor_type.shape.dim
        shape = tuple(d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else DYNAMIC_SIZE
                      for d in dims)
        name = self._claim(self.data_name or value.name)
        self.symbols[value.name] = Variable(name, shape=shape)
        self.shapes[value.name] = self.shapes[name] = shape

    def _convert(self, node):
        present = [name for name in node.input if name]
        if node.op_type not in ("Shape", "Size") and all(name in self.constants for name in present):
            return self._fold(node)
        if node.op_type in ("Shape", "Size"):
            shape = np.array(self.shape(node.input[0]), np.int64)
            self.constants[node.output[0]] = (np.array(shape.prod(), np.int64) if node.op_type == "Size"
                                              else _slice_shape(node, shape))
            return
        if node.op_type not in CONVERTERS:
            raise GraphError(f"ONNX node {node.name or node.output[0]!r} ({node.op_type}) only works "
                             f"on constants here, but its input is computed by the network")
        result = CONVERTERS[node.op_type](self, node, _attributes(node))
        results = result if isinstance(result, (list, tuple)) else [result]
        for name, value in zip(node.output, results):
            if name and value is not None:
                self._bind(name, value)

    def _fold(self, node):
        """Compute a node of constants now (ONNX's reference evaluator)."""
        feeds = {name: self.constants[name] for name in node.input if name}
        try:
            outputs = ReferenceEvaluator(node).run(None, feeds)
        except Exception as error:
            raise GraphError(f"cannot compute ONNX node {node.name or node.output[0]!r} "
                             f"({node.op_type}) on its constant inputs: {error}") from None
        for name, value in zip(node.output, outputs):
            if name:
                self.constants[name] = np.asarray(value)

    def _bind(self, name, value):
        if isinstance(value, np.ndarray):
            self.constants[name] = value
            return
        self.symbols[name] = value
        self.shapes[name] = self._entry_shape(value)

    # ----- what converters call ----------------------------------------------------
    def is_constant(self, name):
        return name in self.constants

    def constant(self, name, what="this input"):
        if name not in self.constants:
            raise GraphError(f"ONNX value {name!r} ({what}) must be a constant (an initializer "
                             f"or computed from constants); Net Studio cannot take it from the network")
        return self.constants[name]

    def shape(self, name):
        if name in self.constants:
            return tuple(self.constants[name].shape)
        return self.shapes[name]

    def symbol(self, name):
        """The value as a Symbol; a constant becomes a parameter variable."""
        if name in self.symbols:
            return self.symbols[name]
        return self.parameter(name, self.constant(name))

    def parameter(self, name, array, aux=False):
        """A Variable holding ``array`` as an arg (or aux) parameter, named after ``name``."""
        key = (name, aux, tuple(array.shape), array.dtype.str, hash(np.ascontiguousarray(array).tobytes()))
        if key in self._variables:
            return self._variables[key]
        var_name = self._claim(name.replace(":", "_"))
        variable = Variable(var_name, shape=array.shape)
        (self.aux_params if aux else self.arg_params)[var_name] = nd.array(array.astype(np.float32, copy=False))
        self.shapes[var_name] = tuple(array.shape)
        self._variables[key] = variable
        return variable

    def op(self, node, op_name, inputs, attrs=None, suffix=""):
        """A new node of our operator ``op_name`` on Symbols ``inputs``; named after the ONNX node."""
        name = self._claim((node.name or node.output[0]).replace(":", "_") + suffix)
        try:
            return make(op_name, list(inputs), dict(attrs or {}), name=name)
        except GraphError as error:
            raise GraphError(f"ONNX node {node.name or node.output[0]!r} ({node.op_type}): {error}") from None

    def symbol_shape(self, symbol):
        return self._entry_shape(symbol)

    # ----- helpers -----------------------------------------------------------------
    def _entry_shape(self, symbol):
        """The output shape of a freshly made node, from its inputs' known shapes."""
        node, index = symbol.heads[0]
        if node.is_variable:
            return self.shapes[node.name]
        op = node.op
        n_args = len(op.list_arguments())
        in_shapes = [self._input_shape(child, i) for child, i in node.inputs[:n_args]]
        _, outs, _ = op.infer_shape(in_shapes)
        if outs[index] is None:
            raise GraphError(f"cannot work out the shape of node {node.name!r} ({op.name})")
        shape = tuple(int(d) for d in outs[index])
        self._node_shapes[(id(node), index)] = shape
        return shape

    def _input_shape(self, child, index):
        if child.is_variable:
            return self.shapes.get(child.name)
        key = (id(child), index)
        if key not in self._node_shapes:
            return self._entry_shape(Symbol([(child, index)]))
        return self._node_shapes[key]

    def _claim(self, name):
        base, count = name or "node", 0
        while name in self._names:
            count += 1
            name = f"{base}_{count}"
        self._names.add(name)
        return name


def _attributes(node):
    values = {}
    for attr in node.attribute:
        value = onnx.helper.get_attribute_value(attr)
        values[attr.name] = value.decode() if isinstance(value, bytes) else value
    return values


def _slice_shape(node, shape):
    """Shape with opset 15's start/end attributes."""
    attrs = _attributes(node)
    return shape[attrs.get("start", 0):attrs.get("end", None)]
