"""Convolution on CPU with compiled kernels: numba im2col/col2im + OpenBLAS GEMMs, the
batch shared among the cores (num_group 1, 1-D and 2-D windows).

Why: the NumPy path (conv.py + columns.py) is dozens of short NumPy calls per chunk
that hold the GIL, so a LeNet layer ran no faster on two threads than on one. Here the
batch is cut into chunks of samples and each core's piece runs chunks, each a few
calls that all release the GIL (compiled kernels from conv_kernels.py, GEMMs inside
np.matmul), so the pieces really run at once. The pieces claim chunks from one counter:
a core held up by another process (the machine is shared; the GUI runs too) leaves its
chunks to the other instead of making it wait. Weight- and bias-gradient parts are kept
per chunk and summed in chunk order, so the result does not depend on which core ran
what (big weights: one part per piece, over fixed ranges of chunks).

Per chunk of S samples (sized so its matrices stay in L2, CHUNK_BYTES):
- forward: im2col -> one GEMM (F, rows)·(rows, S·positions) (the weight is read once
  per chunk) -> the result scattered into the NCHW output with the bias added;
- backward: the output gradient moved into one (F, S·positions) matrix (its sums give
  the bias gradient); weight gradient = columns (recomputed, in cache) · gradientᵀ;
  column gradient = weightᵀ · gradient, then col2im. Only what ``needs`` asks for runs
  (LeNet's first layer needs no data gradient: no col2im there).

The grid is "wide" (stride 1: contiguous column runs, see conv_kernels.py) or exact.
"""
from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import numpy as np

from . import jit, parallel
from .columns import WIDE_LIMIT
from .conv_kernels import (col2im, col2im_wide, crop_chunk, gradient_chunk, im2col, im2col_wide,
                            pad_chunk, scatter_output)

#: a chunk's columns, column gradient and output (gradient) in bytes: the GEMMs'
#: working set, kept in L2 (LeNet's conv2 weight-gradient GEMM ran 1.5x slower at 4x) ...
CHUNK_BYTES = 1 << 19
#: ... but at most this many GEMM columns (LeNet's GEMMs slowed down 2-3x past it) ...
CHUNK_COLUMNS = 4608
#: ... and at least this many (deep layers: the weight is read once per chunk's GEMM)
MIN_COLUMNS = 512
#: multiply-adds per core below which the batch stays in one piece. NOTE: a split costs
#: ~30 µs (LeNet's conv2 at batch 4: 0.023 ms forward in one piece, 0.053 in two), and
#: inside a training step more: the next layer then reads what the other core wrote.
#: Measured in LeNet's training loop (batch 128, layers of 11 M, 8 interleaved rounds):
#: split 16.6 k samples/s median, one piece 18.1 k; inference equal. So layers split
#: from 16 M multiply-adds (ResNet-18's: 100 M and more, 1.8x on two cores)
SPLIT_MACS = 8_000_000
#: weight-gradient values (rows × F × chunks) up to which each chunk keeps its own part
#: (summed in chunk order at the end), so the cores can share chunks dynamically
PARTS_LIMIT = 1 << 22


class Grid(NamedTuple):
    """Where the compiled path computes: x as (N, C, H, W), the window (kh, kw, sh, sw,
    ph, pw, dh, dw), the output (oh, ow), the padded image (Hp, Wp), the grid's row
    length (Wp when wide, else ow), column rows (C·kh·kw), positions per sample, samples
    per chunk, the chunks (first sample, count) and the number of pieces (cores)."""
    x4: object
    wide: bool
    window: tuple
    out: tuple
    padded: tuple
    width: int
    rows: int
    positions: int
    step: int
    chunks: list
    parts: int


def _macs(num_filter, x, plan):
    return math.prod(x.shape[:2]) * plan.offsets * math.prod(plan.out) * num_filter


def compiled(xp, x, plan, num_group, num_filter):
    """Whether the compiled kernels take this convolution of ``x`` (its column ``plan``,
    which holds the window, ``num_group`` and ``num_filter``): NumPy float arrays, 1-D or 2-D
    windows, no groups (grouped and 3-D convolutions keep the NumPy path), not 1×1
    (pointwise.py), and enough samples for the cores (the batch is what is split; a big
    layer at batch 1 keeps the NumPy path, whose GEMMs split over the output instead)."""
    if not (num_group == 1 and len(plan.kernel) <= 2 and plan.kind != "pointwise"
            and jit.enabled_for(xp, x.dtype)):
        return False
    return x.shape[0] >= parallel.parts_for(xp, _macs(num_filter, x, plan), SPLIT_MACS)


