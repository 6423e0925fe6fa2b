"""Pooling: max, avg, sum and Lp windows over 1-D, 2-D or 3-D inputs, MXNet's conventions.

The input is placed in a buffer (padding filled with the lowest float for max, zero
otherwise) that covers exactly the cells the windows reach; windows may overhang the
input under the ``full`` convention, as in MXNet. Max pooling keeps the winning kernel
offset per output cell (one byte each), not a mask the size of the input.

>>> op = Pooling(kernel=(3, 3), stride=(2, 2), pooling_convention="full")
>>> op.infer_shape([(1, 1, 6, 6)])[1]
[(1, 1, 3, 3)]
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from ..errors import GraphError
from ..backend.cpu import parallel, pool_kernels
from ..backend.cpu.maxpool import max_scatter, window_max
from ..backend.cpu.window import buffer_length, embed, extract, window_views
from .attrs import Param
from .conv import CHANNELS_FIRST, LAYOUTS, WindowedOp
from .registry import register_op


def last_window_in_padding(spatial, kernel, stride, pad):
    """Whether ceil-mode ('full') pooling has a last window starting in the end padding:
    MXNet keeps such a window, ONNX and PyTorch drop it."""
    for size, k, s, p in zip(spatial, kernel, stride, pad):
        out = 1 + math.ceil((size + 2 * p - k) / s)
        if (out - 1) * s >= size + p:
            return True
    return False


@register_op()
class Pooling(WindowedOp):
    name = "Pooling"
    category = "Pooling"
    doc = "Max, average, sum or Lp pooling over windows, or over the whole map (global_pool)."
    per_sample = True
    starter_attrs = {"kernel": "(2, 2)", "stride": "(2, 2)", "pool_type": "max"}
    params = {
        "kernel": Param("shape", (), "window size: (w,), (h, w) or (d, h, w)", low=1),
        "pool_type": Param("str", "max", "what each window computes",
                           choices=("max", "avg", "sum", "lp")),
        "global_pool": Param("bool", False, "pool over the whole map; kernel is ignored"),
        "cudnn_off": Param("bool", False, "turn off cuDNN (ignored)"),
        "pooling_convention": Param("str", "valid", "valid: floor, full: ceil (windows may "
                                    "overhang), same: ceil(size/stride), 1-D only",
                                    choices=("valid", "full", "same")),
        "stride": Param("shape", (), "step between windows; default 1 on each axis", low=1),
        "pad": Param("shape", (), "padding on both sides of each axis; default 0", low=0),
        "p_value": Param("int_or_none", None, "p of Lp pooling", low=1),
        "count_include_pad": Param("bool", True, "avg: divide by the window size including "
                                   "padding cells"),
        "layout": Param("str", "None", "data layout; only channels-first is computed",
                        choices=LAYOUTS),
    }

    def __init__(self, node_name="", **attrs):
        # MXNet writes count_include_pad=None for "not set", which means True
        if str(attrs.get("count_include_pad", "")).strip() == "None":
            attrs.pop("count_include_pad")
        super().__init__(node_name, **attrs)

    def check(self):
        if not self.kernel and not self.global_pool:
            raise self.error("kernel is required unless global_pool=True", GraphError)
        if self.kernel:
            self._check_window([("stride", 1), ("pad", 0)])
        elif self.layout not in ("None", *CHANNELS_FIRST.values()):
            raise self.error(f"layout={self.layout} is not supported: Net Studio computes "
                             f"channels first (NCW, NCHW, NCDHW)", GraphError)
        if self.pool_type == "lp" and not self.p_value:
            raise self.error("pool_type='lp' needs p_value (1, 2, ...)", GraphError)
        if self.pooling_convention == "same" and not self.global_pool:
            if len(self.kernel) != 1 or any(self.pad):
                raise self.error("pooling_convention='same' works on 1-D data without pad, "
                                 f"got kernel={self.kernel} pad={self.pad}", GraphError)

    # ----- shapes --------------------------------------------------------------
    def _geometry(self, spatial):
        """(kernel, stride, pad, out) for an input of ``spatial`` size."""
        if self.global_pool:
            n = len(spatial)
            return tuple(spatial), (1,) * n, (0,) * n, (1,) * n
        out = []
        for size, k, s, p in zip(spatial, self.kernel, self.stride, self.pad):
            if k > size + 2 * p:
                padded = "×".join(str(n + 2 * q) for n, q in zip(spatial, self.pad))
                raise self.error(f"kernel {self.kernel} is larger than the padded input {padded}")
            if self.pooling_convention == "valid":
                out.append(1 + (size + 2 * p - k) // s)
            elif self.pooling_convention == "full":
                out.append(1 + math.ceil((size + 2 * p - k) / s))
            else:
                out.append(math.ceil((size + 2 * p) / s))
        return self.kernel, self.stride, self.pad, tuple(out)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        data = tuple(data)
        if self.global_pool:
            if not 3 <= len(data) <= 5:
                raise self.error(f"data has shape {data}, expected 3 to 5 axes (NCW, NCHW or NCDHW)")
        else:
            self._check_data(data)
        out = self._geometry(data[2:])[3]
        return [data], [(data[0], data[1], *out)], []

    def onnx(self, graph, inputs, outputs):
        kind = {"max": "Max", "avg": "Average", "lp": "Lp"}.get(self.pool_type)
        if kind is None:
            raise self.error(f"pool_type={self.pool_type!r} has no ONNX pooling operator", GraphError)
        p = self.p_value if self.pool_type == "lp" else None
        if self.global_pool:
            graph.node(f"Global{kind}Pool", inputs, outputs, p=p)
            return
        window = dict(kernel_shape=list(self.kernel), strides=list(self.stride), p=p)
        if self.pooling_convention == "full" and last_window_in_padding(
                graph.shape(inputs[0])[2:], self.kernel, self.stride, self.pad):
            raise self.error("pooling_convention='full' here has a last window that starts in the "
                             "padding; ONNX's ceil_mode drops it, so the shapes would differ", GraphError)
        if self.pooling_convention == "same":
            window["auto_pad"] = "SAME_UPPER"
        else:
            window["pads"] = list(self.pad) * 2
            window["ceil_mode"] = int(self.pooling_convention == "full") if kind != "Lp" else None
        if kind == "Average":
            window["count_include_pad"] = int(self.count_include_pad)
        graph.node(f"{kind}Pool", inputs, outputs, **window)

    # ----- computation ---------------------------------------------------------
    def _buffer(self, xp, x, geometry, fill):
        kernel, stride, pad, out = geometry
        lengths = [buffer_length(o, k, s) for o, k, s in zip(out, kernel, stride)]
        return embed(xp, x, pad, lengths, fill)

    def forward(self, xp, inputs, aux, is_train):
        x = inputs[0]
        geometry = self._geometry(x.shape[2:])
        if pool_kernels.compiled(xp, x, self.pool_type, geometry):   # 2-D: one compiled pass
            divisor = None
            if self.pool_type != "max":
                divisor = np.ones(geometry[3], dtype=x.dtype) if self.pool_type == "sum" else \
                    self._divisor(np, x.shape[2:], geometry, x.dtype).reshape(geometry[3])
            out, keep = pool_kernels.forward(xp, x, geometry, divisor, is_train)
            return [out], ((x.shape, geometry, keep) if is_train else None)
        if self.pool_type != "lp" and all(o == 1 for o in geometry[3]):
            out, keep = self._single_window_forward(xp, x, geometry)
            return [out], ((x.shape, geometry, keep) if is_train else None)
        if self.pool_type == "max":
            out, keep = self._split_max_forward(xp, x, geometry, is_train)
        elif self.pool_type == "lp":
            out, keep = self._lp_forward(xp, x, geometry)
        else:
            out, keep = self._sum_forward(xp, x, geometry)
        return [out], ((x.shape, geometry, keep) if is_train else None)

    def _split_max_forward(self, xp, x, geometry, track):
        """Max pooling of sample ranges on the cores (each range: its own buffer)."""
        n = x.shape[0]
        out_shape = x.shape[:2] + tuple(geometry[3])
        out = xp.empty(out_shape, dtype=x.dtype)
        winners = {}

        def task(lo, hi):
            best, winner = self._max_forward(xp, x[lo:hi], geometry, track)
            out[lo:hi] = best
            winners[lo] = winner

        parallel.over_batch(xp, n, x.size, task)
        if not track:
            return out, None
        if len(winners) == 1:
            return out, winners[0]
        return out, xp.concatenate([winners[lo] for lo in sorted(winners)], axis=0)

    def backward(self, xp, saved, out_grads, needs):
        x_shape, geometry, keep = saved
        kernel, stride, pad, out = geometry
        grad = out_grads[0]
        if isinstance(keep, pool_kernels.Saved):
            return [pool_kernels.backward(xp, keep, grad, x_shape, geometry)]
        if all(o == 1 for o in out) and self.pool_type != "lp":
            return [self._single_window_backward(xp, grad, x_shape, geometry, keep)]
        lengths = tuple(buffer_length(o, k, s) for o, k, s in zip(out, kernel, stride))
        # windows that tile the buffer exactly (stride == kernel) write each cell once
        tiled = tuple(stride) == tuple(kernel)
        if self.pool_type == "max":
            result = xp.empty(x_shape, dtype=grad.dtype)

            # windows tiling x exactly: the gradient is written straight into the result
            direct = tiled and not any(pad) and lengths == tuple(x_shape[2:])

            def task(lo, hi):
                if direct:
                    buf = result[lo:hi]
                else:
                    buf = (xp.empty if tiled else xp.zeros)((hi - lo,) + x_shape[1:2] + lengths,
                                                           dtype=grad.dtype)
                max_scatter(xp, buf, grad[lo:hi], keep[lo:hi], geometry, tiled)
                if not direct:
                    result[lo:hi] = extract(xp, buf, pad, x_shape[2:])

            parallel.over_batch(xp, x_shape[0], math.prod(x_shape), task)
            return [result]
        buf = (xp.empty if tiled else xp.zeros)(x_shape[:2] + lengths, dtype=grad.dtype)
        if self.pool_type == "lp":
            contributions = self._lp_backward(xp, grad, keep, geometry)
        else:
            contributions = self._sum_backward(xp, grad, keep)
        self._scatter(xp, buf, contributions, geometry, tiled)
        return [extract(xp, buf, pad, x_shape[2:])]

    @staticmethod
    def _scatter(xp, buf, contributions, geometry, tiled):
        kernel, stride, pad, out = geometry
        for (offset, view), part in zip(window_views(buf, kernel, stride, (1,) * len(kernel), out),
                                        contributions):
            if tiled:
                view[...] = part
            else:
                view += part

    # one window covering the whole (padded) map, as in global pooling: plain reductions
    def _single_window_forward(self, xp, x, geometry):
        fill = np.finfo(x.dtype).min if self.pool_type == "max" else 0
        cells = self._buffer(xp, x, geometry, fill).reshape(x.shape[0], x.shape[1], -1)
        shape = x.shape[:2] + (1,) * (x.ndim - 2)
        if self.pool_type == "max":
            winner = xp.argmax(cells, axis=-1)  # the first maximum, like MXNet
            return cells.max(axis=-1).reshape(shape), winner
        total = cells.sum(axis=-1).reshape(shape)
        if self.pool_type == "sum":
            return total, None
        divisor = self._divisor(xp, x.shape[2:], geometry, x.dtype)
        return total / divisor, divisor

    def _single_window_backward(self, xp, grad, x_shape, geometry, keep):
        kernel, stride, pad, out = geometry
        n, c = x_shape[:2]
        grad = grad.reshape(n, c, 1)
        size = math.prod(kernel)
        if self.pool_type == "max":
            hits = xp.arange(size).reshape(1, 1, -1) == keep[:, :, None]
            cells = hits * grad
        else:
            part = grad if keep is None else grad / keep.reshape(1, 1, 1)
            cells = part * xp.ones((1, 1, size), dtype=grad.dtype)
        return extract(xp, cells.reshape((n, c) + tuple(kernel)), pad, x_shape[2:])

    # max: the first largest cell of each window wins, in row-major order like MXNet
    def _max_forward(self, xp, x, geometry, track):
        """Window maxima and, when training, the winning kernel offset of each window."""
        lowest = np.finfo(x.dtype).min   # MXNet's value for a window with no input cell
        return window_max(xp, self._buffer(xp, x, geometry, lowest), geometry, track)

    # sum and avg: one add per kernel offset; avg divides by MXNet's window count
    def _sum_forward(self, xp, x, geometry):
        kernel, stride, pad, out = geometry
        buf = self._buffer(xp, x, geometry, 0)
        total = None
        for offset, view in window_views(buf, kernel, stride, (1,) * len(kernel), out):
            if total is None:
                total = view.copy()
            else:
                total += view
        if self.pool_type == "sum":
            return total, None
        divisor = self._divisor(xp, x.shape[2:], geometry, x.dtype)
        return total / divisor, divisor

    def _sum_backward(self, xp, grad, divisor):
        return itertools.repeat(grad if divisor is None else grad / divisor)

    def _divisor(self, xp, spatial, geometry, dtype):
        """Cells each window averages over: MXNet counts padding (count_include_pad) but
        never the overhang past the padding; an empty window divides by 1 (its sum is 0)."""
        kernel, stride, pad, out = geometry
        divisor = np.ones((1,), dtype=np.float64)
        for size, k, s, p, n in zip(spatial, kernel, stride, pad, out):
            start = np.arange(n) * s - p
            end = np.minimum(start + k, size + p)
            if self.count_include_pad:
                count = end - start
            else:
                count = np.minimum(end, size) - np.maximum(start, 0)
            divisor = np.multiply.outer(divisor, np.maximum(count, 0))
        divisor = np.maximum(divisor.reshape(out), 1)
        return xp.asarray(divisor.reshape((1, 1) + tuple(out)), dtype=dtype)

    # Lp: (sum x^p)^(1/p), with the real (signed) root for odd p like MXNet
    def _lp_forward(self, xp, x, geometry):
        kernel, stride, pad, out = geometry
        p = self.p_value
        buf = self._buffer(xp, x, geometry, 0)
        total = None
        for offset, view in window_views(buf, kernel, stride, (1,) * len(kernel), out):
            if total is None:
                total = view ** p
            else:
                total += view ** p
        if p == 1:
            result = total
        elif p == 2:
            result = xp.sqrt(total)
        else:
            result = xp.sign(total) * xp.abs(total) ** (1.0 / p)
        return result.astype(x.dtype, copy=False), (buf, result)

    def _lp_backward(self, xp, grad, keep, geometry):
        kernel, stride, pad, out = geometry
        buf, result = keep
        p = self.p_value
        # d out / d x = (x / out)^(p-1); zero where the window's norm is zero
        safe = xp.where(result == 0, 1, result)
        scale = xp.where(result == 0, 0, grad / safe ** (p - 1))
        for offset, view in window_views(buf, kernel, stride, (1,) * len(kernel), out):
            yield scale * view ** (p - 1)
