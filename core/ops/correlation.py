"""MXNet 1.9.1's Correlation (FlowNet's correlation layer): each kernel_size² patch of
data1 compared with the patches of data2 displaced by up to max_displacement (in steps
of stride2), by the mean product (is_multiply) or the mean absolute difference, on a
grid of stride1 over the zero-padded maps. One output channel per displacement.

As MXNet's CPU kernel: output position (i, j) compares the patch whose top-left corner
is (i·stride1 + max_displacement, j·stride1 + max_displacement) in the padded data1.
"""
from __future__ import annotations

import math

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .registry import register_op


@register_op()
class Correlation(Op):
    name = "Correlation"
    category = "Convolution"
    doc = ("Compares patches of data1 with displaced patches of data2 (mean product, or mean "
           "absolute difference): one output channel per displacement.")
    per_sample = True
    hidden_outputs = 2   # MXNet's padded copies of the inputs (tmp1, tmp2)
    params = {
        "kernel_size": Param("int", 1, "patch size (odd)", low=1),
        "max_displacement": Param("int", 1, "largest displacement compared", low=0),
        "stride1": Param("int", 1, "step of the grid over data1", low=1),
        "stride2": Param("int", 1, "step of the displacements within the neighbourhood", low=1),
        "pad_size": Param("int", 0, "zeros added on each side of both inputs", low=0),
        "is_multiply": Param("bool", True, "compare by product (else by absolute difference)"),
    }

    def check(self):
        if self.kernel_size % 2 == 0:
            raise self.error(f"kernel_size={self.kernel_size} must be odd", GraphError)

    def list_arguments(self):
        return ["data1", "data2"]

    def _grid(self):
        """(neighbourhood radius in steps, neighbourhood width)."""
        radius = self.max_displacement // self.stride2
        return radius, 2 * radius + 1

    def infer_shape(self, in_shapes):
        first, second = in_shapes
        shape = first if first is not None else second
        if shape is None:
            return in_shapes, [None], []
        shape = tuple(shape)
        for name, other in zip(("data1", "data2"), in_shapes):
            if other is not None and (len(other) != 4 or tuple(other) != shape):
                raise self.error(f"{name} has shape {tuple(other)}; data1 and data2 must be the "
                                 f"same (batch, channels, height, width)")
        border = self.max_displacement + (self.kernel_size - 1) // 2
        height, width = (math.ceil((size + 2 * self.pad_size - 2 * border) / self.stride1)
                         for size in shape[2:])
        if height < 1 or width < 1:
            raise self.error(f"data {shape} is too small for kernel_size={self.kernel_size}, "
                             f"max_displacement={self.max_displacement}, pad_size={self.pad_size}")
        return [shape, shape], [(shape[0], self._grid()[1] ** 2, height, width)], []

    def _windows(self, out_hw):
        """For each displacement channel and kernel offset: (channel, data1 window, data2
        window), the windows as slices of the padded maps over the output grid."""
        radius, width = self._grid()
        out_h, out_w = out_hw
        s1, d = self.stride1, self.max_displacement

        def span(start, count):
            return slice(start, start + s1 * (count - 1) + 1, s1)

        for channel in range(width * width):
            dy = (channel // width - radius) * self.stride2
            dx = (channel % width - radius) * self.stride2
            for h in range(self.kernel_size):
                for w in range(self.kernel_size):
                    first = (span(d + h, out_h), span(d + w, out_w))
                    second = (span(d + h + dy, out_h), span(d + w + dx, out_w))
                    yield channel, first, second

    def _padded(self, xp, x):
        p = self.pad_size
        return xp.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))

    def forward(self, xp, inputs, aux, is_train):
        _, (out_shape,), _ = self.infer_shape([x.shape for x in inputs])
        first, second = (self._padded(xp, x) for x in inputs)
        out = xp.zeros(out_shape, dtype=inputs[0].dtype)
        for channel, (y1, x1), (y2, x2) in self._windows(out_shape[2:]):
            a, b = first[:, :, y1, x1], second[:, :, y2, x2]
            out[:, channel] += (a * b if self.is_multiply else xp.abs(a - b)).sum(axis=1)
        out /= self.kernel_size ** 2 * inputs[0].shape[1]
        return [out], (first, second)

    def backward(self, xp, saved, out_grads, needs):
        first, second = saved
        g = out_grads[0] / (self.kernel_size ** 2 * first.shape[1])
        grad1, grad2 = xp.zeros_like(first), xp.zeros_like(second)
        for channel, (y1, x1), (y2, x2) in self._windows(g.shape[2:]):
            a, b = first[:, :, y1, x1], second[:, :, y2, x2]
            head = g[:, channel][:, None]
            if self.is_multiply:
                grad1[:, :, y1, x1] += head * b
                grad2[:, :, y2, x2] += head * a
            else:
                sign = xp.where(a >= b, 1.0, -1.0).astype(a.dtype)
                grad1[:, :, y1, x1] += head * sign
                grad2[:, :, y2, x2] -= head * sign
        p = self.pad_size
        height, width = first.shape[2] - 2 * p, first.shape[3] - 2 * p
        return [grad1[:, :, p:p + height, p:p + width], grad2[:, :, p:p + height, p:p + width]]
