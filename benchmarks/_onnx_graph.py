"""The same network in ONNX Runtime, for side-by-side figures: a Symbol's graph written
node by node as an ONNX model (``onnx.helper``) with our parameter values as
initializers, so ORT runs exactly our layers and weights (its own optimiser then folds
BatchNorm, fuses activations and picks MLAS kernels, as for any model a user deploys).

A benchmark-only stand-in until ``mx.onnx.export_model`` lands (issue 18); one op per
line of ``RULES``, covering EfficientNet-Lite0, the ResNets and NanoDet-g (inference).

    graph = OnnxGraph(symbol, arg_params, aux_params, {"data": (1, 3, 224, 224)}, threads=2)
    outputs = graph(batch)            # every output, as NumPy
"""
from __future__ import annotations

import numpy as np

from core.symbol.graph import topo_order


def _pairs(value, rank=2, fill=0):
    return list(value) if value else [fill] * rank


def _convolution(b, op, x, out):
    pads = _pairs(op.pad)
    b.node("Conv", x[:2] + ([] if op.no_bias else x[2:3]), out, kernel_shape=list(op.kernel),
           strides=_pairs(op.stride, fill=1), dilations=_pairs(op.dilate, fill=1),
           pads=pads + pads, group=op.num_group)


def _batch_norm(b, op, x, out):
    gamma = x[1]
    if op.fix_gamma:
        gamma = b.constant(np.ones(b.shapes[x[1]], np.float32))
    b.node("BatchNormalization", [x[0], gamma, x[2], x[3], x[4]], out, epsilon=op.eps)


def _pad(b, op, x, out):
    widths = list(op.pad_width)
    pads = widths[0::2] + widths[1::2]
    b.node("Pad", [x[0], b.constant(np.array(pads, np.int64)),
                   b.constant(np.array(op.constant_value, np.float32))], out, mode="constant")


def _pooling(b, op, x, out):
    if op.global_pool:
        b.node("GlobalAveragePool" if op.pool_type == "avg" else "GlobalMaxPool", x[:1], out)
        return
    pads = _pairs(op.pad)
    attrs = dict(kernel_shape=list(op.kernel), strides=_pairs(op.stride, fill=1), pads=pads + pads,
                 ceil_mode=int(op.pooling_convention == "full"))
    if op.pool_type == "max":
        b.node("MaxPool", x[:1], out, **attrs)
    else:
        b.node("AveragePool", x[:1], out, count_include_pad=int(op.count_include_pad), **attrs)


def _fully_connected(b, op, x, out):
    data = x[0]
    if op.flatten:
        data = b.fresh()
        b.node("Flatten", x[:1], [data], axis=1)
    b.node("Gemm", [data, x[1]] + ([] if op.no_bias else x[2:3]), out, transB=1)


def _clip(b, op, x, out):
    b.node("Clip", [x[0], b.constant(np.array(op.a_min, np.float32)),
                    b.constant(np.array(op.a_max, np.float32))], out)


def _resize(b, op, x, out):
    if op.align_corners:
        mode = "align_corners"
    else:
        mode = "half_pixel" if op.half_pixel_centers else "asymmetric"
    n, c = b.shapes[x[0]][:2]
    b.node("Resize", [x[0], "", "", b.constant(np.array([n, c, op.height, op.width], np.int64))], out,
           mode="linear", coordinate_transformation_mode=mode)


def _slice_axis(b, op, x, out):
    b.node("Slice", [x[0]] + [b.constant(np.array([v], np.int64)) for v in (op.begin, op.end, op.axis)], out)


