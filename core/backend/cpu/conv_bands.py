"""Convolution inference on CPU in bands of output rows (num_group 1, 2-D, not 1×1).

Why: at inference nothing is kept for a backward pass, so the work can be cut where it
suits the cores and caches rather than by samples. The output is cut into units of
(sample, band of output rows); each core claims units from one counter and, per unit,
builds the band's columns (compiled im2col straight from the unpadded input, zeros
where the window reaches into the padding), runs one OpenBLAS GEMM written straight
into the NCHW output (a band of one sample is a contiguous run of every channel's
plane: the GEMM's output rows have the plane's stride, no scatter copy), then adds
the bias and applies the activation (relu / leaky relu: ``max(v, slope·v)``) in one
compiled pass while the band is still in cache. So a single picture uses both cores
for the whole layer (im2col included), the output is contiguous (the next layer's
im2col and the next 1×1 GEMM read it without a copy), and the activation after the
convolution costs no pass of its own (core/executor_passes.activation_epilogues).

3×3 stride-1 layers with enough channels and pixels take winograd.py instead (2.25×
fewer multiply-adds, cut into units the same way). Training keeps conv_compiled.py (its
chunks of samples are what backward needs).
"""
from __future__ import annotations

import itertools

import numpy as np

from . import jit, parallel, winograd
from .jit import kernel

#: a unit's columns in bytes: about what one core's L2 holds, so the GEMM reads the
#: columns im2col just wrote from cache ...
COLUMN_BYTES = 1 << 20
#: ... but at least this many GEMM columns (OpenBLAS packs the weights once per call)
MIN_COLUMNS = 512
#: multiply-adds per core below which a layer runs in one piece
SPLIT_MACS = 2_000_000


def compiled(xp, x, plan, num_group):
    """Whether this inference convolution runs here: NumPy floats (numba), one group,
    a 2-D window that is not 1×1 (core/backend/cpu/pointwise.py serves those)."""
    return (num_group == 1 and len(plan.kernel) == 2 and plan.kind != "pointwise"
            and x.ndim == 4 and jit.enabled_for(xp, x.dtype))


