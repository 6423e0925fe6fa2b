"""im2col and col2im, as MXNet 1.9.1 defines them: sliding blocks of (n, c, *spatial)
data as columns (n, c·prod(kernel), blocks), and back (overlaps added). Each is the
other's adjoint, so each one's backward is the other's forward."""
from __future__ import annotations

import itertools
import math

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .registry import register_op

_WINDOW = {
    "kernel": Param("shape", doc="block size: (w,), (h, w) or (d, h, w)"),
    "stride": Param("shape", (), "step between blocks; default 1 per axis"),
    "dilate": Param("shape", (), "spacing of kernel points; default 1 per axis"),
    "pad": Param("shape", (), "zero padding on both sides; default 0 per axis"),
}


class _Window(Op):
    category = "Tensor"
    per_sample = True   # each sample's blocks alone
    starter_attrs = {"kernel": "(2, 2)"}

    def check(self):
        k = len(self.kernel)
        for key in ("stride", "dilate", "pad"):
            value = getattr(self, key)
            if value and len(value) != k:
                raise self.error(f"{key}={value} has {len(value)} axes, kernel has {k}", GraphError)
        if k not in (1, 2, 3) or min(self.kernel) < 1:
            raise self.error(f"kernel={self.kernel}: 1 to 3 axes of size 1 or more", GraphError)

    def _geometry(self):
        k = len(self.kernel)
        return self.stride or (1,) * k, self.dilate or (1,) * k, self.pad or (0,) * k

    def blocks(self, spatial):
        """The number of block positions along each spatial axis."""
        stride, dilate, pad = self._geometry()
        out = tuple((size + 2 * p - d * (k - 1) - 1) // s + 1
                    for size, k, s, d, p in zip(spatial, self.kernel, stride, dilate, pad))
        if min(out) < 1:
            raise self.error(f"kernel {self.kernel} does not fit spatial size {tuple(spatial)}")
        return out

    def _offsets(self, out):
        """(kernel position, slices of the padded data it reads for every block)."""
        stride, dilate, _ = self._geometry()
        for position in itertools.product(*(range(k) for k in self.kernel)):
            yield tuple(slice(i * d, i * d + s * (o - 1) + 1, s)
                        for i, d, s, o in zip(position, dilate, stride, out))

    def to_columns(self, xp, data):
        n, c, *spatial = data.shape
        _, _, pad = self._geometry()
        out = self.blocks(spatial)
        padded = xp.pad(data, [(0, 0), (0, 0)] + [(p, p) for p in pad])
        cols = xp.stack([padded[(slice(None), slice(None)) + window] for window in self._offsets(out)], axis=2)
        return cols.reshape(n, c * math.prod(self.kernel), math.prod(out))

    def from_columns(self, xp, cols, spatial):
        n = cols.shape[0]
        kernel = math.prod(self.kernel)
        c = cols.shape[1] // kernel
        _, _, pad = self._geometry()
        out = self.blocks(spatial)
        parts = cols.reshape((n, c, kernel) + tuple(out))
        padded = xp.zeros((n, c) + tuple(s + 2 * p for s, p in zip(spatial, pad)), dtype=cols.dtype)
        for index, window in enumerate(self._offsets(out)):
            padded[(slice(None), slice(None)) + window] += parts[:, :, index]
        return padded[(slice(None), slice(None)) + tuple(slice(p, p + s) for p, s in zip(pad, spatial))]


@register_op()
class Im2col(_Window):
    name = "im2col"
    doc = "Sliding blocks of (n, c, *spatial) data as columns: (n, c·prod(kernel), number of blocks)."
    params = dict(_WINDOW)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        if len(data) != 2 + len(self.kernel):
            raise self.error(f"data {tuple(data)} needs {len(self.kernel)} spatial axes for kernel {self.kernel}")
        blocks = math.prod(self.blocks(data[2:]))
        return [tuple(data)], [(data[0], data[1] * math.prod(self.kernel), blocks)], []

    def forward(self, xp, inputs, aux, is_train):
        return [self.to_columns(xp, inputs[0])], inputs[0].shape[2:]

    def backward(self, xp, spatial, out_grads, needs):
        return [self.from_columns(xp, out_grads[0], spatial)]


@register_op()
class Col2im(_Window):
    name = "col2im"
    doc = "Columns of blocks back to (n, c, *output_size), overlapping blocks added (im2col's adjoint)."
    starter_attrs = {"kernel": "(2, 2)", "output_size": "(4, 4)"}
    params = {"output_size": Param("shape", doc="the spatial size of the result"), **_WINDOW}

    def check(self):
        super().check()
        if len(self.output_size) != len(self.kernel):
            raise self.error(f"output_size={self.output_size} and kernel={self.kernel} differ in axes", GraphError)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        kernel = math.prod(self.kernel)
        blocks = math.prod(self.blocks(self.output_size))
        if data is None:
            return in_shapes, [None], []
        if len(data) != 3 or data[1] % kernel or data[2] != blocks:
            raise self.error(f"data {tuple(data)} must be (n, c·{kernel}, {blocks}) for kernel {self.kernel} "
                             f"and output_size {self.output_size}")
        return [tuple(data)], [(data[0], data[1] // kernel) + tuple(self.output_size)], []

    def forward(self, xp, inputs, aux, is_train):
        return [self.from_columns(xp, inputs[0], self.output_size)], None

    def backward(self, xp, saved, out_grads, needs):
        return [self.to_columns(xp, out_grads[0])]
