"""Convolution (1-D, 2-D, 3-D, grouped and depthwise) as im2col + GEMM.

The batch is cut into chunks whose columns fit in cache (CHUNK_BYTES); per chunk the
input is copied into columns (ColumnPlan picks how) and multiplied by the weight, one
small GEMM per sample written straight into the NCHW output (grouped convolutions: one
product per group). Backward recomputes a chunk's columns (in cache) for the weight
gradient and runs col2im only when the data gradient is wanted. 1×1 convolutions skip
im2col (pointwise); depthwise layers run direct (depthwise): compiled passes forward and
backward on CPU with numba, NumPy inference otherwise. On CPU with numba, ungrouped 1-D
and 2-D convolutions run compiled im2col/col2im and one GEMM per chunk, the batch split
over the cores (conv_compiled); at inference they run in bands of output rows with the
bias and activation in the epilogue, 3×3 stride-1 layers as Winograd F(2×2, 3×3)
(conv_bands, winograd); all of these are modules of core/backend/cpu/. This NumPy
path serves CuPy, grouped (not depthwise) and 3-D convolutions.

>>> import numpy as np
>>> op = Convolution(kernel=(3, 3), num_filter=4, pad=(1, 1))
>>> op.infer_shape([(2, 3, 8, 8), None, None])[1]
[(2, 4, 8, 8)]
"""
from __future__ import annotations

import math
import threading

from ..errors import GraphError
from ..backend.cpu import conv_bands, conv_compiled, depthwise, parallel
from ..backend.cpu.columns import ColumnPlan
from ..backend.cpu.depthwise import depthwise_backward, depthwise_forward
from ..backend.cpu.pointwise import pointwise_backward, pointwise_forward
from ..backend.cpu.relu_kernels import activate_in_place
from ..backend.cpu.window import conv_out_size
from .attrs import Param
from .base import Op
from .registry import register_op

CHANNELS_FIRST = {1: "NCW", 2: "NCHW", 3: "NCDHW"}
LAYOUTS = ("None", "NCW", "NCHW", "NCDHW", "NWC", "NHWC", "NDHWC")
CUDNN_TUNE = ("None", "off", "limited_workspace", "fastest")
#: columns per chunk of samples: about what the L2 cache holds
CHUNK_BYTES = 1 << 20


