"""Convolution (1-D, 2-D, 3-D, grouped and depthwise) as im2col + one batched GEMM.

Layout of the work: the input is copied into columns (N, groups, C/groups·k…, out
pixels) with one copy per kernel offset (core/ops/_columns.py picks how), and multiplied
by the weight (groups, F/groups, C/groups·k…) in one ``matmul`` whose result is already
NCHW. Backward reuses the columns for the weight gradient and runs col2im only when the
data gradient is wanted.

>>> import numpy as np
>>> op = Convolution(kernel=(3, 3), num_filter=4, pad=(1, 1))
>>> op.infer_shape([(2, 3, 8, 8), None, None])[1]
[(2, 4, 8, 8)]
"""
from __future__ import annotations

import math

from ..errors import GraphError
from ._columns import ColumnPlan
from ._depthwise import depthwise_forward
from ._window import conv_out_size
from .attrs import Param
from .base import Op
from .registry import register_op

CHANNELS_FIRST = {1: "NCW", 2: "NCHW", 3: "NCDHW"}
LAYOUTS = ("None", "NCW", "NCHW", "NCDHW", "NWC", "NHWC", "NDHWC")
CUDNN_TUNE = ("None", "off", "limited_workspace", "fastest")
#: depthwise inference skips im2col when the columns would take more than this
DIRECT_DEPTHWISE_BYTES = 32 << 20


def conv_params(no_bias_default, workspace_default):
    """The attributes Convolution and Deconvolution share, with MXNet's defaults."""
    return {
        "kernel": Param("shape", doc="window size: (w,), (h, w) or (d, h, w)"),
        "stride": Param("shape", (), "step between windows; default 1 on each axis"),
        "dilate": Param("shape", (), "spacing between kernel taps; default 1"),
        "pad": Param("shape", (), "zero padding on both sides of each axis; default 0"),
        "num_filter": Param("int", doc="number of output channels"),
        "num_group": Param("int", 1, "split channels into groups (= channels: depthwise)"),
        "workspace": Param("int", workspace_default, "MXNet's scratch limit in MB (ignored)"),
        "no_bias": Param("bool", no_bias_default, "leave out the bias"),
        "cudnn_tune": Param("str", "None", "cuDNN algorithm choice (ignored)", choices=CUDNN_TUNE),
        "cudnn_off": Param("bool", False, "turn off cuDNN (ignored)"),
        "layout": Param("str", "None", "data layout; only channels-first is computed", choices=LAYOUTS),
    }


class WindowedOp(Op):
    """Shared checks of the window attributes (kernel, stride, dilate, pad)."""

    def _per_axis(self, key, fill):
        value = getattr(self, key)
        if not value:
            return (fill,) * len(self.kernel)
        if len(value) != len(self.kernel):
            raise self.error(f"{key}={value} has {len(value)} axes but kernel={self.kernel} "
                             f"has {len(self.kernel)}", GraphError)
        return tuple(value)

    def _check_window(self, keys_and_fills):
        if len(self.kernel) not in CHANNELS_FIRST or any(k <= 0 for k in self.kernel):
            raise self.error(f"kernel={self.kernel}: expected 1 to 3 positive sizes, "
                             f"e.g. (3, 3)", GraphError)
        for key, fill in keys_and_fills:
            setattr(self, key, self._per_axis(key, fill))
        if any(s <= 0 for s in getattr(self, "stride", (1,))):
            raise self.error(f"stride={self.stride} must be positive", GraphError)
        layout = getattr(self, "layout", "None")
        if layout not in ("None", CHANNELS_FIRST[len(self.kernel)]):
            raise self.error(f"layout={layout} is not supported: Net Studio computes "
                             f"{CHANNELS_FIRST[len(self.kernel)]} (channels first), as MXNet "
                             f"does on CPU", GraphError)

    def _check_data(self, data):
        rank = len(self.kernel) + 2
        if len(data) != rank:
            raise self.error(f"data has shape {tuple(data)}, expected {rank} axes "
                             f"({CHANNELS_FIRST[len(self.kernel)]}) for kernel {self.kernel}")

    def _check_given(self, name, given, expected):
        if given is not None and tuple(given) != tuple(expected):
            raise self.error(f"{name} has shape {tuple(given)}, expected {tuple(expected)}")