def grid_for(x, plan, num_filter, matrices):
    """The Grid of this call (the window from ``plan``); 1-D windows as one row.
    ``matrices``: how many (rows, positions) matrices a chunk holds per sample (columns,
    column gradient)."""
    if len(plan.kernel) == 1:
        x4 = x.reshape(x.shape[:2] + (1,) + x.shape[2:])
        window = (1, plan.kernel[0], 1, plan.stride[0], 0, plan.pad[0], 1, plan.dilate[0])
        out = (1, plan.out[0])
    else:
        x4, window, out = x, (*plan.kernel, *plan.stride, *plan.pad, *plan.dilate), tuple(plan.out)
    padded = (x4.shape[2] + 2 * window[4], x4.shape[3] + 2 * window[5])
    # the wide grid computes Wp/ow times the outputs: worth it while that stays small
    wide = window[2] == window[3] == 1 and padded[1] <= WIDE_LIMIT * out[1]
    width = padded[1] if wide else out[1]
    n, rows, positions = x.shape[0], x.shape[1] * plan.offsets, out[0] * width
    per_sample = (matrices * rows + num_filter) * positions * x.dtype.itemsize
    step = min(CHUNK_BYTES // per_sample, CHUNK_COLUMNS // positions)
    step = max(1, step, -(-MIN_COLUMNS // positions))
    chunks = [(a, min(step, n - a)) for a in range(0, n, step)]
    parts = min(parallel.parts_for(np, _macs(num_filter, x, plan), SPLIT_MACS), len(chunks))
    return Grid(x4, wide, window, out, padded, width, rows, positions, step,
                chunks, parts)


def _over_chunks(grid, buffers, work, shared=True):
    """``work(index, own)`` for every chunk, in one piece per core; ``own = buffers()`` is
    a piece's scratch. With ``shared`` the pieces claim chunks from one counter, so a
    core held up by another process leaves its chunks to the others (the results must
    not depend on which piece ran a chunk); else each piece runs a fixed range of chunks.
    Returns each piece's scratch, in piece order."""
    total, claim = len(grid.chunks), itertools.count()
    pieces = parallel.ranges(total, grid.parts)
    owns = [None] * len(pieces)

    def task(first, last):
        own = owns[pieces.index((first, last))] = buffers()
        indices = iter(claim.__next__, None) if shared else iter(range(first, last))
        for index in indices:
            if index >= total:
                break
            work(index, own)

    parallel.run(task, pieces)
    return owns


def _pad_buffer(grid, chunk, dtype):
    """A (chunk, C, Hp, Wp) buffer for the wide grid's padded images, or None."""
    if not grid.wide or grid.padded == grid.x4.shape[2:]:
        return None
    return np.empty((chunk, grid.x4.shape[1]) + grid.padded, dtype=dtype)


def _columns(grid, cols, buf, a, count):
    """Columns (rows, count, positions) of samples a … a+count (buf: the padded chunk)."""
    kh, kw, sh, sw, ph, pw, dh, dw = grid.window
    if not grid.wide:
        shaped = cols.reshape(cols.shape[:2] + grid.out)
        im2col(grid.x4, shaped, kh, kw, sh, sw, ph, pw, dh, dw, a, a + count)
    elif buf is None:
        images = grid.x4.reshape(grid.x4.shape[:2] + (-1,))
        im2col_wide(images, a, cols, kh, kw, dh, dw, grid.width, count)
    else:
        pad_chunk(grid.x4, buf, ph, pw, a, count)
        im2col_wide(buf.reshape(buf.shape[:2] + (-1,)), 0, cols, kh, kw, dh, dw, grid.width, count)


def _spread(grid, grad_cols, dx4, buf, a, count):
    """The data gradient of samples a … a+count from their column gradient (col2im)."""
    kh, kw, sh, sw, ph, pw, dh, dw = grid.window
    if not grid.wide:
        shaped = grad_cols.reshape(grad_cols.shape[:2] + grid.out)
        col2im(shaped, dx4, kh, kw, sh, sw, ph, pw, dh, dw, a, a + count)
    elif buf is None:
        col2im_wide(grad_cols, dx4.reshape(dx4.shape[:2] + (-1,)), a, kh, kw, dh, dw, grid.width, count)
    else:
        col2im_wide(grad_cols, buf.reshape(buf.shape[:2] + (-1,)), 0, kh, kw, dh, dw, grid.width, count)
        crop_chunk(buf, dx4, ph, pw, a, count)


def forward(x, weight, bias, plan):
    """The convolution's output (N, F, *out); ``bias`` may be None."""
    grid = grid_for(x, plan, weight.shape[0], 1)
    n, f, size, chunk = x.shape[0], weight.shape[0], grid.positions, grid.step
    w = weight.reshape(f, grid.rows).astype(x.dtype, copy=False)
    out = np.empty((n, f) + tuple(plan.out), dtype=x.dtype)
    out4 = out.reshape((n, f) + grid.out)
    shift = np.zeros(f, dtype=x.dtype) if bias is None else bias.astype(x.dtype, copy=False)

    def buffers():
        return (np.empty((grid.rows, chunk * size), dtype=x.dtype),
                np.empty((f, chunk * size), dtype=x.dtype), _pad_buffer(grid, chunk, x.dtype))

    def work(index, own):
        cols, product, buf = own
        a, count = grid.chunks[index]
        length = count * size
        _columns(grid, cols.reshape(grid.rows, chunk, size), buf, a, count)
        np.matmul(w, cols[:, :length], out=product[:, :length])
        scatter_output(product.reshape(f, chunk, size), out4, shift, grid.width, a, count)

    _over_chunks(grid, buffers, work)
    return out


def backward(x, weight, grad, plan, needs):
    """[data, weight, bias] gradients (None where ``needs`` is False). The weight and
    bias gradients are sums over chunks in a fixed order, whichever core ran a chunk."""
    needs = tuple(needs) + (False,) * (3 - len(needs))   # no_bias: two inputs
    grid = grid_for(x, plan, weight.shape[0], int(needs[0]) + int(needs[1]))
    n, f, size, rows, chunk = x.shape[0], weight.shape[0], grid.positions, grid.rows, grid.step
    w_t = weight.reshape(f, rows).T
    g4 = np.ascontiguousarray(grad).reshape((n, f) + grid.out)
    grad_data = np.empty(x.shape, dtype=grad.dtype) if needs[0] else None
    dx4 = None if grad_data is None else grad_data.reshape(grid.x4.shape)
    # per-chunk parts when small (the cores then share chunks), else one sum per piece
    shared = rows * f * len(grid.chunks) <= PARTS_LIMIT
    count_parts = len(grid.chunks) if shared else grid.parts
    weight_parts = np.zeros((count_parts, rows, f), dtype=grad.dtype) if needs[1] else None
    bias_parts = np.zeros((count_parts, f), dtype=grad.dtype)
    pieces = parallel.ranges(len(grid.chunks), grid.parts)

    def buffers():
        return dict(gt=np.empty((f, chunk * size), dtype=grad.dtype),
                    cols=np.empty((rows, chunk, size), dtype=x.dtype) if needs[1] else None,
                    product=np.empty((rows, f), dtype=grad.dtype),
                    buf=_pad_buffer(grid, chunk, x.dtype) if needs[1] else None,
                    grad_cols=np.empty((rows, chunk, size), dtype=grad.dtype) if needs[0] else None,
                    grad_buf=_pad_buffer(grid, chunk, grad.dtype) if needs[0] else None)

    def work(index, own):
        a, count = grid.chunks[index]
        length = count * size
        part = index if shared else next(i for i, (lo, hi) in enumerate(pieces) if lo <= index < hi)
        gt = own["gt"]
        gradient_chunk(g4, gt.reshape(f, chunk, size), bias_parts[part], needs[2], grid.width, a, count)
        if needs[1]:
            _columns(grid, own["cols"], own["buf"], a, count)
            # NOTE: columns·gradientᵀ (then transposed) is the faster orientation in
            # OpenBLAS here (measured 1.5x on LeNet's conv2; parallel.matmul_nt_sum too)
            product = weight_parts[index] if shared else own["product"]
            np.matmul(own["cols"].reshape(rows, -1)[:, :length], gt[:, :length].T, out=product)
            if not shared:
                weight_parts[part] += product
        if needs[0]:
            grad_cols = own["grad_cols"]
            np.matmul(w_t, gt[:, :length], out=grad_cols.reshape(rows, -1)[:, :length])
            _spread(grid, grad_cols, dx4, own["grad_buf"], a, count)

    _over_chunks(grid, buffers, work, shared)
    grad_weight = weight_parts.sum(axis=0).T.reshape(weight.shape) if needs[1] else None
    grad_bias = bias_parts.sum(axis=0) if needs[2] else None
    return [grad_data, grad_weight, grad_bias]
