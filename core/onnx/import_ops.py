"""One converter per ONNX operator the importer reads: ``converter(ctx, node, attrs)``
returns the Symbol (or constant array) of the node's first output.

``ctx`` is the Importer (core/onnx/importer.py): ``ctx.symbol(name)`` a value as a
Symbol (a constant becomes a parameter), ``ctx.constant(name)`` a value that must be
constant, ``ctx.shape(name)``, ``ctx.parameter(hint, array, aux=False)`` and
``ctx.op(node, op_name, inputs, attrs)``.

>>> CONVERTERS["HardSwish"].__name__, "Gather" in FOLD_ONLY
('hard_swish', True)
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import GraphError
from ..ops.pool import last_window_in_padding

FLOAT_MAX = 3.4028234663852886e38
#: operators that only ever compute constants here (shape arithmetic); folded, never converted
FOLD_ONLY = {"Shape", "Size", "Gather", "ConstantOfShape", "Range", "Equal", "Where", "Expand",
             "Slice", "Floor", "Ceil", "Less", "Greater", "Not", "And", "Or", "NonZero",
             "ReduceProd", "Tile", "Split"}
CONVERTERS = {}


def converts(*op_types):
    def register(function):
        for op_type in op_types:
            CONVERTERS[op_type] = function
        return function
    return register


def _error(node, message):
    return GraphError(f"ONNX node {node.name or node.output[0]!r} ({node.op_type}): {message}")


def _inputs(node):
    return [name for name in node.input]


def _optional(node, index):
    return node.input[index] if len(node.input) > index and node.input[index] else None


# ----- windows: convolution and pooling ---------------------------------------------

def _window_pads(node, attrs, in_spatial, kernel, strides, dilations):
    """(before, after) padding per spatial axis from ``pads`` or ``auto_pad``."""
    auto = attrs.get("auto_pad", "NOTSET")
    n = len(kernel)
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        pads = []
        for size, k, s, d in zip(in_spatial, kernel, strides, dilations):
            total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
            small = total // 2
            pads.append((small, total - small) if auto == "SAME_UPPER" else (total - small, small))
        return pads
    if auto == "VALID":
        return [(0, 0)] * n
    flat = list(attrs.get("pads", [0] * (2 * n)))
    return list(zip(flat[:n], flat[n:]))


def _window(ctx, node, attrs, kernel):
    n = len(kernel)
    strides = tuple(attrs.get("strides", [1] * n))
    dilations = tuple(attrs.get("dilations", [1] * n))
    pads = _window_pads(node, attrs, ctx.shape(node.input[0])[2:], kernel, strides, dilations)
    return strides, dilations, pads


def _padded(ctx, node, data, pads, value=0.0):
    """Symmetric padding stays in the operator; uneven padding becomes a Pad before it."""
    if all(before == after for before, after in pads):
        return data, tuple(before for before, _ in pads)
    if len(pads) not in (2, 3):
        raise _error(node, f"uneven padding {pads} on {len(pads)}-D data is not supported")
    widths = (0, 0, 0, 0) + tuple(v for pair in pads for v in pair)
    padded = ctx.op(node, "Pad", [data], {"mode": "constant", "pad_width": widths,
                                          "constant_value": value}, suffix="_pad")
    return padded, (0,) * len(pads)


@converts("Conv")
def conv(ctx, node, attrs):
    weight_shape = ctx.shape(node.input[1])
    kernel = tuple(attrs.get("kernel_shape", weight_shape[2:]))
    strides, dilations, pads = _window(ctx, node, attrs, kernel)
    data, pad = _padded(ctx, node, ctx.symbol(node.input[0]), pads)
    bias = _optional(node, 2)
    inputs = {"weight": ctx.symbol(node.input[1])}
    if bias:
        inputs["bias"] = ctx.symbol(bias)
    return ctx.op(node, "Convolution", [data], dict(
        inputs, kernel=kernel, stride=strides, dilate=dilations, pad=pad, num_filter=weight_shape[0],
        num_group=attrs.get("group", 1), no_bias=not bias))


@converts("ConvTranspose")
def conv_transpose(ctx, node, attrs):
    """Deconvolution: ONNX's (pads begin, end, output_padding) are MXNet's (pad, adj) when
    the cropping is even enough; otherwise a slice of each axis trims the end."""
    weight_shape = ctx.shape(node.input[1])
    in_spatial = ctx.shape(node.input[0])[2:]
    kernel = tuple(attrs.get("kernel_shape", weight_shape[2:]))
    n = len(kernel)
    strides = tuple(attrs.get("strides", [1] * n))
    dilations = tuple(attrs.get("dilations", [1] * n))
    extra = tuple(attrs.get("output_padding", [0] * n))
    full = [s * (size - 1) + (k - 1) * d + 1 + e
            for size, k, s, d, e in zip(in_spatial, kernel, strides, dilations, extra)]
    pads = _transposed_pads(node, attrs, in_spatial, strides, full)
    wanted = [f - before - after for f, (before, after) in zip(full, pads)]
    if any(size <= 0 for size in wanted):
        raise _error(node, f"pads {attrs.get('pads')} crop the whole output")
    adj = [e + before - after for e, (before, after) in zip(extra, pads)]
    if any(a >= s for a, s in zip(adj, strides)):
        raise _error(node, f"pads {pads} with output_padding {list(extra)} and strides {list(strides)} "
                           f"leave cells Net Studio's Deconvolution cannot add (adj must stay below the stride)")
    bias = _optional(node, 2)
    inputs = {"weight": ctx.symbol(node.input[1])}
    if bias:
        inputs["bias"] = ctx.symbol(bias)
    group = attrs.get("group", 1)
    out = ctx.op(node, "Deconvolution", [ctx.symbol(node.input[0])], dict(
        inputs, kernel=kernel, stride=strides, dilate=dilations, pad=tuple(before for before, _ in pads),
        adj=tuple(max(a, 0) for a in adj), num_filter=weight_shape[1] * group, num_group=group,
        no_bias=not bias), suffix="_full" if min(adj) < 0 else "")
    for axis, (a, size) in enumerate(zip(adj, wanted)):
        if a < 0:   # more cropped at the end than at the start
            last = all(b >= 0 for b in adj[axis + 1:])
            out = ctx.op(node, "slice_axis", [out], {"axis": axis + 2, "begin": 0, "end": size},
                         suffix="" if last else f"_crop{axis}")
    return out


def _transposed_pads(node, attrs, in_spatial, strides, full):
    """(begin, end) cropping per axis, from pads, output_shape or auto_pad (ONNX's rules)."""
    n = len(in_spatial)
    auto = attrs.get("auto_pad", "NOTSET")
    if "output_shape" in attrs or auto in ("SAME_UPPER", "SAME_LOWER"):
        shape = list(attrs.get("output_shape", []))[-n:] or [size * s for size, s in zip(in_spatial, strides)]
        pads = []
        for f, target in zip(full, shape):
            total = f - target
            if total < 0:
                raise _error(node, f"output_shape {shape} is larger than the full output {full}")
            half = total // 2
            pads.append((half, total - half) if auto == "SAME_UPPER" else (total - half, half))
        return pads
    if auto == "VALID":
        return [(0, 0)] * n
    flat = list(attrs.get("pads", [0] * (2 * n)))
    return list(zip(flat[:n], flat[n:]))


def _pool(ctx, node, attrs, pool_type):
    kernel = tuple(attrs["kernel_shape"])
    strides, dilations, pads = _window(ctx, node, attrs, kernel)
    if any(d != 1 for d in dilations):
        raise _error(node, f"dilated pooling (dilations={list(dilations)}) is not supported")
    fill = -FLOAT_MAX if pool_type == "max" else 0.0
    if pool_type == "avg" and not attrs.get("count_include_pad", 0) and any(a != b for a, b in pads):
        raise _error(node, "uneven padding with count_include_pad=0 is not supported")
    data, pad = _padded(ctx, node, ctx.symbol(node.input[0]), pads, fill)
    ceil = bool(attrs.get("ceil_mode", 0))
    if ceil and last_window_in_padding(ctx.shape(node.input[0])[2:], kernel, strides, pad):
        raise _error(node, "ceil_mode with a last window starting in the padding differs between "
                           "ONNX and Net Studio's 'full' pooling; not supported")
    options = {"kernel": kernel, "stride": strides, "pad": pad, "pool_type": pool_type,
               "pooling_convention": "full" if ceil else "valid"}
    if pool_type == "avg":
        options["count_include_pad"] = bool(attrs.get("count_include_pad", 0))
    return ctx.op(node, "Pooling", [data], options)


@converts("MaxPool")
def max_pool(ctx, node, attrs):
    if len(node.output) > 1 and node.output[1]:
        raise _error(node, "the Indices output of MaxPool is not supported")
    return _pool(ctx, node, attrs, "max")


@converts("AveragePool")
def average_pool(ctx, node, attrs):
    return _pool(ctx, node, attrs, "avg")


@converts("GlobalAveragePool", "GlobalMaxPool")
def global_pool(ctx, node, attrs):
    pool_type = "avg" if node.op_type == "GlobalAveragePool" else "max"
    return ctx.op(node, "Pooling", [ctx.symbol(node.input[0])],
                  {"pool_type": pool_type, "global_pool": True, "kernel": (1, 1)})


# ----- dense layers ------------------------------------------------------------------

@converts("Gemm")
def gemm(ctx, node, attrs):
    alpha, beta = attrs.get("alpha", 1.0), attrs.get("beta", 1.0)
    data = ctx.symbol(node.input[0])
    if attrs.get("transA", 0):
        data = ctx.op(node, "transpose", [data], {"axes": (1, 0)}, suffix="_transA")
    weight = ctx.constant(node.input[1], "Gemm's B")
    weight = (weight if attrs.get("transB", 0) else weight.T) * alpha
    inputs = {"weight": ctx.parameter(node.input[1], np.ascontiguousarray(weight, dtype=np.float32))}
    bias_name = _optional(node, 2)
    if bias_name:
        bias = np.broadcast_to(ctx.constant(bias_name, "Gemm's C") * beta, (1, weight.shape[0]))
        if bias.ndim > 2 or bias.shape[0] != 1:
            raise _error(node, f"C of shape {bias.shape} is not one bias per output")
        inputs["bias"] = ctx.parameter(bias_name, np.ascontiguousarray(bias.reshape(-1), dtype=np.float32))
    return ctx.op(node, "FullyConnected", [data], dict(inputs, num_hidden=weight.shape[0],
                                                       no_bias=not bias_name))


@converts("MatMul")
def matmul(ctx, node, attrs):
    if ctx.is_constant(node.input[1]) and ctx.constant(node.input[1]).ndim == 2:
        weight = ctx.constant(node.input[1]).T
        return ctx.op(node, "FullyConnected", [ctx.symbol(node.input[0])], {
            "weight": ctx.parameter(node.input[1], np.ascontiguousarray(weight, dtype=np.float32)),
            "num_hidden": weight.shape[0], "no_bias": True, "flatten": False})
    if len(ctx.shape(node.input[0])) == 2 and len(ctx.shape(node.input[1])) == 2:
        return ctx.op(node, "dot", [ctx.symbol(node.input[0]), ctx.symbol(node.input[1])])
    if len(ctx.shape(node.input[0])) == 3 and len(ctx.shape(node.input[1])) == 3:
        return ctx.op(node, "batch_dot", [ctx.symbol(node.input[0]), ctx.symbol(node.input[1])])
    raise _error(node, "MatMul of two computed values is supported for 2-D and 3-D arrays only")


@converts("BatchNormalization")
def batch_norm(ctx, node, attrs):
    if attrs.get("training_mode", 0):
        raise _error(node, "training_mode=1 (batch statistics) is not supported")
    data, scale, bias, mean, var = node.input[:5]
    return ctx.op(node, "BatchNorm", [ctx.symbol(data)], {
        "gamma": ctx.parameter(scale, ctx.constant(scale)), "beta": ctx.parameter(bias, ctx.constant(bias)),
        "moving_mean": ctx.parameter(mean, ctx.constant(mean), aux=True),
        "moving_var": ctx.parameter(var, ctx.constant(var), aux=True),
        "eps": attrs.get("epsilon", 1e-5), "momentum": attrs.get("momentum", 0.9), "fix_gamma": False})


# ----- activations -------------------------------------------------------------------

ACTIVATIONS = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Softplus": "softrelu",
               "Softsign": "softsign"}


