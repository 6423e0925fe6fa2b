"""BilinearResize2D: bilinear resizing of (n, c, h, w) data to a fixed height and width,
with TensorFlow's two switches for where pixel centres sit (MXNet's contrib operator
has ``align_corners``; TF.js/TF graphs also use ``half_pixel_centers``).

Source coordinate of output row ``i`` (columns alike), for input size ``n_in`` and
output size ``n_out``:

- ``align_corners``: ``i * (n_in - 1) / (n_out - 1)`` (the corner pixels line up);
- ``half_pixel_centers``: ``(i + 0.5) * n_in / n_out - 0.5``;
- neither (TF's legacy rule): ``i * n_in / n_out``.

Then, as TF does: ``lower = max(floor(src), 0)``, ``upper = min(ceil(src), n_in - 1)``,
weight ``src - floor(src)`` on ``upper``. Each axis is a fixed linear map, an
(n_out, n_in) matrix, so forward is ``Mh · x · Mwᵀ`` and backward ``Mhᵀ · g · Mw``.

>>> import numpy as np
>>> op = BilinearResize2D(height=4, width=2, align_corners=False, half_pixel_centers=True)
>>> out, _ = op.forward(np, [np.arange(4.0).reshape(1, 1, 2, 2)], [], False)
>>> out[0][0, 0, :, 0].tolist()
[0.0, 0.5, 1.5, 2.0]
"""
from __future__ import annotations

import numpy as np

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .registry import register_op


def interpolation_matrix(n_in, n_out, align_corners=False, half_pixel_centers=False):
    """The (n_out, n_in) float64 matrix that resizes one axis, TF's rule (module doc)."""
    dst = np.arange(n_out, dtype=np.float64)
    if align_corners:
        src = dst * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    elif half_pixel_centers:
        src = (dst + 0.5) * (n_in / n_out) - 0.5
    else:
        src = dst * (n_in / n_out)
    floor = np.floor(src)
    lower = np.maximum(floor, 0).astype(np.int64)
    upper = np.minimum(np.ceil(src), n_in - 1).astype(np.int64)
    weight = src - floor
    matrix = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    np.add.at(matrix, (rows, lower), 1.0 - weight)
    np.add.at(matrix, (rows, upper), weight)
    return matrix


@register_op("_contrib_BilinearResize2D")
class BilinearResize2D(Op):
    name = "BilinearResize2D"
    category = "Tensor"
    per_sample = True   # each picture is resized on its own
    starter_attrs = {"height": "32", "width": "32"}
    doc = ("Resize (n, c, h, w) data to height × width by bilinear interpolation; "
           "align_corners / half_pixel_centers choose where pixel centres sit (TensorFlow's rules).")
    params = {
        "height": Param("int", doc="output height"),
        "width": Param("int", doc="output width"),
        "align_corners": Param("bool", True, "corner pixels of input and output line up (MXNet's default)"),
        "half_pixel_centers": Param("bool", False, "pixel centres at +0.5 (TF2 / ONNX 'half_pixel')"),
    }

    def check(self):
        if self.height < 1 or self.width < 1:
            raise self.error(f"height={self.height}, width={self.width}: both must be at least 1", GraphError)
        if self.align_corners and self.half_pixel_centers:
            raise self.error("align_corners and half_pixel_centers cannot both be true "
                             "(TensorFlow refuses the pair too)", GraphError)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        if len(data) != 4:
            raise self.error(f"needs 4-D data (n, c, h, w), got {tuple(data)}")
        return [tuple(data)], [tuple(data[:2]) + (self.height, self.width)], []

    def macs(self, in_shapes, out_shapes):
        n, c, h, w = in_shapes[0]
        return c * (h * w * self.width + h * self.width * self.height)

    def _matrices(self, xp, shape, dtype):
        rows = interpolation_matrix(shape[2], self.height, self.align_corners, self.half_pixel_centers)
        cols = interpolation_matrix(shape[3], self.width, self.align_corners, self.half_pixel_centers)
        return xp.asarray(rows, dtype=dtype), xp.asarray(cols, dtype=dtype)

    def forward(self, xp, inputs, aux, is_train):
        x = inputs[0]
        rows, cols = self._matrices(xp, x.shape, x.dtype)
        out = xp.matmul(rows, xp.matmul(x, cols.T))
        return [out], (rows, cols)

    def onnx(self, graph, inputs, outputs):
        """The same two interpolation matrices, as MatMuls: rows · x · colsᵀ (TF's rules
        exactly, whatever ONNX Resize's coordinate modes would round differently)."""
        rows, cols = self._matrices(np, graph.shape(inputs[0]), np.float32)
        across = graph.fresh(f"{outputs[0]}_columns")
        graph.node("MatMul", [inputs[0], graph.constant("columns", np.ascontiguousarray(cols.T))], [across])
        graph.node("MatMul", [graph.constant("rows", rows), across], outputs)

    def backward(self, xp, saved, out_grads, needs):
        rows, cols = saved
        return [xp.matmul(rows.T, xp.matmul(out_grads[0], cols))]