@register_op()
class Convolution(WindowedOp):
    name = "Convolution"
    category = "Convolution"
    doc = "Convolution over 1-D, 2-D or 3-D windows, with groups (depthwise) and dilation."
    params = conv_params(no_bias_default=False, workspace_default=1024)

    def check(self):
        self._check_window([("stride", 1), ("dilate", 1), ("pad", 0)])
        if self.num_filter <= 0 or self.num_group <= 0:
            raise self.error(f"num_filter={self.num_filter} and num_group={self.num_group} "
                             f"must be positive", GraphError)
        if self.num_filter % self.num_group:
            raise self.error(f"num_filter={self.num_filter} is not divisible by "
                             f"num_group={self.num_group}", GraphError)

    def list_arguments(self):
        return ["data", "weight"] if self.no_bias else ["data", "weight", "bias"]

    # ----- shapes --------------------------------------------------------------
    def _out_spatial(self, spatial):
        out = []
        for size, k, s, p, d in zip(spatial, self.kernel, self.stride, self.pad, self.dilate):
            if d * (k - 1) + 1 > size + 2 * p:
                padded = "×".join(str(n + 2 * q) for n, q in zip(spatial, self.pad))
                raise self.error(f"kernel {self.kernel} (dilate {self.dilate}) is larger than "
                                 f"the padded input {padded}")
            out.append(conv_out_size(size, k, s, p, d))
        return tuple(out)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        data = tuple(data)
        self._check_data(data)
        if data[1] % self.num_group:
            raise self.error(f"data has {data[1]} channels, not divisible by "
                             f"num_group={self.num_group}")
        weight = (self.num_filter, data[1] // self.num_group, *self.kernel)
        self._check_given("weight", in_shapes[1], weight)
        shapes = [data, weight]
        if not self.no_bias:
            self._check_given("bias", in_shapes[2], (self.num_filter,))
            shapes.append((self.num_filter,))
        out = (data[0], self.num_filter, *self._out_spatial(data[2:]))
        return shapes, [out], []

    def macs(self, in_shapes, out_shapes):
        return math.prod(in_shapes[1]) * math.prod(out_shapes[0][2:])

    # ----- computation ---------------------------------------------------------
    def _plan(self, x_shape):
        out = self._out_spatial(x_shape[2:])
        return ColumnPlan.make(x_shape, out, self.kernel, self.stride, self.dilate, self.pad)

    def _grouped(self, array):
        """(N, C, ...) -> (N, groups, C/groups·..., last axis)"""
        return array.reshape(array.shape[0], self.num_group, -1, array.shape[-1])

    def _direct_depthwise(self, x_shape, out_spatial, itemsize):
        """Inference on depthwise layers whose columns would be big: skip im2col."""
        if self.num_group != x_shape[1] or self.num_group == 1:
            return False
        cols = math.prod(x_shape[:2]) * math.prod(self.kernel) * math.prod(out_spatial)
        return cols * itemsize > DIRECT_DEPTHWISE_BYTES

    def forward(self, xp, inputs, aux, is_train):
        x, weight = inputs[0], inputs[1]
        if not is_train:
            out_spatial = self._out_spatial(x.shape[2:])
            if self._direct_depthwise(x.shape, out_spatial, x.dtype.itemsize):
                out = depthwise_forward(xp, x, weight, self.kernel, self.stride, self.dilate,
                                        self.pad, out_spatial)
                if not self.no_bias:
                    out += inputs[2].reshape((1, -1) + (1,) * len(out_spatial))
                return [out], None
        plan = self._plan(x.shape)
        cols = self._grouped(plan.columns(xp, x))
        w = weight.reshape(self.num_group, self.num_filter // self.num_group, -1)
        out = xp.matmul(w, cols).reshape(x.shape[0], self.num_filter, -1)
        out = plan.narrow(xp, out)
        if not self.no_bias:
            out += inputs[2].reshape((1, -1) + (1,) * len(plan.out))
        return [out], ((cols, weight, plan) if is_train else None)

    def backward(self, xp, saved, out_grads, needs):
        cols, weight, plan = saved
        grad = self._grouped(plan.widen(xp, out_grads[0]))
        grad_data = grad_weight = None
        if needs[1]:
            # per-sample (F/g × P)·(P × C/g·k…) products, summed over the batch
            grad_weight = xp.matmul(grad, cols.swapaxes(-1, -2)).sum(axis=0).reshape(weight.shape)
        if needs[0]:
            w = weight.reshape(self.num_group, self.num_filter // self.num_group, -1)
            grad_cols = xp.matmul(w.swapaxes(-1, -2), grad)
            n, channels = plan.x_shape[:2]
            grad_data = plan.spread(xp, grad_cols.reshape(n, channels, -1, plan.size))
        if self.no_bias:
            return [grad_data, grad_weight]
        grad_bias = grad.sum(axis=(0, 3)).reshape(-1) if needs[2] else None
        return [grad_data, grad_weight, grad_bias]
