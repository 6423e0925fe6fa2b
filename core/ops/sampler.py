"""Spatial transformer networks' parts, as MXNet 1.9.1 defines them: GridGenerator (an
affine matrix or an optical flow to a sampling grid), BilinearSampler (data read at the
grid's points, zero outside) and SpatialTransformer (the two in one).

Grids hold (x, y) source coordinates normalised to [-1, 1] over each axis: -1 is the
first pixel's centre, 1 the last one's.
"""
from __future__ import annotations

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .compose import Composite
from .registry import register_op


def _target_grid(xp, height, width, dtype):
    """(3, h·w): the target pixels' normalised x, y and 1, row-major."""
    ys, xs = xp.meshgrid(xp.linspace(-1, 1, height), xp.linspace(-1, 1, width), indexing="ij")
    return xp.stack([xs.ravel(), ys.ravel(), xp.ones(height * width)]).astype(dtype)


@register_op()
class GridGenerator(Op):
    name = "GridGenerator"
    category = "Tensor"
    doc = ("A sampling grid (n, 2, h, w): from (n, 6) affine matrices over target_shape, "
           "or from an optical flow (n, 2, h, w) added to each pixel's position.")
    per_sample = True   # one grid per sample
    starter_attrs = {"transform_type": "affine", "target_shape": "(4, 4)"}
    params = {
        "transform_type": Param("str", doc="affine or warp", choices=("affine", "warp")),
        "target_shape": Param("shape", (0, 0), "(h, w) of an affine grid"),
    }

    def check(self):
        if self.transform_type == "affine" and (len(self.target_shape) != 2 or min(self.target_shape) < 1):
            raise self.error(f"an affine grid needs target_shape=(h, w), got {self.target_shape}", GraphError)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        if self.transform_type == "affine":
            if len(data) != 2 or data[1] != 6:
                raise self.error(f"affine data has shape {tuple(data)}, expected (batch, 6)")
            return [tuple(data)], [(data[0], 2) + tuple(self.target_shape)], []
        if len(data) != 4 or data[1] != 2:
            raise self.error(f"warp data has shape {tuple(data)}, expected (batch, 2, h, w)")
        return [tuple(data)], [tuple(data)], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        if self.transform_type == "affine":
            h, w = self.target_shape
            target = _target_grid(xp, h, w, data.dtype)
            grid = data.reshape(-1, 2, 3) @ target
            return [grid.reshape(-1, 2, h, w)], target
        n, _, h, w = data.shape
        ys, xs = xp.meshgrid(xp.arange(h), xp.arange(w), indexing="ij")
        scale = self._warp_scale(xp, h, w, data.dtype)
        return [(data + xp.stack([xs, ys]).astype(data.dtype)) * scale - 1], scale

    @staticmethod
    def _warp_scale(xp, h, w, dtype):
        return xp.asarray([2 / max(w - 1, 1), 2 / max(h - 1, 1)], dtype=dtype).reshape(1, 2, 1, 1)

    def backward(self, xp, saved, out_grads, needs):
        g = out_grads[0]
        if self.transform_type == "affine":
            grad = g.reshape(g.shape[0], 2, -1) @ saved.T
            return [grad.reshape(g.shape[0], 6)]
        return [g * saved]


def _corners(xp, grid, height, width):
    """Source positions in pixels, the top-left corners and the fractions past them."""
    x = (grid[:, 0] + 1) * (width - 1) / 2
    y = (grid[:, 1] + 1) * (height - 1) / 2
    x0, y0 = xp.floor(x), xp.floor(y)
    return x0.astype("int64"), y0.astype("int64"), x - x0, y - y0


