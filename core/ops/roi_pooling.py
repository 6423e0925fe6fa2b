"""ROIPooling, as MXNet 1.9.1 computes it: each region of interest (batch index, x1, y1,
x2, y2 in image pixels, scaled by spatial_scale and rounded) split into pooled_size bins,
each bin's maximum per channel (0 for an empty bin). The gradient goes to each maximum."""
from __future__ import annotations

import math

import numpy as np

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .registry import register_op


def _c_round(value):
    """C's round(): halves away from zero (NumPy's rounds them to even)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


@register_op()
class ROIPooling(Op):
    name = "ROIPooling"
    category = "Pooling"
    doc = "Max-pool each region of interest (rois: (k, 5) of batch index, x1, y1, x2, y2) to pooled_size."
    per_sample = False   # a region names its image by index
    starter_attrs = {"pooled_size": "(2, 2)", "spatial_scale": "1"}
    params = {
        "pooled_size": Param("shape", doc="(h, w) of each pooled region"),
        "spatial_scale": Param("float", doc="feature-map size over image size"),
    }

    def check(self):
        if len(self.pooled_size) != 2 or min(self.pooled_size) < 1:
            raise self.error(f"pooled_size must be (h, w) of positive sizes, got {self.pooled_size}", GraphError)

    def list_arguments(self):
        return ["data", "rois"]

    def infer_shape(self, in_shapes):
        data, rois = in_shapes
        if data is None or rois is None:
            return in_shapes, [None], []
        if len(data) != 4 or len(rois) != 2 or rois[1] != 5:
            raise self.error(f"data {tuple(data)} and rois {tuple(rois)}: expected (n, c, h, w) and (k, 5)")
        return [tuple(data), tuple(rois)], [(rois[0], data[1]) + tuple(self.pooled_size)], []

    def _bins(self, roi, height, width):
        """Per output cell: (region index, row, column, row slice, column slice)."""
        scale = np.float32(self.spatial_scale)
        x1, y1, x2, y2 = (_c_round(np.float32(v) * scale) for v in roi[1:])
        roi_h, roi_w = max(y2 - y1 + 1, 1), max(x2 - x1 + 1, 1)
        ph, pw = self.pooled_size
        bin_h, bin_w = np.float32(roi_h) / np.float32(ph), np.float32(roi_w) / np.float32(pw)
        for i in range(ph):
            top = min(max(int(math.floor(np.float32(i) * bin_h)) + y1, 0), height)
            bottom = min(max(int(math.ceil(np.float32(i + 1) * bin_h)) + y1, 0), height)
            for j in range(pw):
                left = min(max(int(math.floor(np.float32(j) * bin_w)) + x1, 0), width)
                right = min(max(int(math.ceil(np.float32(j + 1) * bin_w)) + x1, 0), width)
                yield i, j, slice(top, bottom), slice(left, right)

    def forward(self, xp, inputs, aux, is_train):
        data, rois = inputs
        n, c, h, w = data.shape
        ph, pw = self.pooled_size
        out = xp.zeros((rois.shape[0], c, ph, pw), dtype=data.dtype)
        winners = []   # (roi, i, j, flat index within the image's (h, w) per channel) or None
        host_rois = np.asarray(rois.get() if hasattr(rois, "get") else rois)
        for k, roi in enumerate(host_rois):
            image = int(roi[0])
            if not 0 <= image < n:
                raise self.error(f"roi {k} names image {image}; the batch has {n}", GraphError)
            for i, j, rows, cols in self._bins(roi, h, w):
                window = data[image, :, rows, cols].reshape(c, -1)
                if window.shape[1] == 0:
                    continue   # an empty bin gives 0, as MXNet
                best = window.argmax(axis=1)
                out[k, :, i, j] = window[xp.arange(c), best]
                r, q = xp.divmod(best, cols.stop - cols.start)
                winners.append((k, i, j, image, r + rows.start, q + cols.start))
        return [out], (data.shape, winners)

    def backward(self, xp, saved, out_grads, needs):
        shape, winners = saved
        g = out_grads[0]
        grad = xp.zeros(shape, dtype=g.dtype)
        channels = xp.arange(shape[1])
        for k, i, j, image, rows, cols in winners:
            xp.add.at(grad, (image, channels, rows, cols), g[k, :, i, j])
        return [grad, None]
