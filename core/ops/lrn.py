"""LRN: local response normalisation across channels (AlexNet), MXNet's formula:
out = x · (knorm + alpha/nsize · Σ x² over nsize neighbouring channels)^(-beta).

>>> LRN(nsize=3).infer_shape([(1, 4, 2, 2)])[1]
[(1, 4, 2, 2)]
"""
from __future__ import annotations

from ..errors import GraphError
from .attrs import Param
from .base import Op, same_shape_op_infer
from .registry import register_op


def channel_window_sum(xp, x, size):
    """Σ over the ``size`` channels centred on each channel (zeros beyond the edges)."""
    half = size // 2
    channels = x.shape[1]
    padded = xp.zeros((x.shape[0], channels + 2 * half) + x.shape[2:], dtype=x.dtype)
    padded[:, half:half + channels] = x
    total = padded[:, :channels].copy()
    for offset in range(1, size):
        total += padded[:, offset:offset + channels]
    return total


@register_op()
class LRN(Op):
    name = "LRN"
    category = "Normalization"
    doc = "Local response normalisation across nsize neighbouring channels."
    per_sample = True   # across channels of one sample
    starter_attrs = {"nsize": "5"}
    params = {
        "alpha": Param("float", 1e-4, "scale of the squared sum", low=0),
        "beta": Param("float", 0.75, "exponent"),
        "knorm": Param("float", 2.0, "constant added to the scaled sum", low=0),
        "nsize": Param("int", doc="number of channels summed (odd)", low=1),
    }
    hidden_outputs = 1  # MXNet's tmp_norm

    def check(self):
        if self.nsize % 2 == 0:
            raise self.error(f"nsize={self.nsize} must be an odd number", GraphError)

    def onnx(self, graph, inputs, outputs):
        graph.node("LRN", inputs, outputs, size=self.nsize, alpha=float(self.alpha), beta=float(self.beta),
                   bias=float(self.knorm))

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is not None and len(data) < 2:
            raise self.error(f"data has shape {tuple(data)}, expected (batch, channel, ...)")
        return same_shape_op_infer(self, in_shapes)

    def forward(self, xp, inputs, aux, is_train):
        x = inputs[0]
        scale = self.alpha / self.nsize
        norm = channel_window_sum(xp, x * x, self.nsize) * scale + self.knorm
        factor = norm ** -self.beta
        out = x * factor
        return [out], ((x, norm, factor) if is_train else None)

    def backward(self, xp, saved, out_grads, needs):
        x, norm, factor = saved
        grad = out_grads[0]
        # the window is symmetric, so the channels a cell feeds are its own window
        through_norm = channel_window_sum(xp, grad * x * factor / norm, self.nsize)
        coeff = 2 * self.alpha * self.beta / self.nsize
        return [grad * factor - coeff * x * through_norm]