@converts(*ACTIVATIONS)
def activation(ctx, node, attrs):
    return ctx.op(node, "Activation", [ctx.symbol(node.input[0])], {"act_type": ACTIVATIONS[node.op_type]})


@converts("LeakyRelu", "Elu")
def leaky(ctx, node, attrs):
    act_type, default = ("leaky", 0.01) if node.op_type == "LeakyRelu" else ("elu", 1.0)
    return ctx.op(node, "LeakyReLU", [ctx.symbol(node.input[0])],
                  {"act_type": act_type, "slope": attrs.get("alpha", default)})


@converts("PRelu")
def prelu(ctx, node, attrs):
    slope = ctx.constant(node.input[1], "PRelu's slope")
    channels = ctx.shape(node.input[0])[1]
    if slope.size not in (1, channels):
        raise _error(node, f"slope of shape {slope.shape} is not one per channel")
    return ctx.op(node, "LeakyReLU", [ctx.symbol(node.input[0])], {
        "act_type": "prelu", "gamma": ctx.parameter(node.input[1], slope.reshape(-1).astype(np.float32))})


@converts("Selu")
def selu(ctx, node, attrs):
    from ..ops.leaky_relu import SELU_ALPHA, SELU_LAMBDA
    alpha, gamma = attrs.get("alpha", 1.67326319217681884765625), attrs.get("gamma", 1.05070102214813232421875)
    if abs(alpha - SELU_ALPHA) > 1e-6 or abs(gamma - SELU_LAMBDA) > 1e-6:
        raise _error(node, f"alpha={alpha}, gamma={gamma}: only SELU's standard constants are supported")
    return ctx.op(node, "LeakyReLU", [ctx.symbol(node.input[0])], {"act_type": "selu"})


