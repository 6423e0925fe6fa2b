"""Symbol + parameters -> an ONNX file, with MXNet 1.9's ``mx.onnx.export_model`` call.

Each operator writes itself through its ``onnx(graph, inputs, outputs)`` hook
(core/ops/base.py); this module walks the graph, turns parameters into initializers,
data variables into graph inputs, and drops loss labels (a loss exports as its
inference form: SoftmaxOutput becomes Softmax).

>>> import numpy as np, onnx, core as mx
>>> from core.zoo.builtin import get_symbol
>>> net = get_symbol("mlp", num_classes=3)
>>> shapes = dict(zip(net.list_arguments(), net.infer_shape(data=(1, 784))[0]))
>>> params = {k: np.zeros(s, "float32") for k, s in shapes.items() if k not in ("data", "softmax_label")}
>>> model = export_model(net, params, [(1, 784)], onnx_file_path=None)
>>> [i.name for i in model.graph.input], [o.name for o in model.graph.output]
(['data'], ['softmax_output'])
"""
from __future__ import annotations

import os

import numpy as np
import onnx
from onnx import TensorProto, helper

from ..errors import FormatError, GraphError
from ..fileio import atomic_write_bytes
from ..symbol.graph import topo_order
from ..symbol.shape import infer_graph_shapes
from .builder import GraphBuilder

#: the opset written by default (ONNX 1.12+, every current runtime reads it)
OPSET = 17
PRODUCER = "Net Studio"


def export_model(sym, params, in_shapes=None, in_types=np.float32, onnx_file_path="model.onnx",
                 verbose=False, dynamic=False, dynamic_input_shapes=None, run_shape_inference=False,
                 input_type=None, input_shape=None, opset_version=None):
    """Write ``sym`` with ``params`` as an ONNX model; returns the file path (or, with
    ``onnx_file_path=None``, the ``onnx.ModelProto``).

    ``sym``: a Symbol or the path of a ``-symbol.json``; ``params``: a dict of arrays
    (names plain or with MXNet's ``arg:``/``aux:`` prefixes) or the path of a ``.params``
    file. ``in_shapes``: one shape per data input (the arguments without a parameter,
    labels of losses left out), in the symbol's argument order; ``in_types``: their
    dtype(s). ``dynamic=True`` makes the batch axis symbolic (``N``) unless
    ``dynamic_input_shapes`` gives each input's shape with None for dynamic axes.
    """
    symbol = _load_symbol(sym)
    arrays = _load_params(params)
    in_shapes = in_shapes if in_shapes is not None else input_shape
    in_types = input_type if input_type is not None else in_types
    model = to_model(symbol, arrays, in_shapes, in_types, dynamic, dynamic_input_shapes,
                     opset_version or OPSET)
    if run_shape_inference:
        model = onnx.shape_inference.infer_shapes(model)
    if verbose:
        print(helper.printable_graph(model.graph))
    if onnx_file_path is None:
        return model
    atomic_write_bytes(onnx_file_path, model.SerializeToString())
    return str(onnx_file_path)