RULES = {
    "Convolution": _convolution,
    "BatchNorm": _batch_norm,
    "Pad": _pad,
    "Pooling": _pooling,
    "FullyConnected": _fully_connected,
    "clip": _clip,
    "BilinearResize2D": _resize,
    "slice_axis": _slice_axis,
    "Activation": lambda b, op, x, out: b.node({"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh"}[op.act_type],
                                               x[:1], out),
    "LeakyReLU": lambda b, op, x, out: b.node("LeakyRelu", x[:1], out, alpha=op.slope),
    "sigmoid": lambda b, op, x, out: b.node("Sigmoid", x[:1], out),
    "Flatten": lambda b, op, x, out: b.node("Flatten", x[:1], out, axis=1),
    "Dropout": lambda b, op, x, out: b.node("Identity", x[:1], out),
    "elemwise_add": lambda b, op, x, out: b.node("Add", x[:2], out),
    "broadcast_add": lambda b, op, x, out: b.node("Add", x[:2], out),
    "_Plus": lambda b, op, x, out: b.node("Add", x[:2], out),
    "Concat": lambda b, op, x, out: b.node("Concat", x, out, axis=op.dim),
    "Reshape": lambda b, op, x, out: b.node("Reshape", [x[0], b.constant(np.array(op.shape, np.int64))], out),
    "transpose": lambda b, op, x, out: b.node("Transpose", x[:1], out, perm=list(op.axes)),
    "SoftmaxOutput": lambda b, op, x, out: b.node("Softmax", x[:1], out, axis=1),
}


class _Builder:
    def __init__(self, helper, numpy_helper):
        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes, self.initializers, self.shapes = [], [], {}

    def node(self, op_type, inputs, outputs, **attributes):
        self.nodes.append(self.helper.make_node(op_type, inputs, outputs, **attributes))

    def fresh(self):
        return f"_t{len(self.nodes)}_{len(self.initializers)}"

    def constant(self, array):
        name = f"_c{len(self.initializers)}"
        self.initializers.append(self.numpy_helper.from_array(np.asarray(array), name))
        return name


class OnnxGraph:
    """``OnnxGraph(symbol, arg_params, aux_params, {"data": shape}, threads)(batch)`` -> outputs."""

    def __init__(self, symbol, arg_params, aux_params, input_shapes, threads, data_name="data"):
        import onnx
        import onnxruntime as ort
        from onnx import TensorProto, helper, numpy_helper

        self.data_name = data_name
        builder = _Builder(helper, numpy_helper)
        names = symbol.list_arguments() + symbol.list_auxiliary_states()
        arg_shapes, out_shapes, aux_shapes = symbol.infer_shape(**input_shapes)
        params = {**arg_params, **aux_params}
        inputs = []
        for name, shape in zip(names, arg_shapes + aux_shapes):
            builder.shapes[name] = tuple(shape)
            if name in params:
                value = params[name]
                value = value.asnumpy() if hasattr(value, "asnumpy") else np.asarray(value)
                builder.initializers.append(numpy_helper.from_array(value.astype(np.float32), name))
            elif name == data_name:
                inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape)))
        internals = symbol.get_internals()
        _, inner_shapes, _ = internals.infer_shape(**input_shapes)
        builder.shapes.update(zip(internals.list_outputs(), map(tuple, inner_shapes)))
        value_name = {}
        for node in topo_order(symbol.heads):
            if node.is_variable:
                value_name[(id(node), 0)] = node.name
                continue
            if node.op.name not in RULES:
                raise NotImplementedError(f"no ONNX rule for {node.op.name} (node {node.name})")
            ins = [value_name[(id(c), i)] for c, i in node.inputs]
            outs = node.output_names()[:1]
            for i, name in enumerate(outs):
                value_name[(id(node), i)] = name
            RULES[node.op.name](builder, node.op, ins, outs)
        heads = [value_name[(id(n), i)] for n, i in symbol.heads]
        outputs = [helper.make_tensor_value_info(h, TensorProto.FLOAT, list(s)) for h, s in zip(heads, out_shapes)]
        graph = helper.make_graph(builder.nodes, "netstudio", inputs, outputs, builder.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        self.n_nodes = len(builder.nodes)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        self.version = ort.__version__

    def __call__(self, batch):
        return self.session.run(None, {self.data_name: np.ascontiguousarray(batch, dtype=np.float32)})