@converts("Gelu")
def gelu(ctx, node, attrs):
    if attrs.get("approximate", "none") != "none":
        raise _error(node, "the tanh approximation of GELU is not supported")
    return ctx.op(node, "LeakyReLU", [ctx.symbol(node.input[0])], {"act_type": "gelu"})


@converts("Clip")
def clip(ctx, node, attrs):
    low, high = attrs.get("min", -FLOAT_MAX), attrs.get("max", FLOAT_MAX)
    if _optional(node, 1):
        low = float(ctx.constant(node.input[1], "Clip's min"))
    if _optional(node, 2):
        high = float(ctx.constant(node.input[2], "Clip's max"))
    return ctx.op(node, "clip", [ctx.symbol(node.input[0])], {"a_min": low, "a_max": high})


def _hard_sigmoid(ctx, node, data, alpha, beta, suffix=""):
    scaled = ctx.op(node, "_mul_scalar", [data], {"scalar": alpha}, suffix=suffix + "_scale")
    shifted = ctx.op(node, "_plus_scalar", [scaled], {"scalar": beta}, suffix=suffix + "_shift")
    return ctx.op(node, "clip", [shifted], {"a_min": 0.0, "a_max": 1.0}, suffix=suffix)


@converts("HardSigmoid")
def hard_sigmoid(ctx, node, attrs):
    return _hard_sigmoid(ctx, node, ctx.symbol(node.input[0]), attrs.get("alpha", 0.2), attrs.get("beta", 0.5))


