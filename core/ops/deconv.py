"""Deconvolution (transposed convolution): Convolution's data gradient run forward.

Each input pixel spreads a weighted copy of the kernel into the output (one GEMM to
columns, then col2im); ``pad`` crops the output, ``adj`` adds cells at the end, and
``target_shape`` picks pad and adj for a wanted output size, all as in MXNet.

>>> op = Deconvolution(kernel=(4, 4), stride=(2, 2), pad=(1, 1), num_filter=3)
>>> op.infer_shape([(1, 2, 5, 5), None])[1]
[(1, 3, 10, 10)]
"""
from __future__ import annotations

import math

from ..errors import GraphError
from ..backend.cpu.columns import ColumnPlan
from .attrs import Param
from .conv import WindowedOp, conv_params
from .registry import register_op


@register_op()
class Deconvolution(WindowedOp):
    name = "Deconvolution"
    category = "Convolution"
    doc = "Transposed convolution (upsampling), with groups, dilation, adj and target_shape."
    per_sample = True
    starter_attrs = {"kernel": "(2, 2)", "stride": "(2, 2)", "num_filter": "32"}
    params = {
        **conv_params(no_bias_default=True, workspace_default=512),
        "adj": Param("shape", (), "extra cells at the end of each output axis; default 0", low=0),
        "target_shape": Param("shape", (), "wanted output size; sets pad and adj", low=0),
    }

    def check(self):
        self._check_window([("stride", 1), ("dilate", 1), ("pad", 0), ("adj", 0)])
        if self.target_shape and not any(self.target_shape):
            self.target_shape = ()  # MXNet: all zeros means not given
        if self.target_shape and len(self.target_shape) != len(self.kernel):
            raise self.error(f"target_shape={self.target_shape} has {len(self.target_shape)} "
                             f"axes but kernel={self.kernel} has {len(self.kernel)}", GraphError)
        if self.num_filter % self.num_group:
            raise self.error(f"num_filter={self.num_filter} must be a multiple of "
                             f"num_group={self.num_group}", GraphError)

    def list_arguments(self):
        return ["data", "weight"] if self.no_bias else ["data", "weight", "bias"]

    # ----- shapes --------------------------------------------------------------
    def _spans(self):
        return [d * (k - 1) + 1 for k, d in zip(self.kernel, self.dilate)]

    def _pad_adj(self, spatial):
        """MXNet's InferPad: target_shape, when given, decides pad and adj."""
        if not self.target_shape:
            return self.pad, self.adj
        pads, adjs = [], []
        for size, s, span, target in zip(spatial, self.stride, self._spans(), self.target_shape):
            total = s * (size - 1) + span
            if total < target:
                raise self.error(f"target_shape={self.target_shape} is too big: at most "
                                 f"{total} on an axis of input size {size}")
            pads.append((total - target + 1) // 2)
            adjs.append((total - target) % 2)
        return tuple(pads), tuple(adjs)

    def _out_spatial(self, spatial):
        pad, adj = self._pad_adj(spatial)
        out = []
        for size, s, span, p, a in zip(spatial, self.stride, self._spans(), pad, adj):
            if a >= s:
                raise self.error(f"adj={adj} must be smaller than stride={self.stride}")
            n = s * (size - 1) + span - 2 * p + a
            if n <= 0:
                raise self.error(f"pad={pad} crops the whole output of input {tuple(spatial)}")
            out.append(n)
        return tuple(out), pad

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        data = tuple(data)
        self._check_data(data)
        if data[1] % self.num_group:
            raise self.error(f"data has {data[1]} channels, not divisible by "
                             f"num_group={self.num_group}")
        weight = (data[1], self.num_filter // self.num_group, *self.kernel)
        self._check_given("weight", in_shapes[1], weight)
        shapes = [data, weight]
        if not self.no_bias:
            self._check_given("bias", in_shapes[2], (self.num_filter,))
            shapes.append((self.num_filter,))
        out = (data[0], self.num_filter, *self._out_spatial(data[2:])[0])
        return shapes, [out], []

    def macs(self, in_shapes, out_shapes):
        return math.prod(in_shapes[1]) * math.prod(in_shapes[0][2:])

    def onnx(self, graph, inputs, outputs):
        """ConvTranspose: the same weight layout; target_shape written as the pad and adj it picks."""
        pad, adj = self._pad_adj(graph.shape(inputs[0])[2:])
        graph.node("ConvTranspose", inputs, outputs, kernel_shape=list(self.kernel), strides=list(self.stride),
                   dilations=list(self.dilate), pads=list(pad) * 2, output_padding=list(adj),
                   group=self.num_group)

    # ----- computation ---------------------------------------------------------
    def _plan(self, x_shape):
        """Columns of the *output*: Deconvolution is the adjoint of this convolution."""
        out_spatial, pad = self._out_spatial(x_shape[2:])
        out_shape = (x_shape[0], self.num_filter) + out_spatial
        return ColumnPlan.make(out_shape, x_shape[2:], self.kernel, self.stride, self.dilate, pad)

    def _product(self, xp, weight, columns, transpose):
        """weight (C, F/g·k…) [transposed] @ columns, one product per group; (rows, N·size)."""
        g = self.num_group
        w = weight.reshape(g, weight.shape[0] // g, -1)
        if transpose:
            w = w.swapaxes(1, 2)
        out = xp.matmul(w, columns.reshape(g, w.shape[2], -1))
        return out.reshape(g * w.shape[1], -1)

    def forward(self, xp, inputs, aux, is_train):
        x, weight = inputs[0], inputs[1]
        plan = self._plan(x.shape)
        xt = plan.gemm_grad(xp, x)                       # (C, N·size)
        cols = self._product(xp, weight, xt, transpose=True)
        out = plan.spread(xp, cols.reshape(self.num_filter, plan.offsets, x.shape[0], plan.size))
        if not self.no_bias:
            out += inputs[2].reshape((1, -1) + (1,) * (out.ndim - 2))
        return [out], ((xt, weight, plan) if is_train else None)

    def backward(self, xp, saved, out_grads, needs):
        xt, weight, plan = saved
        grad = out_grads[0]
        grad_cols = plan.columns(xp, grad)               # (F, offsets, N, size)
        grad_data = grad_weight = None
        if needs[0]:
            grad_data = plan.gemm_out(xp, self._product(xp, weight, grad_cols, transpose=False))
        if needs[1]:
            g = self.num_group
            per_group = self.num_filter // g * plan.offsets
            grad_weight = xp.matmul(xt.reshape(g, xt.shape[0] // g, -1),
                                    grad_cols.reshape(g, per_group, -1).swapaxes(1, 2))
            grad_weight = grad_weight.reshape(weight.shape)
        if self.no_bias:
            return [grad_data, grad_weight]
        axes = (0,) + tuple(range(2, grad.ndim))
        return [grad_data, grad_weight, grad.sum(axis=axes) if needs[2] else None]
