"""Moving pixels of (n, c, h, w) images, as MXNet 1.9.1 names it: depth_to_space,
space_to_depth, UpSampling (nearest) and Crop. Each backward moves the gradient back."""
from __future__ import annotations

import numpy as np

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .registry import register_op


def _image(op, shape, what="data"):
    if len(shape) != 4:
        raise op.error(f"{what} has shape {tuple(shape)}, expected (batch, channel, height, width)")
    return tuple(shape)


class _Blocks(Op):
    """depth_to_space and space_to_depth: a reshape, a transpose, a reshape."""
    category = "Tensor"
    per_sample = True   # each sample's pixels move within it
    starter_attrs = {"block_size": "2"}
    params = {"block_size": Param("int", doc="the side of the blocks moved")}

    def check(self):
        if self.block_size < 1:
            raise self.error(f"block_size must be at least 1, got {self.block_size}", GraphError)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        return [_image(self, data)], [self.out_shape(_image(self, data))], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        split, axes = self.plan(data.shape)
        out = data.reshape(split).transpose(axes).reshape(self.out_shape(data.shape))
        return [out.copy()], (data.shape, split, axes)

    def backward(self, xp, saved, out_grads, needs):
        shape, split, axes = saved
        moved = tuple(split[a] for a in axes)
        inverse = [axes.index(i) for i in range(len(axes))]
        return [out_grads[0].reshape(moved).transpose(inverse).reshape(shape).copy()]

    def onnx(self, graph, inputs, outputs):
        """ONNX's DepthToSpace (DCR order, MXNet's) and SpaceToDepth move pixels the same way."""
        kind = "DepthToSpace" if self.name == "depth_to_space" else "SpaceToDepth"
        graph.node(kind, inputs, outputs, blocksize=self.block_size, mode="DCR" if kind == "DepthToSpace" else None)