def conv_params(no_bias_default, workspace_default):
    """The attributes Convolution and Deconvolution share, with MXNet's defaults."""
    return {
        "kernel": Param("shape", doc="window size: (w,), (h, w) or (d, h, w)", low=1),
        "stride": Param("shape", (), "step between windows; default 1 on each axis", low=1),
        "dilate": Param("shape", (), "spacing between kernel taps; default 1", low=1),
        "pad": Param("shape", (), "zero padding on both sides of each axis; default 0", low=0),
        "num_filter": Param("int", doc="number of output channels", low=1),
        "num_group": Param("int", 1, "split channels into groups (= channels: depthwise)", low=1),
        "workspace": Param("int", workspace_default, "MXNet's scratch limit in MB (ignored)", low=0),
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
        if len(self.kernel) not in CHANNELS_FIRST:
            raise self.error(f"kernel={self.kernel}: expected 1 to 3 sizes, "
                             f"e.g. (3, 3)", GraphError)
        for key, fill in keys_and_fills:
            setattr(self, key, self._per_axis(key, fill))
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
    per_sample = True
    fusion_role = "convolution"
    starter_attrs = {"kernel": "(3, 3)", "num_filter": "32"}
    params = conv_params(no_bias_default=False, workspace_default=1024)

    def check(self):
        self._check_window([("stride", 1), ("dilate", 1), ("pad", 0)])
        if self.num_filter % self.num_group:
            raise self.error(f"num_filter={self.num_filter} is not divisible by "
                             f"num_group={self.num_group}", GraphError)

    def list_arguments(self):
        return ["data", "weight"] if self.no_bias else ["data", "weight", "bias"]

    def onnx(self, graph, inputs, outputs):
        graph.node("Conv", inputs, outputs, kernel_shape=list(self.kernel), strides=list(self.stride),
                   dilations=list(self.dilate), pads=list(self.pad) * 2, group=self.num_group)

    # ----- shapes --------------------------------------------------------------
    def out_spatial(self, spatial):
        """The output's spatial size for input ``spatial`` (ShapeError if the window
        does not fit the padded input)."""
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
        out = (data[0], self.num_filter, *self.out_spatial(data[2:]))
        return shapes, [out], []

    def macs(self, in_shapes, out_shapes):
        return math.prod(in_shapes[1]) * math.prod(out_shapes[0][2:])

    # ----- computation ---------------------------------------------------------
    def _plan(self, x_shape):
        """The column plan for this input shape, made once (plans are immutable)."""
        plans = self.__dict__.setdefault("_plans", {})
        plan = plans.get(x_shape)
        if plan is None:
            out = self.out_spatial(x_shape[2:])
            plan = plans[x_shape] = ColumnPlan.make(x_shape, out, self.kernel, self.stride,
                                                    self.dilate, self.pad)
        return plan

    def is_depthwise(self, x_shape):
        """One input channel per group on data of ``x_shape``: the direct depthwise
        passes serve it (inference always, training when compiled)."""
        return self.num_group > 1 and self.num_group == x_shape[1]

    def is_pointwise(self):
        """1×1, stride 1, no pad, one group: one GEMM over pixel rows, no columns."""
        return self.num_group == 1 and all(k == 1 for k in self.kernel) and \
            all(s == 1 for s in self.stride) and not any(self.pad)

    def _compiled(self, xp, x, plan):
        return conv_compiled.compiled(xp, x, plan, self.num_group, self.num_filter)

    def _gemm(self, xp, weight, cols):
        """(F, N·size) = weight (F, C/g·k…) @ columns, one product per group."""
        rows = math.prod(cols.shape[:2])
        if self.num_group == 1:
            return parallel.matmul(xp, weight.reshape(self.num_filter, rows), cols.reshape(rows, -1))
        g = self.num_group
        out = xp.matmul(weight.reshape(g, self.num_filter // g, -1), cols.reshape(g, rows // g, -1))
        return out.reshape(self.num_filter, -1)

    def _chunks(self, plan):
        """Sample ranges whose columns fit in cache (~CHUNK_BYTES): im2col, GEMM and col2im
        of a chunk then run in cache, no batch-sized column matrix is ever written, and
        the cores take chunks in turn."""
        n, channels = plan.x_shape[:2]
        per_sample = channels * plan.offsets * plan.size * 4
        step = max(1, CHUNK_BYTES // max(per_sample, 1))
        return [(lo, min(n, lo + step)) for lo in range(0, n, step)]

    def _over_chunks(self, xp, plan, work):
        """``work(lo, hi, chunk_plan)`` for every chunk, chunks shared among the cores."""
        chunks = self._chunks(plan)
        plans = {}

        def task(first, last):
            for lo, hi in chunks[first:last]:
                if hi - lo not in plans:
                    plans[hi - lo] = self._plan((hi - lo,) + plan.x_shape[1:])
                work(lo, hi, plans[hi - lo])

        # NOTE: a chunk of small layers (LeNet's: 1.5-4 M MACs, dozens of short NumPy
        # calls) ran slower on two threads than on one; only heavy chunks are shared
        macs = plan.x_shape[1] * plan.offsets * plan.size * self.num_filter // self.num_group
        per_chunk = macs * (chunks[0][1] - chunks[0][0])
        parts = 1 if per_chunk < 4 * parallel.SPLIT_MACS else \
            min(parallel.parts_for(xp, len(chunks), 1), len(chunks))
        parallel.split(task, len(chunks), parts)
        return chunks

    def forward(self, xp, inputs, aux, is_train):
        x, weight = inputs[0], inputs[1]
        bias = None if self.no_bias else inputs[2]
        return self.compute(xp, x, weight, bias, is_train)

    def compute(self, xp, x, weight, bias, is_train, slope=None):
        """forward with the bias given explicitly (None: none), whatever no_bias says: the
        executor runs a BatchNorm folded into this layer through it (core/executor_passes.py).
        Inference only: ``slope`` applies the relu (0) or leaky relu after the layer to its
        output, in the convolution's own epilogue where it has one (conv_bands)."""
        plan = self._plan(x.shape)
        if not is_train and conv_bands.compiled(xp, x, plan, self.num_group):
            return [conv_bands.forward(x, weight, bias, plan, slope)], None
        outputs, keep = self._compute(xp, x, weight, bias, is_train, plan)
        if slope is not None:
            outputs[0] = activate_in_place(xp, outputs[0], slope)
        return outputs, keep

    def _compute(self, xp, x, weight, bias, is_train, plan):
        if self.is_depthwise(x.shape) and (not is_train or depthwise.compiled(xp, x, self.kernel)):
            out = depthwise_forward(xp, x, weight, self.kernel, self.stride, self.dilate,
                                    self.pad, plan.out, bias)
            return [out], ((x, weight, plan) if is_train else None)
        if plan.kind == "pointwise" and self.num_group == 1:
            out, keep = pointwise_forward(xp, x, weight, bias)
            return [out], ((keep, weight, plan) if is_train else None)
        if self._compiled(xp, x, plan):
            result = conv_compiled.forward(x, weight, bias, plan)
        elif self.num_group == 1:
            result = self._per_sample_forward(xp, x, weight, bias, plan)
        else:
            result = xp.empty((x.shape[0], self.num_filter) + plan.out, dtype=x.dtype)

            def work(lo, hi, chunk):
                cols = chunk.columns(xp, x[lo:hi])
                chunk.gemm_out(xp, self._gemm(xp, weight, cols), bias, result[lo:hi])

            self._over_chunks(xp, plan, work)
        # NOTE: backward recomputes the columns (in cache) rather than keeping k×k copies
        return [result], ((x, weight, plan) if is_train else None)

    def _per_sample_forward(self, xp, x, weight, bias, plan):
        """One small GEMM per sample (OpenBLAS's small-matrix kernels beat one long
        (F × C·k…)·(C·k… × n·size) product), written straight into the output on the
        GEMM's grid, the bias added inside the GEMM by a ones row. On the wide path the
        result is a view of that grid cut to the output size (no copy). A single picture
        is one chunk, so its GEMM is split over the cores instead (``parallel.matmul``:
        over the filters or the pixels)."""
        w = weight.reshape(self.num_filter, -1)
        if bias is not None:
            w = xp.concatenate([w, bias.reshape(-1, 1).astype(w.dtype, copy=False)], axis=1)
        grid = xp.empty((x.shape[0], self.num_filter) + tuple(plan.grid), dtype=x.dtype)

        def work(lo, hi, chunk):
            cols = chunk.columns(xp, x[lo:hi], ones_row=bias is not None)
            out = grid[lo:hi].reshape(hi - lo, self.num_filter, -1)
            if hi - lo == 1:   # one picture: its GEMM split over the cores (parallel.matmul)
                parallel.matmul(xp, w, chunk.per_sample(cols)[0], out=out[0])
            else:
                xp.matmul(w, chunk.per_sample(cols), out=out)

        self._over_chunks(xp, plan, work)
        if tuple(plan.grid) == tuple(plan.out):
            return grid
        return grid[(Ellipsis, *(slice(0, o) for o in plan.out))]

    def backward(self, xp, saved, out_grads, needs):
        x, weight, plan = saved
        grad = out_grads[0]
        if plan.kind == "pointwise" and self.num_group == 1:
            grads = pointwise_backward(xp, x, weight, grad, needs)
            return grads[:2] if self.no_bias else grads
        if self._compiled(xp, x, plan):
            grads = conv_compiled.backward(x, weight, grad, plan, needs)
            return grads[:2] if self.no_bias else grads
        if self.is_depthwise(x.shape):
            grads = depthwise_backward(xp, x, weight, self.kernel, self.stride, self.dilate,
                                       self.pad, grad, needs)
            if grads is not None:
                axes = (0,) + tuple(range(2, grad.ndim))
                return grads if self.no_bias else grads + [grad.sum(axis=axes) if needs[2] else None]
        grad_data = xp.empty(x.shape, dtype=grad.dtype) if needs[0] else None
        partial = {}

        def work(lo, hi, chunk):
            cols = chunk.columns(xp, x[lo:hi])
            if self.num_group == 1:
                part, grad_cols = self._sample_grads(xp, weight, chunk, cols, grad[lo:hi], needs)
            else:
                g = chunk.gemm_grad(xp, grad[lo:hi])                 # (F, n·size)
                part = self._weight_grad(xp, g, cols) if needs[1] else None
                grad_cols = self._column_grad(xp, weight, g, cols.shape) if needs[0] else None
            if needs[1]:
                key = threading.get_ident()
                partial[key] = part if key not in partial else partial[key] + part
            if needs[0]:
                grad_data[lo:hi] = chunk.spread(xp, grad_cols)

        self._over_chunks(xp, plan, work)
        grad_weight = None
        if needs[1]:
            grad_weight = sum(partial.values()).reshape(weight.shape)
        if self.no_bias:
            return [grad_data, grad_weight]
        axes = (0,) + tuple(range(2, grad.ndim))
        return [grad_data, grad_weight, grad.sum(axis=axes) if needs[2] else None]

    def _sample_grads(self, xp, weight, chunk, cols, grad, needs):
        """Weight gradient (summed) and column gradient (C, offsets, n, size) from one
        small GEMM per sample, as forward."""
        g3 = chunk.sample_grad(xp, grad)                         # (n, F, size)
        per_sample = chunk.per_sample(cols)                      # (n, C·k…, size)
        part = grad_cols = None
        if needs[1]:
            # NOTE: columns·gradientᵀ, then transposed: the faster orientation in OpenBLAS
            part = xp.matmul(per_sample, g3.transpose(0, 2, 1)).sum(axis=0).T
        if needs[0]:
            w = weight.reshape(self.num_filter, -1)
            grad_cols = xp.matmul(w.T, g3).transpose(1, 0, 2).reshape(cols.shape)
        return part, grad_cols

    def _weight_grad(self, xp, grad, cols):
        rows = math.prod(cols.shape[:2])
        g = self.num_group
        if g == 1:
            return parallel.matmul_nt_sum(xp, grad, cols.reshape(rows, -1))
        return xp.matmul(grad.reshape(g, self.num_filter // g, -1),
                         cols.reshape(g, rows // g, -1).swapaxes(1, 2))

    def _column_grad(self, xp, weight, grad, shape):
        rows = shape[0] * shape[1]
        g = self.num_group
        if g == 1:
            out = parallel.matmul(xp, weight.reshape(self.num_filter, rows).T, grad)
        else:
            w = weight.reshape(g, self.num_filter // g, -1)
            out = xp.matmul(w.swapaxes(1, 2), grad.reshape(g, self.num_filter // g, -1))
        return out.reshape(shape)