def units(n, out, rows, itemsize, parts):
    """(first sample, samples, first row, last row) units: bands of ~COLUMN_BYTES of
    columns, at least MIN_COLUMNS wide (small maps: several whole samples), in a
    multiple of ``parts`` units of even size, so no core waits on a short last one."""
    oh, ow = out
    columns = max(COLUMN_BYTES // (rows * itemsize), MIN_COLUMNS)
    # NOTE: whether and how a sample is cut depends on its size alone, never on the batch
    # (a picture gives the same numbers in any batch; only a lone picture is cut in bands
    # for the cores)
    if columns >= oh * ow and n > 1:   # whole samples per unit
        count = parallel.even_size(n, -(-n // max(1, columns // (oh * ow))), parts)
        return [(s, min(count, n - s), 0, oh) for s in range(0, n, count)]
    band = parallel.even_size(oh, -(-oh // max(1, columns // ow)), parts if n == 1 else 1)
    return [(s, 1, lo, min(oh, lo + band)) for s in range(n) for lo in range(0, oh, band)]


def forward(x, weight, bias, plan, slope=None):
    """The convolution's output (N, F, oh, ow), C-contiguous; ``bias`` may be None;
    with ``slope`` each value v becomes max(v, slope·v) (0: relu). 3×3 stride-1 layers
    big enough run as Winograd F(2×2, 3×3) instead (winograd.py, the same units)."""
    if winograd.compiled(np, x, plan, weight.shape[0]):
        return winograd.forward(x, weight, bias, plan, slope)
    n, c = x.shape[:2]
    f = weight.shape[0]
    kh, kw = plan.kernel
    oh, ow = plan.out
    rows = c * kh * kw
    dtype = x.dtype
    w = np.ascontiguousarray(weight.reshape(f, rows), dtype=dtype)
    out = np.empty((n, f, oh, ow), dtype=dtype)
    planes = out.reshape(n, f, oh * ow)
    shift = np.zeros(f, dtype) if bias is None else np.ascontiguousarray(bias, dtype=dtype)
    macs = n * f * rows * oh * ow
    parts = parallel.parts_for(np, macs, SPLIT_MACS)
    work = units(n, plan.out, rows, dtype.itemsize, parts)
    parts = min(parts, len(work))
    widest = max(count * (hi - lo) for _, count, lo, hi in work) * ow
    mode = 0 if slope is None else (1 if slope == 0 else 2)
    factor = dtype.type(0 if slope is None else slope)
    window = (kh, kw, *plan.stride, *plan.pad, *plan.dilate)
    claim = itertools.count()

    def task(first, last):
        buffer = np.empty(rows * widest, dtype=dtype)
        for index in iter(claim.__next__, None):
            if index >= len(work):
                break
            s, count, lo, hi = work[index]
            length = (hi - lo) * ow
            block = buffer[:count * rows * length].reshape(count, rows, length)
            for k in range(count):
                im2col_rows(x, s + k, block[k].reshape(rows, hi - lo, ow), *window, lo)
            target = planes[s:s + count, :, lo * ow:hi * ow]
            # NOTE: one GEMM per sample, never one over several: OpenBLAS's result for a
            # column depends on the whole product's size, and a picture must give the
            # same numbers whatever batch it comes in (features extracted in batches of
            # 4 and of 10 differed in the last bit)
            np.matmul(w, block, out=target)
            for k in range(count):
                epilogue(target[k], target[k], shift, mode, factor)

    parallel.split(task, parts, parts)
    return out


@kernel
def im2col_rows(x, s, cols, kh, kw, sh, sw, ph, pw, dh, dw, first):
    """cols[(c·kh+ki)·kw+kj, i, j] = x[s, c, (first+i)·sh-ph+ki·dh, j·sw-pw+kj·dw]: the
    columns of output rows first … first+band of sample s, zero in the padding."""
    channels, height, width = x.shape[1], x.shape[2], x.shape[3]
    band, ow = cols.shape[1], cols.shape[2]
    ustep = np.uint64(sw)
    zero = cols.dtype.type(0)
    for c in range(channels):
        image = x[s, c]
        for ki in range(kh):
            for kj in range(kw):
                xo = kj * dw - pw
                j0 = min(ow, max(0, (sw - 1 - xo) // sw))
                j1 = max(j0, min(ow, (width - xo + sw - 1) // sw))
                dst = cols[(c * kh + ki) * kw + kj]
                start, uj0 = np.uint64(j0 * sw + xo), np.uint64(j0)
                for i in range(band):
                    y = (first + i) * sh - ph + ki * dh
                    row = dst[i]
                    if y < 0 or y >= height:
                        for j in range(ow):
                            row[j] = zero
                        continue
                    src = image[y]
                    for j in range(j0):
                        row[j] = zero
                    for j in range(j1 - j0):
                        u = np.uint64(j)
                        row[uj0 + u] = src[start + u * ustep]
                    for j in range(j1, ow):
                        row[j] = zero


@kernel
def epilogue(source, out, shift, mode, slope):
    """out[f, p] = source[f, p] + shift[f], then mode 1: relu (NaN stays NaN), mode 2:
    max(v, slope·v). ``out`` may be ``source``."""
    filters, length = out.shape
    zero = out.dtype.type(0)
    for f in range(filters):
        row, src, b = out[f], source[f], shift[f]
        if mode == 0:
            for p in range(length):
                row[p] = src[p] + b
        elif mode == 1:
            for p in range(length):
                v = src[p] + b
                row[p] = zero if v < zero else v
        else:
            for p in range(length):
                v = src[p] + b
                w = v * slope
                row[p] = v if v > w else w