@register_op()
class DepthToSpace(_Blocks):
    name = "depth_to_space"
    doc = "Channels into blocks of pixels: (n, c·b², h, w) → (n, c, h·b, w·b)."

    def out_shape(self, shape):
        n, c, h, w = shape
        b = self.block_size
        if c % (b * b):
            raise self.error(f"channels {c} are not a multiple of block_size² = {b * b}")
        return (n, c // (b * b), h * b, w * b)

    def plan(self, shape):
        n, c, h, w = shape
        b = self.block_size
        return (n, b, b, c // (b * b), h, w), (0, 3, 4, 1, 5, 2)


@register_op()
class SpaceToDepth(_Blocks):
    name = "space_to_depth"
    doc = "Blocks of pixels into channels: (n, c, h·b, w·b) → (n, c·b², h, w)."

    def out_shape(self, shape):
        n, c, h, w = shape
        b = self.block_size
        if h % b or w % b:
            raise self.error(f"height {h} and width {w} must be multiples of block_size {b}")
        return (n, c * b * b, h // b, w // b)

    def plan(self, shape):
        n, c, h, w = shape
        b = self.block_size
        return (n, c, h // b, b, w // b, b), (0, 3, 5, 1, 2, 4)


@register_op()
class UpSampling(Op):
    name = "UpSampling"
    category = "Tensor"
    doc = ("Nearest-neighbour upsampling by scale; several inputs are each brought to the "
           "first's size × scale, then concatenated on channels or summed.")
    per_sample = True   # each sample alone
    starter_attrs = {"scale": "2", "sample_type": "nearest"}
    params = {
        "scale": Param("int", doc="the upsampling factor"),
        "sample_type": Param("str", doc="nearest (bilinear needs a deconvolution weight: not supported)",
                             choices=("nearest", "bilinear")),
        "num_filter": Param("int", 0, "bilinear only"),
        "multi_input_mode": Param("str", "concat", "several inputs: concat or sum", choices=("concat", "sum")),
        "num_args": Param("int", 1, "number of inputs"),
        "workspace": Param("int", 512, "MXNet's workspace in MB (no effect here)"),
    }

    def check(self):
        if self.sample_type == "bilinear":
            raise self.error("sample_type='bilinear' (a Deconvolution with a weight input) is not "
                             "supported; use sample_type='nearest' or BilinearResize2D", GraphError)
        if self.scale < 1 or self.num_args < 1:
            raise self.error("scale and num_args must be at least 1", GraphError)

    def list_arguments(self):
        return [f"arg{i}" for i in range(self.num_args)]

    def _scales(self, shapes):
        out_h, out_w = shapes[0][2] * self.scale, shapes[0][3] * self.scale
        scales = []
        for index, shape in enumerate(shapes):
            _image(self, shape, f"input {index}")
            if out_h % shape[2] or out_w % shape[3] or out_h // shape[2] != out_w // shape[3]:
                raise self.error(f"input {index} {tuple(shape)} does not scale evenly to ({out_h}, {out_w})")
            scales.append(out_h // shape[2])
        return scales, (out_h, out_w)

    def infer_shape(self, in_shapes):
        if any(s is None for s in in_shapes):
            return in_shapes, [None], []
        _, (out_h, out_w) = self._scales(in_shapes)
        n = in_shapes[0][0]
        if self.multi_input_mode == "sum":
            channels = in_shapes[0][1]
            for index, shape in enumerate(in_shapes):
                if shape[1] != channels:
                    raise self.error(f"input {index} has {shape[1]} channels, expected {channels} to sum")
        else:
            channels = sum(s[1] for s in in_shapes)
        return [tuple(s) for s in in_shapes], [(n, channels, out_h, out_w)], []

    def forward(self, xp, inputs, aux, is_train):
        scales, _ = self._scales([x.shape for x in inputs])
        ups = [x.repeat(s, axis=2).repeat(s, axis=3) for x, s in zip(inputs, scales)]
        if self.multi_input_mode == "sum":
            out = ups[0]
            for up in ups[1:]:
                out = out + up
        else:
            out = xp.concatenate(ups, axis=1)
        return [out], ([x.shape for x in inputs], scales)

    def onnx(self, graph, inputs, outputs):
        """Resize, nearest, per input (whole factors: asymmetric coordinates, floor), then
        Concat on channels or Sum."""
        scales, _ = self._scales([graph.shape(name) for name in inputs])
        ups = []
        for name, scale in zip(inputs, scales):
            up = outputs[0] if len(inputs) == 1 else graph.fresh(f"{outputs[0]}_up")
            factors = graph.constant("scales", np.array([1, 1, scale, scale], np.float32))
            graph.node("Resize", [name, "", factors], [up], mode="nearest", nearest_mode="floor",
                       coordinate_transformation_mode="asymmetric")
            ups.append(up)
        if len(inputs) > 1:
            graph.node("Sum" if self.multi_input_mode == "sum" else "Concat", ups, outputs,
                       axis=None if self.multi_input_mode == "sum" else 1)

    def backward(self, xp, saved, out_grads, needs):
        shapes, scales = saved
        g = out_grads[0]
        grads, start = [], 0
        for shape, s in zip(shapes, scales):
            part = g if self.multi_input_mode == "sum" else g[:, start:start + shape[1]]
            start += shape[1]
            n, c, h, w = shape
            grads.append(part.reshape(n, c, h, s, w, s).sum(axis=(3, 5)))
        return grads


@register_op()
class Crop(Op):
    name = "Crop"
    category = "Tensor"
    doc = ("A window of each image: size h_w, or the second input's height and width; at "
           "offset, or centred (center_crop).")
    per_sample = True   # each sample alone
    starter_attrs = {"h_w": "(1, 1)"}
    params = {
        "num_args": Param("int", 1, "1: crop to h_w; 2: crop to the second input's size"),
        "offset": Param("shape", (0, 0), "(y, x) of the window's corner"),
        "h_w": Param("shape", (0, 0), "(height, width) of the window, with one input"),
        "center_crop": Param("bool", False, "centre the window instead of using offset"),
    }

    def check(self):
        if self.num_args not in (1, 2):
            raise self.error(f"num_args must be 1 or 2, got {self.num_args}", GraphError)
        if self.num_args == 1 and min(self.h_w) < 1:
            raise self.error(f"h_w={self.h_w}: give the window size (or a second input)", GraphError)

    def list_arguments(self):
        return ["data", "crop_like"][:self.num_args]

    def _window(self, data, like):
        _image(self, data)
        h, w = (like[2], like[3]) if self.num_args == 2 else self.h_w
        if self.center_crop:
            top, left = (data[2] - h) // 2, (data[3] - w) // 2
        else:
            top, left = self.offset
        if top < 0 or left < 0 or top + h > data[2] or left + w > data[3]:
            raise self.error(f"a ({h}, {w}) window at ({top}, {left}) does not fit data {tuple(data)}")
        return top, left, h, w

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        like = in_shapes[1] if self.num_args == 2 else None
        if data is None or (self.num_args == 2 and like is None):
            return in_shapes, [None], []
        _, _, h, w = self._window(data, like)
        return [tuple(s) for s in in_shapes], [(data[0], data[1], h, w)], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        top, left, h, w = self._window(data.shape, inputs[1].shape if self.num_args == 2 else None)
        return [data[:, :, top:top + h, left:left + w].copy()], (data.shape, (top, left, h, w), inputs[1:])

    def backward(self, xp, saved, out_grads, needs):
        shape, (top, left, h, w), others = saved
        grad = xp.zeros(shape, dtype=out_grads[0].dtype)
        grad[:, :, top:top + h, left:left + w] = out_grads[0]
        return [grad] + [xp.zeros_like(x) for x in others]

    def onnx(self, graph, inputs, outputs):
        like = graph.shape(inputs[1]) if self.num_args == 2 else None
        top, left, h, w = self._window(graph.shape(inputs[0]), like)
        graph.slice(inputs[0], outputs[0], [top, left], [top + h, left + w], [2, 3])