@converts("HardSwish")
def hard_swish(ctx, node, attrs):
    data = ctx.symbol(node.input[0])
    gate = _hard_sigmoid(ctx, node, data, 1 / 6, 0.5, suffix="_gate")
    return ctx.op(node, "elemwise_mul", [data, gate])


UNARY = {"Exp": "exp", "Log": "log", "Sqrt": "sqrt", "Abs": "abs", "Neg": "negative", "Reciprocal": "reciprocal",
         "Erf": "erf", "Sin": "sin", "Cos": "cos"}


@converts(*UNARY)
def unary(ctx, node, attrs):
    return ctx.op(node, UNARY[node.op_type], [ctx.symbol(node.input[0])])


@converts("Cast", "CastLike")
def cast(ctx, node, attrs):
    """The network computes in float32: a cast to float32 is the identity."""
    if node.op_type == "CastLike" and ctx.is_constant(node.input[0]):
        return ctx.constant(node.input[0]).astype(np.float32)   # like a network value: float32
    if node.op_type == "CastLike":
        like = ctx.constant(node.input[1], "CastLike's target") if ctx.is_constant(node.input[1]) else None
        to_float = like is None or like.dtype == np.float32
    else:
        to_float = attrs["to"] == 1   # FLOAT
    if not to_float:
        raise _error(node, "casting the network's values to a type other than float32 is not supported")
    return ctx.symbol(node.input[0])


@converts("Identity", "Dropout")
def identity(ctx, node, attrs):
    return ctx.symbol(node.input[0])


@converts("Constant")
def constant(ctx, node, attrs):
    from onnx import numpy_helper
    if "value" in attrs:
        return numpy_helper.to_array(attrs["value"])
    for key, dtype in (("value_float", np.float32), ("value_int", np.int64),
                       ("value_floats", np.float32), ("value_ints", np.int64)):
        if key in attrs:
            return np.array(attrs[key], dtype)
    raise _error(node, f"unsupported Constant attributes {sorted(attrs)}")


# ----- elementwise arithmetic --------------------------------------------------------

