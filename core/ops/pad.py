"""Pad: add borders to the spatial axes of 4-D or 5-D data, as MXNet does."""
from __future__ import annotations

import numpy as np

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .registry import register_op


@register_op("pad")
class Pad(Op):
    name = "Pad"
    category = "Tensor"
    doc = ("Pad the spatial axes of (n, c, h, w) or (n, c, d, h, w) data with a constant, "
           "the edge values, or a reflection. pad_width lists (before, after) for every "
           "axis: (0, 0, 0, 0, top, bottom, left, right).")
    per_sample = True
    fusion_role = "pad"
    starter_attrs = {"mode": "constant", "pad_width": "(0, 0, 0, 0, 1, 1, 1, 1)"}
    params = {
        "mode": Param("str", doc="constant, edge or reflect", choices=("constant", "edge", "reflect")),
        "pad_width": Param("shape", doc="(before, after) per axis; 0 for n and c", low=0),
        "constant_value": Param("float", 0.0, "the fill value in constant mode"),
    }

    def fusable(self):
        """A zero constant Pad: the depthwise pass reads cells outside its input as zeros."""
        return self.mode == "constant" and self.constant_value == 0

    def onnx(self, graph, inputs, outputs):
        pairs = self._pairs(graph.shape(inputs[0]))
        pads = graph.constant(f"{outputs[0]}_pads", np.array([p[0] for p in pairs] + [p[1] for p in pairs], np.int64))
        extra = [graph.constant(f"{outputs[0]}_value", np.array(self.constant_value, np.float32))] \
            if self.mode == "constant" else []
        graph.node("Pad", [inputs[0], pads, *extra], outputs, mode=self.mode)

    def check(self):
        if any(self.pad_width[:4]):
            raise self.error(f"pad_width={self.pad_width} pads the n or c axis; its first four "
                             f"values must be 0", GraphError)

    def _pairs(self, shape):
        ndim = len(shape)
        if ndim not in (4, 5):
            raise self.error(f"Pad needs 4-D or 5-D data (n, c, ...), got {tuple(shape)}")
        if len(self.pad_width) != 2 * ndim:
            raise self.error(f"pad_width={self.pad_width} has {len(self.pad_width)} values; data "
                             f"{tuple(shape)} needs {2 * ndim} (before and after each axis)")
        pairs = [tuple(self.pad_width[2 * i:2 * i + 2]) for i in range(ndim)]
        if self.mode == "reflect":
            for axis, ((before, after), size) in enumerate(zip(pairs, shape)):
                if max(before, after) >= size:
                    raise self.error(f"reflect padding of {max(before, after)} on axis {axis} "
                                     f"needs that axis to be longer; data has {size}")
        return pairs

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        pairs = self._pairs(data)
        return [tuple(data)], [tuple(d + a + b for d, (a, b) in zip(data, pairs))], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        pairs = self._pairs(data.shape)
        if self.mode == "constant":
            out = _constant_pad(xp, data, pairs, self.constant_value)
        else:
            out = xp.pad(data, pairs, mode=self.mode)
        return [out], pairs

    def backward(self, xp, pairs, out_grads, needs):
        """Fold every padded border back onto the values it copied, axis by axis."""
        grad = out_grads[0]
        for axis, (before, after) in enumerate(pairs):
            if before or after:
                grad = self._fold(xp, grad, axis, before, after)
        return [grad]

    def _fold(self, xp, grad, axis, before, after):
        g = xp.moveaxis(grad, axis, 0)
        size = g.shape[0] - before - after
        center = g[before:before + size].copy()
        if self.mode == "edge":
            center[0] += g[:before].sum(axis=0)
            center[-1] += g[before + size:].sum(axis=0)
        elif self.mode == "reflect":
            # padded position before-k mirrors position k; after the end, size-1+k mirrors size-1-k
            if before:
                center[1:before + 1] += g[:before][::-1]
            if after:
                center[size - 1 - after:size - 1] += g[before + size:][::-1]
        return xp.moveaxis(center, 0, axis)


def _constant_pad(xp, data, pairs, value):
    """Constant padding into an array with data's memory order (channels-last stays
    channels-last, so the convolution after it reads without a transposing copy)."""
    order = sorted(range(data.ndim), key=lambda axis: -abs(data.strides[axis]))
    shape = [d + a + b for d, (a, b) in zip(data.shape, pairs)]
    out = xp.empty([shape[axis] for axis in order], dtype=data.dtype).transpose(
        [order.index(axis) for axis in range(data.ndim)])
    inside = []
    for axis, (before, after) in enumerate(pairs):
        lead = (slice(None),) * axis
        if before:
            out[lead + (slice(0, before),)] = value
        if after:
            out[lead + (slice(shape[axis] - after, None),)] = value
        inside.append(slice(before, before + data.shape[axis]))
    out[tuple(inside)] = data
    return out
