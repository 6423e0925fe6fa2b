"""One function per TF op: ``handler(lowering, node, *inputs) -> Tensor | [Tensor]``.

Inputs are ``Tensor``s (computed values) or NumPy arrays (constants). The layout rules
(``perm``) and the fusions are explained in ``lower.py``.
"""
from __future__ import annotations

import numpy as np

from ...errors import GraphError
from .lower import Tensor

NHWC = (0, 3, 1, 2)      # physical NCHW holding a TF NHWC tensor
NCHW = (0, 1, 2, 3)


def _const(node, value, what):
    if not isinstance(value, np.ndarray):
        raise GraphError(f"node {node.name!r} ({node.op}): its {what} must be a constant; "
                         f"Net Studio imports fixed-shape graphs only")
    return value


def _layout(node):
    fmt = node.attrs.get("data_format") or "NHWC"
    if fmt not in ("NHWC", "NCHW"):
        raise GraphError(f"node {node.name!r} ({node.op}): data_format {fmt!r} is not supported (NHWC, NCHW)")
    return (NHWC if fmt == "NHWC" else NCHW), fmt


def _spatial(node, key, fmt, default=1):
    values = node.attrs.get(key) or [default] * 4
    return (values[1], values[2]) if fmt == "NHWC" else (values[2], values[3])


