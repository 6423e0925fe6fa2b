"""An independent NumPy interpreter of TF.js graph models, for the import tests: it reads
model.json and the shard itself and runs the TF graph op by op in TF's own layout
(NHWC convolutions, Transposes executed), in float64. It shares no code with
core.importers.tfjs."""
import base64
import json
from pathlib import Path

import numpy as np

SIZES = {"float32": 4, "int32": 4, "float16": 2, "uint8": 1, "uint16": 2}


def read_constants(path):
    doc = json.loads(Path(path).read_text())
    values = {}
    for group in doc["weightsManifest"]:
        blob = b"".join((Path(path).parent / p).read_bytes() for p in group["paths"])
        at = 0
        for w in group["weights"]:
            q = (w.get("quantization") or {}).get("dtype")
            stored = q or w["dtype"]
            n = int(np.prod(w["shape"], dtype=np.int64))
            raw = blob[at:at + n * SIZES[stored]]
            at += n * SIZES[stored]
            kind = {"float32": "<f4", "int32": "<i4", "float16": "<f2", "uint8": "u1", "uint16": "<u2"}[stored]
            a = np.frombuffer(raw, kind).astype(np.float64)
            if q in ("uint8", "uint16"):
                a = a * w["quantization"]["scale"] + w["quantization"]["min"]
            values[w["name"]] = a.reshape(w["shape"])
    return doc, values


def attr(node, key, default=None):
    value = node.get("attr", {}).get(key)
    if value is None:
        return default
    if "s" in value:
        return base64.b64decode(value["s"]).decode()
    if "list" in value:
        return [int(i) for i in value["list"].get("i", [])]
    if "f" in value:
        return float(value["f"])
    if "b" in value:
        return bool(value["b"])
    return value


def conv2d_nhwc(x, w, strides):
    kh, kw = w.shape[:2]
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(1, 2))  # n,oh,ow,c,kh,kw
    windows = windows[:, ::strides[1], ::strides[2]]
    return np.einsum("nhwcij,ijco->nhwo", windows, w, optimize=True)


def max_pool_nhwc(x, ksize, strides):
    windows = np.lib.stride_tricks.sliding_window_view(x, (ksize[1], ksize[2]), axis=(1, 2))
    return windows[:, ::strides[1], ::strides[2]].max(axis=(-2, -1))


def resize_bilinear_nhwc(x, size, half_pixel, align_corners=False):
    # TF's kernel, pixel by pixel: source coordinate, floor/ceil neighbours, lerp
    n, h, w, c = x.shape
    out_h, out_w = size

    def coords(out_size, in_size):
        scale = in_size / out_size
        if align_corners:
            scale = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        src = [((i + 0.5) * scale - 0.5) if half_pixel else i * scale for i in range(out_size)]
        return [(max(int(np.floor(s)), 0), min(int(np.ceil(s)), in_size - 1), s - np.floor(s)) for s in src]
    out = np.zeros((n, out_h, out_w, c))
    for i, (top, bottom, dy) in enumerate(coords(out_h, h)):
        for j, (left, right, dx) in enumerate(coords(out_w, w)):
            upper = x[:, top, left] + (x[:, top, right] - x[:, top, left]) * dx
            lower = x[:, bottom, left] + (x[:, bottom, right] - x[:, bottom, left]) * dx
            out[:, i, j] = upper + (lower - upper) * dy
    return out


def run(path, inputs):
    """{output name: array} of the graph at ``path`` fed ``inputs`` ({placeholder: array})."""
    doc, consts = read_constants(path)
    nodes = {n["name"]: n for n in doc["modelTopology"]["node"]}
    cache = {}

    def value(ref):
        name, _, index = ref.partition(":")
        index = int(index or 0)
        if (name, index) not in cache:
            evaluate(nodes[name])
        return cache[(name, index)]

    def evaluate(node):
        op, name = node["op"], node["name"]
        args = [value(r) for r in node.get("input", []) if not r.startswith("^")]
        if op == "Const":
            result = consts[name]
        elif op == "Placeholder":
            result = np.asarray(inputs[name], np.float64)
        elif op in ("Identity",):
            result = args[0]
        elif op in ("Add", "AddV2"):
            result = args[0] + args[1]
        elif op == "Transpose":
            result = np.transpose(args[0], args[1].astype(int))
        elif op in ("Pad", "PadV2"):
            fill = float(args[2]) if op == "PadV2" else 0.0
            result = np.pad(args[0], args[1].astype(int), constant_values=fill)
        elif op == "Conv2D":
            assert attr(node, "data_format", "NHWC") == "NHWC"
            x = args[0]
            if attr(node, "padding") == "SAME":    # stride 1: (k - 1) / 2 on each side
                ph, pw = (args[1].shape[0] - 1) // 2, (args[1].shape[1] - 1) // 2
                x = np.pad(x, [(0, 0), (ph, ph), (pw, pw), (0, 0)])
            result = conv2d_nhwc(x, args[1], attr(node, "strides"))
        elif op == "Relu":
            result = np.maximum(args[0], 0)
        elif op == "LeakyRelu":
            result = np.where(args[0] > 0, args[0], attr(node, "alpha", 0.2) * args[0])
        elif op == "MaxPool":
            assert attr(node, "padding") == "VALID"
            result = max_pool_nhwc(args[0], attr(node, "ksize"), attr(node, "strides"))
        elif op == "ConcatV2":
            result = np.concatenate(args[:-1], axis=int(args[-1]))
        elif op == "ResizeBilinear":
            result = resize_bilinear_nhwc(args[0], args[1].astype(int), attr(node, "half_pixel_centers", False),
                                          attr(node, "align_corners", False))
        elif op == "SplitV":
            bounds = np.cumsum(args[1].astype(int))[:-1]
            for i, part in enumerate(np.split(args[0], bounds, axis=int(args[2]))):
                cache[(name, i)] = part
            return
        elif op == "Sigmoid":
            result = 1 / (1 + np.exp(-args[0]))
        elif op == "Reshape":
            result = args[0].reshape(args[1].astype(int))
        elif op == "SparseToDense":
            result = np.full(args[1].astype(int), args[3])
            indices = args[0].astype(int).reshape(len(args[0]), result.ndim)
            for index, v in zip(indices, np.broadcast_to(args[2], len(indices))):
                result[tuple(index)] = v
        else:
            raise NotImplementedError(op)
        cache[(name, 0)] = result

    outputs = doc["signature"]["outputs"]
    return {key.split(":")[0]: value(key) for key in outputs}