@register_op()
class BilinearSampler(Op):
    name = "BilinearSampler"
    category = "Tensor"
    doc = "data (n, c, h, w) read by bilinear interpolation at grid (n, 2, ho, wo) points; 0 outside."
    per_sample = True   # each sample read at its own grid
    params = {"cudnn_off": Param("bool", False, "MXNet's GPU switch (no effect here)")}

    def list_arguments(self):
        return ["data", "grid"]

    def infer_shape(self, in_shapes):
        data, grid = in_shapes
        if data is None or grid is None:
            return in_shapes, [None], []
        if len(data) != 4 or len(grid) != 4 or grid[1] != 2 or grid[0] != data[0]:
            raise self.error(f"data {tuple(data)} and grid {tuple(grid)}: expected (n, c, h, w) "
                             f"and (n, 2, ho, wo)")
        return [tuple(data), tuple(grid)], [(data[0], data[1]) + tuple(grid[2:])], []

    def _taps(self, xp, data, grid):
        """The four neighbours: (row, column, inside mask, weight, d weight/dx, d weight/dy)."""
        h, w = data.shape[2:]
        x0, y0, fx, fy = _corners(xp, grid, h, w)
        for dy, dx in ((0, 0), (0, 1), (1, 0), (1, 1)):
            row, col = y0 + dy, x0 + dx
            inside = (row >= 0) & (row < h) & (col >= 0) & (col < w)
            wx, wy = (fx if dx else 1 - fx), (fy if dy else 1 - fy)
            yield (xp.clip(row, 0, h - 1), xp.clip(col, 0, w - 1), inside, wx * wy,
                   (1 if dx else -1) * wy, (1 if dy else -1) * wx)

    def _read(self, xp, data, row, col):
        n = data.shape[0]
        batch = xp.arange(n).reshape(n, 1, 1)
        return data[batch, :, row, col].transpose(0, 3, 1, 2)   # (n, c, ho, wo)

    def forward(self, xp, inputs, aux, is_train):
        data, grid = inputs
        out = xp.zeros((data.shape[0], data.shape[1]) + grid.shape[2:], dtype=data.dtype)
        for row, col, inside, weight, _, _ in self._taps(xp, data, grid):
            out += self._read(xp, data, row, col) * (weight * inside)[:, None]
        return [out], (data, grid)

    def backward(self, xp, saved, out_grads, needs):
        data, grid = saved
        g = out_grads[0]
        n, c, h, w = data.shape
        grad_data = xp.zeros_like(data)
        grad_x = xp.zeros(grid[:, 0].shape, dtype=g.dtype)
        grad_y = xp.zeros_like(grad_x)
        batch = xp.broadcast_to(xp.arange(n).reshape(n, 1, 1), grid[:, 0].shape)
        for row, col, inside, weight, d_wx, d_wy in self._taps(xp, data, grid):
            share = g * (weight * inside)[:, None]                 # (n, c, ho, wo)
            xp.add.at(grad_data, (batch[:, None], xp.arange(c).reshape(1, c, 1, 1), row[:, None], col[:, None]),
                      share)
            seen = (g * self._read(xp, data, row, col)).sum(axis=1) * inside
            grad_x += seen * d_wx
            grad_y += seen * d_wy
        grad_grid = xp.stack([grad_x * (w - 1) / 2, grad_y * (h - 1) / 2], axis=1)
        return [grad_data, grad_grid.astype(grid.dtype, copy=False)]


@register_op()
class SpatialTransformer(Composite):
    name = "SpatialTransformer"
    category = "Tensor"
    doc = ("data resampled through the affine transform loc (n, 6) onto target_shape: "
           "GridGenerator, then BilinearSampler.")
    per_sample = True   # each sample through its own transform
    starter_attrs = {"target_shape": "(4, 4)", "transform_type": "affine", "sampler_type": "bilinear"}
    params = {
        "target_shape": Param("shape", (0, 0), "(h, w) of the output"),
        "transform_type": Param("str", doc="affine", choices=("affine",)),
        "sampler_type": Param("str", doc="bilinear", choices=("bilinear",)),
        "cudnn_off": Param("bool", False, "MXNet's GPU switch (no effect here)"),
    }

    def list_arguments(self):
        return ["data", "loc"]

    def parts(self):
        grid = GridGenerator(self.node_name, transform_type="affine", target_shape=self.target_shape)
        return [(grid, [1]), (BilinearSampler(self.node_name), [0, 2])]