def _window_pads(node, layout, kernel, stride, dilation, x, fill):
    """(input Tensor, (pad_h, pad_w)): a preceding constant pad of ``fill`` folded in,
    plus the op's own SAME/EXPLICIT padding, all symmetric."""
    pads = [(0, 0), (0, 0)]
    if x.padded is not None and _pad_fill_matches(x.padded[2], fill):
        inner, tf_pads, _ = x.padded
        outer = [tf_pads[a] for a in layout]   # (n, c, h, w) order
        if outer[0] == (0, 0) and outer[1] == (0, 0) and all(b == a for b, a in outer[2:]):
            pads, x = [outer[2], outer[3]], inner
    mode = node.attrs.get("padding") or "VALID"
    if mode == "SAME":
        for axis in range(2):
            total = (kernel[axis] - 1) * dilation[axis]
            if stride[axis] != 1 or total % 2:
                raise GraphError(f"node {node.name!r} ({node.op}): SAME padding with stride {stride} and "
                                 f"kernel {kernel} is asymmetric; Net Studio imports symmetric padding only")
            pads[axis] = (pads[axis][0] + total // 2, pads[axis][1] + total // 2)
    elif mode == "EXPLICIT":
        explicit = node.attrs.get("explicit_paddings") or [0] * 8
        pairs = [tuple(explicit[2 * a:2 * a + 2]) for a in (layout if len(explicit) == 8 else range(4))]
        if any(b != a for b, a in pairs[2:]) or any(pairs[:2][i] != (0, 0) for i in range(2)):
            raise GraphError(f"node {node.name!r} ({node.op}): explicit paddings {explicit} are asymmetric")
        pads = [(pads[i][0] + pairs[2 + i][0], pads[i][1] + pairs[2 + i][1]) for i in range(2)]
    elif mode != "VALID":
        raise GraphError(f"node {node.name!r} ({node.op}): padding {mode!r} is not supported")
    return x, (pads[0][0], pads[1][0])


def _pad_fill_matches(value, fill):
    return value == fill or (fill == -np.inf and value <= np.finfo(np.float32).min)


def conv2d(low, node, x, weight):
    weight = _const(node, weight, "filter")
    layout, fmt = _layout(node)
    kernel, stride = weight.shape[:2], _spatial(node, "strides", fmt)
    dilation = _spatial(node, "dilations", fmt)
    x, pad = _window_pads(node, layout, kernel, stride, dilation, x, 0.0)
    recipe = {"data": (x, layout), "weight": weight.transpose(3, 2, 0, 1), "bias": None, "tf_name": node.name,
              "attrs": {"kernel": tuple(kernel), "stride": stride, "dilate": dilation, "pad": pad,
                        "num_filter": int(weight.shape[3])}}
    return _conv_tensor(low, recipe, layout)


def _conv_tensor(low, recipe, layout):
    def build():
        name = low.unique(recipe["tf_name"])
        data = low.physical(*recipe["data"])
        inputs = {"weight": low.param(f"{name}_weight", recipe["weight"])}
        if recipe["bias"] is not None:
            inputs["bias"] = low.param(f"{name}_bias", recipe["bias"])
        attrs = dict(recipe["attrs"], no_bias=recipe["bias"] is None)
        return low.op("Convolution", [data], dict(inputs, **attrs), name)
    return low.derived(build, layout, conv=recipe)


def add(low, node, a, b):
    if isinstance(a, np.ndarray):
        a, b = b, a
    if isinstance(b, np.ndarray):
        return _add_constant(low, node, a, b)
    return low.derived(lambda: low.op("broadcast_add", [a.data.sym, low.physical(b, a.perm)], {},
                                      low.unique(node.name)), a.perm)


def _add_constant(low, node, x, value):
    full = value.reshape((1,) * (x.rank - value.ndim) + value.shape)
    if x.conv is not None and x.conv["bias"] is None and x.rank == 4:
        channel_axis = x.perm[1]        # the TF axis the convolution's channels sit on
        per_channel = [d == 1 for i, d in enumerate(full.shape) if i != channel_axis]
        if all(per_channel) and full.shape[channel_axis] in (1, x.conv["attrs"]["num_filter"]):
            bias = np.broadcast_to(full.reshape(-1), (x.conv["attrs"]["num_filter"],))
            return _conv_tensor(low, dict(x.conv, bias=bias.astype(np.float32)), x.perm)
    physical = np.transpose(full, x.perm)

    def build():
        name = low.unique(node.name)
        return low.op("broadcast_add", [x.data.sym, low.param(f"{name}_constant", physical)], {}, name)
    return low.derived(build, x.perm)


def transpose(low, node, x, perm):
    perm = [int(p) for p in _const(node, perm, "perm")]
    inverse = [perm.index(axis) for axis in range(len(perm))]
    new_perm = tuple(inverse[axis] for axis in x.perm)
    padded = None
    if x.padded is not None:
        inner, pads, value = x.padded
        inner = Tensor(inner.data, tuple(inverse[axis] for axis in inner.perm))
        padded = (inner, [pads[p] for p in perm], value)
    return Tensor(x.data, new_perm, conv=x.conv, padded=padded)


def pad(low, node, x, paddings, value=None):
    pairs = [tuple(int(v) for v in row) for row in _const(node, paddings, "paddings")]
    fill = float(_const(node, value, "constant value")) if value is not None else 0.0
    physical_pairs = [pairs[axis] for axis in x.perm]

    def build():
        if x.rank not in (4, 5) or any(physical_pairs[0]) or any(physical_pairs[1]):
            raise GraphError(f"node {node.name!r} ({node.op}): pads {pairs} touch the batch or channel "
                             f"axis; Net Studio's Pad pads spatial axes only")
        flat = tuple(v for pair in physical_pairs for v in pair)
        return low.op("Pad", [x.data.sym], {"mode": "constant", "pad_width": flat, "constant_value": fill},
                      low.unique(node.name))
    return low.derived(build, x.perm, padded=(x, pairs, fill))


def max_pool(low, node, x):
    layout, fmt = _layout(node)
    kernel, stride = _spatial(node, "ksize", fmt), _spatial(node, "strides", fmt)
    x, pad_hw = _window_pads(node, layout, kernel, stride, (1, 1), x, -np.inf)
    attrs = {"kernel": kernel, "stride": stride, "pad": pad_hw, "pool_type": "max", "pooling_convention": "valid"}
    return low.derived(lambda: low.op("Pooling", [low.physical(x, layout)], attrs, low.unique(node.name)), layout)


def resize_bilinear(low, node, x, size):
    height, width = (int(v) for v in _const(node, size, "size"))
    attrs = {"height": height, "width": width, "align_corners": bool(node.attrs.get("align_corners")),
             "half_pixel_centers": bool(node.attrs.get("half_pixel_centers"))}
    return low.derived(lambda: low.op("BilinearResize2D", [low.physical(x, NHWC)], attrs, low.unique(node.name)), NHWC)


def unary(op_name, fixed=None, **attrs):
    """A handler for an elementwise op: same layout out as in. ``attrs`` maps our attribute
    to (TF attribute, default); ``fixed`` attributes are always set."""
    def handler(low, node, x):
        values = dict(fixed or {}, **{key: node.attrs.get(tf_key, default) for key, (tf_key, default) in attrs.items()})
        return low.derived(lambda: low.op(op_name, [x.data.sym], values, low.unique(node.name)), x.perm)
    return handler


def identity(low, node, x):
    return x


def concat(low, node, *args):
    *parts, axis = args
    axis = int(_const(node, axis, "axis"))
    first = parts[0]
    axis %= first.rank
    attrs = {"dim": first.perm.index(axis), "num_args": len(parts)}

    def build():
        return low.op("Concat", [low.physical(part, first.perm) for part in parts], attrs, low.unique(node.name))
    return low.derived(build, first.perm)


def split_v(low, node, x, sizes, axis):
    sizes = [int(s) for s in _const(node, sizes, "size_splits")]
    if any(s < 0 for s in sizes):
        raise GraphError(f"node {node.name!r} (SplitV): size_splits {sizes} has an inferred (-1) part; "
                         f"Net Studio needs every size")
    dim = x.perm.index(int(_const(node, axis, "axis")) % x.rank)
    starts = np.cumsum([0] + sizes)
    return [_slice(low, node, x, dim, int(begin), int(end)) for begin, end in zip(starts[:-1], starts[1:])]


def _slice(low, node, x, dim, begin, end):
    attrs = {"axis": dim, "begin": begin, "end": end}
    return low.derived(lambda: low.op("slice_axis", [x.data.sym], attrs, low.unique(node.name)), x.perm)


def reshape(low, node, x, shape):
    shape = [int(d) for d in _const(node, shape, "shape")]
    if shape and shape[0] == 1:
        shape[0] = 0          # keep the batch axis: the graph's batch of 1 becomes any batch
    identity = tuple(range(x.rank))
    return low.derived(lambda: low.op("Reshape", [low.physical(x, identity)], {"shape": tuple(shape)},
                                      low.unique(node.name)), range(len(shape)))


HANDLERS = {
    "Conv2D": conv2d, "Add": add, "AddV2": add, "Transpose": transpose,
    "Pad": pad, "PadV2": pad, "MaxPool": max_pool, "ResizeBilinear": resize_bilinear,
    "LeakyRelu": unary("LeakyReLU", {"act_type": "leaky"}, slope=("alpha", 0.2)), "Relu": unary("relu"),
    "Sigmoid": unary("sigmoid"), "Identity": identity, "ConcatV2": concat, "SplitV": split_v,
    "Reshape": reshape,
}