def to_model(symbol, arrays, in_shapes, in_types=np.float32, dynamic=False, dynamic_input_shapes=None,
             opset=OPSET):
    """The checked ``onnx.ModelProto`` of ``symbol`` with parameter ``arrays``."""
    nodes = topo_order(symbol.heads)
    labels = _label_variables(nodes)
    data_names = [name for name in symbol.list_arguments() if name not in arrays and name not in labels]
    shapes = _shape_list(in_shapes, data_names, nodes)
    types = _type_list(in_types, len(data_names))
    free_batch = dynamic or dynamic_input_shapes is not None
    inputs = {name: helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(np.dtype(dtype)), dims)
              for name, dtype, dims in zip(data_names, types,
                                           _dynamic_shapes(shapes, dynamic, dynamic_input_shapes))}
    _, entries = infer_graph_shapes(symbol.heads, dict(zip(data_names, shapes)))
    graph = GraphBuilder(opset, dict(zip(data_names, shapes)))
    value_names = {}   # (id(node), output index) -> ONNX value name
    refused = []
    for node in nodes:
        if node.is_variable:
            if node.name in arrays:
                graph.initializer(node.name, _float32(arrays[node.name]))
            elif node.name not in inputs and node.name not in labels:
                raise GraphError(f"{node.name!r} has no value in params (an auxiliary state or a "
                                 f"parameter is missing)")
            if node.name not in labels:
                value_names[(id(node), 0)] = graph.claim(node.name)
            continue
        outputs = [graph.claim(name) for name in node.output_names()]
        for index, name in enumerate(outputs):
            value_names[(id(node), index)] = name
            graph.set_shape(name, entries.get((id(node), index)))
        node_inputs = [value_names.get((id(child), index)) for child, index in node.inputs]
        try:
            node.op.onnx(graph, node_inputs[:1] if node.op.is_loss else node_inputs, outputs)
        except GraphError as error:   # go on: one message names every node that cannot go
            refused.append(str(error))
    if refused:
        raise GraphError("cannot export to ONNX: " + "; ".join(refused))
    outputs = [helper.make_tensor_value_info(value_names[(id(node), index)], TensorProto.FLOAT,
                                             _dims(entries.get((id(node), index)), free_batch))
               for node, index in symbol.heads]
    onnx_graph = helper.make_graph(graph.nodes, "netstudio", list(inputs.values()), outputs,
                                   initializer=graph.initializers)
    model = helper.make_model(onnx_graph, producer_name=PRODUCER,
                              opset_imports=[helper.make_opsetid("", opset)])
    try:
        onnx.checker.check_model(model, full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as error:
        raise GraphError(f"the exported ONNX graph does not pass onnx.checker: {error}") from None
    return model


def _float32(value):
    """A parameter as it goes into the file: float64 narrowed to float32 (what we compute in)."""
    array = np.asarray(value)
    return array.astype(np.float32) if array.dtype == np.float64 else array


def _label_variables(nodes):
    """Variables read only as a loss's label: the export leaves them out."""
    used_as_data, used_as_label = set(), set()
    for node in nodes:
        if node.is_variable:
            continue
        for slot, (child, _) in enumerate(node.inputs):
            if child.is_variable:
                (used_as_label if node.op.is_loss and slot > 0 else used_as_data).add(child.name)
    return used_as_label - used_as_data


def _shape_list(in_shapes, data_names, nodes=()):
    if in_shapes is None:   # the inputs' own __shape__ attributes (the editor's documents)
        given = {node.name: node.attrs.get("__shape__") for node in nodes if node.is_variable}
        if not all(given.get(name) for name in data_names):
            raise GraphError(f"give in_shapes: one shape per data input {data_names}")
        in_shapes = [tuple(int(d) for d in given[name].strip("()[] ").split(",") if d.strip())
                     for name in data_names]
    shapes = [tuple(int(d) for d in shape) for shape in
              ([in_shapes] if in_shapes and isinstance(in_shapes[0], int) else in_shapes)]
    if len(shapes) != len(data_names):
        raise GraphError(f"in_shapes has {len(shapes)} shape(s) but the network has {len(data_names)} "
                         f"data input(s): {data_names} (every other argument needs a parameter)")
    return shapes


def _type_list(in_types, count):
    if isinstance(in_types, (list, tuple)):
        if len(in_types) != count:
            raise GraphError(f"in_types has {len(in_types)} entries for {count} data input(s)")
        return list(in_types)
    return [in_types] * count


def _dynamic_shapes(shapes, dynamic, dynamic_input_shapes):
    if dynamic_input_shapes is not None:
        return [[d if d is not None else f"d{axis}" for axis, d in enumerate(shape)]
                for shape in dynamic_input_shapes]
    if dynamic:
        return [["N", *shape[1:]] for shape in shapes]
    return [list(shape) for shape in shapes]


def _dims(shape, dynamic):
    if shape is None:
        return None
    return ["N", *shape[1:]] if dynamic else list(shape)


def _load_symbol(sym):
    if isinstance(sym, (str, os.PathLike)):
        from ..symbol import load
        return load(str(sym))
    return sym


def _load_params(params):
    """{name: numpy array}, from a dict (NDArrays or arrays) or a ``.params`` path."""
    if isinstance(params, (str, os.PathLike)):
        from ..ndarray import load
        params = load(str(params))
    if isinstance(params, (list, tuple)) and len(params) == 2 and all(isinstance(p, dict) for p in params):
        params = {**params[0], **params[1]}
    if not isinstance(params, dict):
        raise FormatError(f"params must be a dict of arrays or a .params path, got {type(params).__name__}")
    arrays = {}
    for key, value in params.items():
        name = key.split(":", 1)[1] if key.startswith(("arg:", "aux:")) else key
        arrays[name] = value.asnumpy() if hasattr(value, "asnumpy") else np.asarray(value)
    return arrays


def complete_parameters(symbol, params, seed=0):
    """``params`` where a name and shape fit ``symbol``, every other parameter initialised
    (He-scaled weights; unit gammas and variances; zero biases, betas and means), so a
    network edited after import can still be written. Returns (params, initialised names).
    The data inputs' shapes come from their ``__shape__`` attributes."""
    nodes = topo_order(symbol.heads)
    labels = _label_variables(nodes)
    data = [name for name in symbol.list_arguments() if name not in params and name not in labels
            and not _is_parameter_name(name)]
    shapes = dict(zip(data, _shape_list(None, data, nodes)))
    arg_shapes, _, aux_shapes = symbol.infer_shape(**shapes)
    rng = np.random.default_rng(seed)
    complete, initialised = {}, []
    wanted = [(n, s) for n, s in zip(symbol.list_arguments(), arg_shapes) if n not in shapes and n not in labels]
    wanted += list(zip(symbol.list_auxiliary_states(), aux_shapes))
    for name, shape in wanted:
        given = params.get(name)
        given = given.asnumpy() if hasattr(given, "asnumpy") else given
        if given is not None and tuple(given.shape) == tuple(shape):
            complete[name] = np.asarray(given, np.float32)
            continue
        initialised.append(name)
        if name.endswith(("gamma", "var")):
            complete[name] = np.ones(shape, np.float32)
        elif name.endswith("weight") and len(shape) > 1:
            complete[name] = rng.normal(0, np.sqrt(2 / np.prod(shape[1:])), shape).astype(np.float32)
        else:
            complete[name] = np.zeros(shape, np.float32)
    return complete, initialised


def _is_parameter_name(name):
    return name.endswith(("weight", "bias", "gamma", "beta"))
