"""1×1 convolutions (stride 1, no pad, one group) as one GEMM over pixel rows.

A single NCHW picture is (F, C) @ (C, pixels) with no copy (so is a small channels-last
one, see FIRST_PIXELS); otherwise the product runs on channels-last rows (pixels, C) @
(C, F), free when x already is channels-last (the output of a depthwise convolution,
BatchNorm or clip on one), and the output stays channels-last: an (N, F, H, W) view of
(N, H, W, F) memory.

Inference with a BatchNorm (and a clip) after it (core/executor_passes.py) passes ``scale``
and ``clip``: with numba, each core's share of the product gets ``y * scale + bias`` and
the clip in one compiled pass while it is still in cache (core/backend/cpu/depthwise_kernels.py),
rather than rescaled weights before and NumPy passes over the whole output after.
"""
from __future__ import annotations

import math

import numpy as np

from . import jit, parallel
from .depthwise_kernels import affine_clip, affine_clip_rows

#: a single picture this small gives a channels-first (F, pixels) output even from
#: channels-last input. NOTE: measured with OpenBLAS on EfficientNet-Lite0's 7×7 layers,
#: W·Xᵀ ran 20-25% faster than X·Wᵀ (1152→320: 0.56 vs 0.75 ms) and W·X with X channels-
#: first faster still (0.42 ms, the next layer's), while at 14×14 and above X·Wᵀ won
FIRST_PIXELS = 64
# NOTE: GEMMs in bands of rows (each band's epilogue in L2) measured no faster: 0.82 vs
# 0.68 ms for 12544×16×96 with 256 KB bands (OpenBLAS packs the weights again per call)


def pointwise_forward(xp, x, weight, bias, scale=None, clip=None):
    """1×1, stride 1, no pad, one group: (pixels, C) @ (C, F). Returns (output, what
    backward needs). A single NCHW picture is (F, C) @ (C, pixels) with no copy; otherwise
    the product runs on channels-last rows, free when x already is channels-last (the
    output of a depthwise, BatchNorm or clip on one), and the output stays channels-last.
    Inference extras: ``scale`` per output channel (the output is ``(x·W) * scale +
    bias``) and ``clip`` (low, high)."""
    n, c = x.shape[:2]
    spatial = x.shape[2:]
    f = weight.shape[0]
    w = weight.reshape(f, c)
    if n == 1 and (x.flags.c_contiguous or math.prod(spatial) <= FIRST_PIXELS):
        columns = x.reshape(c, -1)   # channels-last memory: a transposed view, no copy
        out = _product(xp, w, columns, bias, scale, clip, per_row=True)
        return out.reshape((1, f) + spatial), ("first", columns)
    last = (0,) + tuple(range(2, x.ndim)) + (1,)      # channels last (NumPy's moveaxis is slow)
    rows = x.transpose(last).reshape(-1, c)
    out = _product(xp, rows, w.T, bias, scale, clip, per_row=False)
    first = (0, x.ndim - 1) + tuple(range(1, x.ndim - 1))
    return out.reshape((n,) + spatial + (f,)).transpose(first), ("last", rows)


def _product(xp, a, b, bias, scale, clip, per_row):
    """a @ b, then ``* scale + bias`` and the clip per row (``per_row``: the channels are
    rows) or per column of the product."""
    m, k = a.shape
    n = b.shape[1]
    out = xp.empty((m, n), dtype=xp.result_type(a, b))
    if not jit.enabled_for(xp, out.dtype) or (
            bias is None and scale is None and clip is None):
        parallel.matmul(xp, a, b, out=out)
        view = (lambda v: v[:, None]) if per_row else (lambda v: v)
        if scale is not None:
            out *= view(scale)
        if bias is not None:
            out += view(bias)
        if clip is not None:
            xp.clip(out, clip[0], clip[1], out=out)
        return out
    dtype = out.dtype
    channels = m if per_row else n
    scale = np.ones(channels, dtype) if scale is None else np.ascontiguousarray(scale, dtype=dtype)
    shift = np.zeros(channels, dtype) if bias is None else np.ascontiguousarray(bias, dtype=dtype)
    low, high = (dtype.type(0), dtype.type(0)) if clip is None else map(dtype.type, clip)
    epilogue = affine_clip_rows if per_row else affine_clip
    by_rows = m >= n

    def task(lo, hi):
        """The product's rows (or columns) lo:hi, and their epilogue while in cache."""
        if by_rows:
            np.matmul(a[lo:hi], b, out=out[lo:hi])
            epilogue(out, scale, shift, low, high, clip is not None, lo, hi, 0, n)
        else:
            np.matmul(a, b[:, lo:hi], out=out[:, lo:hi])
            epilogue(out, scale, shift, low, high, clip is not None, 0, m, lo, hi)

    parallel.split(task, m if by_rows else n, parallel.parts_for(xp, m * n * k, parallel.SPLIT_MACS))
    return out


def pointwise_backward(xp, keep, weight, grad, needs):
    layout, x2 = keep
    n, f = grad.shape[:2]
    spatial = grad.shape[2:]
    w = weight.reshape(f, -1)
    grad_data = grad_weight = grad_bias = None
    if layout == "first":
        g2 = xp.ascontiguousarray(grad.reshape(f, -1))
        if needs[1]:
            grad_weight = parallel.matmul_nt_sum(xp, g2, x2).reshape(weight.shape)
        if needs[0]:
            grad_data = parallel.matmul(xp, w.T, g2).reshape((1, -1) + spatial)
        grad_bias = g2.sum(axis=1)
    else:
        rows = xp.moveaxis(grad, 1, -1).reshape(-1, f)
        if needs[1]:
            grad_weight = parallel.matmul_nt_sum(xp, rows.T, x2.T).reshape(weight.shape)
        if needs[0]:
            grad_data = parallel.matmul(xp, rows, w)
            grad_data = xp.moveaxis(grad_data.reshape((n,) + spatial + (-1,)), -1, 1)
        grad_bias = rows.sum(axis=0)
    return [grad_data, grad_weight, grad_bias if len(needs) > 2 and needs[2] else None]