BINARY = {"Add": ("broadcast_add", "_plus_scalar", "_plus_scalar"),
          "Sub": ("broadcast_sub", "_minus_scalar", "_rminus_scalar"),
          "Mul": ("broadcast_mul", "_mul_scalar", "_mul_scalar"),
          "Div": ("broadcast_div", "_div_scalar", "_rdiv_scalar"),
          "Pow": ("broadcast_power", "_power_scalar", "_rpower_scalar"),
          "Max": ("broadcast_maximum", "_maximum_scalar", "_maximum_scalar"),
          "Min": ("broadcast_minimum", "_minimum_scalar", "_minimum_scalar")}


@converts(*BINARY)
def binary(ctx, node, attrs):
    if len(node.input) != 2:
        raise _error(node, f"{len(node.input)} inputs; only two are supported")
    lhs, rhs = node.input
    tensor_op, scalar_op, reversed_op = BINARY[node.op_type]
    for data, other, op_name in ((lhs, rhs, scalar_op), (rhs, lhs, reversed_op)):
        if ctx.is_constant(other) and ctx.constant(other).size == 1 and not ctx.is_constant(data):
            return ctx.op(node, op_name, [ctx.symbol(data)], {"scalar": float(ctx.constant(other).reshape(()))})
    return ctx.op(node, tensor_op, [ctx.symbol(lhs), ctx.symbol(rhs)])


@converts("Sum")
def add_n(ctx, node, attrs):
    return ctx.op(node, "add_n", [ctx.symbol(name) for name in node.input])


# ----- shapes ------------------------------------------------------------------------

def _axis(axis, ndim):
    return axis + ndim if axis < 0 else axis


@converts("Concat")
def concat(ctx, node, attrs):
    ndim = len(ctx.shape(node.input[0]))
    return ctx.op(node, "Concat", [ctx.symbol(name) for name in node.input],
                  {"dim": _axis(attrs["axis"], ndim)})


@converts("Flatten")
def flatten(ctx, node, attrs):
    shape = ctx.shape(node.input[0])
    axis = _axis(attrs.get("axis", 1), len(shape))
    if axis == 1:
        return ctx.op(node, "Flatten", [ctx.symbol(node.input[0])])
    target = (int(np.prod(shape[:axis])), int(np.prod(shape[axis:])))
    return ctx.op(node, "Reshape", [ctx.symbol(node.input[0])], {"shape": target})


@converts("Reshape")
def reshape(ctx, node, attrs):
    target = [int(v) for v in ctx.constant(node.input[1], "Reshape's shape")]
    shape = ctx.shape(node.input[0])
    if attrs.get("allowzero", 0) and 0 in target:
        raise _error(node, "allowzero=1 with a 0 in the shape is not supported")
    if target and shape and target[0] == shape[0] and -1 in target[1:]:
        target[0] = 0   # the batch axis was folded from a shape; keep it free
    return ctx.op(node, "Reshape", [ctx.symbol(node.input[0])], {"shape": tuple(target)})


@converts("Transpose")
def transpose(ctx, node, attrs):
    ndim = len(ctx.shape(node.input[0]))
    perm = tuple(attrs.get("perm", reversed(range(ndim))))
    return ctx.op(node, "transpose", [ctx.symbol(node.input[0])], {"axes": perm})


def _axes_of(ctx, node, attrs):
    if "axes" in attrs:
        return [int(a) for a in attrs["axes"]]
    name = _optional(node, 1)
    return None if name is None else [int(a) for a in ctx.constant(name, "axes")]


@converts("Squeeze")
def squeeze(ctx, node, attrs):
    ndim = len(ctx.shape(node.input[0]))
    axes = _axes_of(ctx, node, attrs)
    options = {} if axes is None else {"axis": tuple(_axis(a, ndim) for a in axes)}
    return ctx.op(node, "squeeze", [ctx.symbol(node.input[0])], options)


@converts("Unsqueeze")
def unsqueeze(ctx, node, attrs):
    ndim = len(ctx.shape(node.input[0]))
    axes = sorted(_axis(a, ndim + len(_axes_of(ctx, node, attrs))) for a in _axes_of(ctx, node, attrs))
    data = ctx.symbol(node.input[0])
    for position, axis in enumerate(axes):
        last = position == len(axes) - 1
        data = ctx.op(node, "expand_dims", [data], {"axis": axis}, suffix="" if last else f"_{position}")
    return data


