"""1×1 convolutions (stride 1, no pad, one group) as one GEMM over pixel rows.

A single NCHW picture is (F, C) @ (C, pixels) with no copy; otherwise the product runs
on channels-last rows (pixels, C) @ (C, F), free when x already is channels-last (the
output of a depthwise convolution, BatchNorm or clip on one), and the output stays
channels-last: an (N, F, H, W) view of (N, H, W, F) memory.
"""
from __future__ import annotations

from . import _parallel


def pointwise_forward(xp, x, weight, bias):
    """1×1, stride 1, no pad, one group: (pixels, C) @ (C, F). Returns (output, what
    backward needs). A single NCHW picture is (F, C) @ (C, pixels) with no copy; otherwise
    the product runs on channels-last rows, free when x already is channels-last (the
    output of a depthwise, BatchNorm or clip on one), and the output stays channels-last."""
    n, c = x.shape[:2]
    spatial = x.shape[2:]
    f = weight.shape[0]
    w = weight.reshape(f, c)
    if n == 1 and x.flags.c_contiguous:
        columns = x.reshape(c, -1)
        out = _parallel.matmul(xp, w, columns)
        if bias is not None:
            out += bias[:, None]
        return out.reshape((1, f) + spatial), ("first", columns)
    rows = xp.moveaxis(x, 1, -1).reshape(-1, c)
    out = _parallel.matmul(xp, rows, w.T)
    if bias is not None:
        out += bias
    return xp.moveaxis(out.reshape((n,) + spatial + (f,)), -1, 1), ("last", rows)


def pointwise_backward(xp, keep, weight, grad, needs):
    layout, x2 = keep
    n, f = grad.shape[:2]
    spatial = grad.shape[2:]
    w = weight.reshape(f, -1)
    grad_data = grad_weight = grad_bias = None
    if layout == "first":
        g2 = xp.ascontiguousarray(grad.reshape(f, -1))
        if needs[1]:
            grad_weight = _parallel.matmul_nt_sum(xp, g2, x2).reshape(weight.shape)
        if needs[0]:
            grad_data = _parallel.matmul(xp, w.T, g2).reshape((1, -1) + spatial)
        grad_bias = g2.sum(axis=1)
    else:
        rows = xp.moveaxis(grad, 1, -1).reshape(-1, f)
        if needs[1]:
            grad_weight = _parallel.matmul_nt_sum(xp, rows.T, x2.T).reshape(weight.shape)
        if needs[0]:
            grad_data = _parallel.matmul(xp, rows, w)
            grad_data = xp.moveaxis(grad_data.reshape((n,) + spatial + (-1,)), -1, 1)
        grad_bias = rows.sum(axis=0)
    return [grad_data, grad_weight, grad_bias if len(needs) > 2 and needs[2] else None]