@converts("Pad")
def pad(ctx, node, attrs):
    mode = attrs.get("mode", "constant")
    pads = attrs.get("pads") or [int(v) for v in ctx.constant(node.input[1], "Pad's pads")]
    value = attrs.get("value", 0.0)
    if _optional(node, 2):
        value = float(ctx.constant(node.input[2], "Pad's value"))
    if _optional(node, 3):
        raise _error(node, "the axes input of Pad is not supported")
    n = len(pads) // 2
    widths = tuple(v for pair in zip(pads[:n], pads[n:]) for v in pair)
    return ctx.op(node, "Pad", [ctx.symbol(node.input[0])],
                  {"mode": mode, "pad_width": widths, "constant_value": value})


@converts("Resize", "Upsample")
def resize(ctx, node, attrs):
    """Nearest-neighbour upsampling by whole factors (what classifiers' FPN-like heads use)."""
    if attrs.get("mode", "nearest") != "nearest":
        raise _error(node, f"mode={attrs.get('mode')!r}: only nearest resizing is supported")
    shape = ctx.shape(node.input[0])
    scales = _resize_scales(ctx, node, shape)
    if scales[:2] != [1.0, 1.0] or any(s != int(s) or s < 1 for s in scales):
        raise _error(node, f"scales {scales}: only whole upsampling factors of the spatial axes are supported")
    data = ctx.symbol(node.input[0])
    for axis, factor in enumerate(scales):
        if axis >= 2 and factor > 1:
            data = ctx.op(node, "repeat", [data], {"repeats": int(factor), "axis": axis}, suffix=f"_axis{axis}")
    return data


def _resize_scales(ctx, node, shape):
    if node.op_type == "Upsample":
        return [float(v) for v in ctx.constant(node.input[1], "scales")]
    scales_name, sizes_name = _optional(node, 2), _optional(node, 3)
    if scales_name and ctx.constant(scales_name).size:
        return [float(v) for v in ctx.constant(scales_name, "scales")]
    if sizes_name:
        return [size / dim for size, dim in zip(ctx.constant(sizes_name, "sizes"), shape)]
    raise _error(node, "neither scales nor sizes given")


@converts("Softmax", "LogSoftmax")
def softmax(ctx, node, attrs):
    ndim = len(ctx.shape(node.input[0]))
    axis = _axis(attrs.get("axis", -1 if ctx.opset >= 13 else 1), ndim)
    if ctx.opset < 13 and axis != ndim - 1:
        raise _error(node, "opset < 13 softmax over several axes is not supported")
    op_name = "softmax" if node.op_type == "Softmax" else "log_softmax"
    return ctx.op(node, op_name, [ctx.symbol(node.input[0])], {"axis": axis})


REDUCTIONS = {"ReduceMean": "mean", "ReduceSum": "sum", "ReduceMax": "max", "ReduceMin": "min"}


@converts(*REDUCTIONS)
def reduce(ctx, node, attrs):
    axes = _axes_of(ctx, node, attrs)
    options = {"keepdims": bool(attrs.get("keepdims", 1))}
    if axes:
        options["axis"] = tuple(axes)
    elif attrs.get("noop_with_empty_axes", 0):
        return ctx.symbol(node.input[0])
    return ctx.op(node, REDUCTIONS[node.op_type], [ctx.symbol(node.input[0])], options)


@converts("LRN")
def lrn(ctx, node, attrs):
    return ctx.op(node, "LRN", [ctx.symbol(node.input[0])], {
        "nsize": attrs["size"], "alpha": attrs.get("alpha", 1e-4), "beta": attrs.get("beta", 0.75),
        "knorm": attrs.get("bias", 1.0)})


@converts("InstanceNormalization")
def instance_norm(ctx, node, attrs):
    scale, bias = node.input[1:3]
    return ctx.op(node, "InstanceNorm", [ctx.symbol(node.input[0])], {
        "gamma": ctx.parameter(scale, ctx.constant(scale, "InstanceNormalization's scale")),
        "beta": ctx.parameter(bias, ctx.constant(bias, "InstanceNormalization's B")),
        "eps": attrs.get("epsilon", 1e-5)})


@converts("DepthToSpace", "SpaceToDepth")
def blocks(ctx, node, attrs):
    if node.op_type == "DepthToSpace" and attrs.get("mode", "DCR") != "DCR":
        raise _error(node, f"mode={attrs.get('mode')!r}: only DCR (depth-column-row) order is supported")
    op_name = "depth_to_space" if node.op_type == "DepthToSpace" else "space_to_depth"
    return ctx.op(node, op_name, [ctx.symbol(node.input[0])], {"block_size": attrs["blocksize"]})
