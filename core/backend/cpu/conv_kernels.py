"""Compiled im2col / col2im for Convolution (num_group 1, 1-D and 2-D, NCHW).

Why: the NumPy im2col is one strided copy per kernel offset (25 calls for a 5×5
kernel), col2im one strided add per offset, each holding the GIL; here each is one
compiled pass over a chunk of samples that releases the GIL, so a convolution splits
its batch into one sample range per core and each range runs im2col, OpenBLAS GEMMs
(which release the GIL too) and col2im on its own core.

Layout: columns are (rows, S, positions) for a chunk of S samples, row =
(c·kh + ki)·kw + kj (the weight's (C, kh, kw) order). The same block is S per-sample
matrices (rows, positions) for the forward GEMMs and one (rows, S·positions) matrix for
the weight-gradient and column-gradient GEMMs.

Two ways to fill the columns (as in columns.py):
- wide (stride 1): a kernel offset is a constant shift in the flattened (padded) image,
  so each column row is one contiguous run; the GEMMs compute a grid as wide as the
  padded image (oh × Wp) and the extra cells are cropped (forward) or get a zero
  gradient (backward). NOTE: runs of oh·Wp values vectorise; the row-by-row copy of
  short rows (10-24 values) did not: 0.07 vs 0.32 ms for LeNet's conv2 (128 samples);
- strided: row-by-row copies on the exact output grid (positions = oh·ow).

NOTE: the strided kernels compute indices as unsigned integers on purpose. With signed
indices such as ``j * stride + offset`` numba must check each for being negative
(wrap-around) and LLVM then leaves the copy loop scalar (measured 3-5x slower).
"""
from __future__ import annotations

import numpy as np

from .jit import kernel


@kernel
def im2col(x, cols, kh, kw, sh, sw, ph, pw, dh, dw, lo, hi):
    """cols[(c·kh+ki)·kw+kj, n-lo, i, j] = x[n, c, i·sh-ph+ki·dh, j·sw-pw+kj·dw] for
    samples n in [lo, hi), zero where the window reaches into the padding."""
    channels, height, width = x.shape[1], x.shape[2], x.shape[3]
    oh, ow = cols.shape[2], cols.shape[3]
    ustep = np.uint64(sw)
    for n in range(lo, hi):
        s = n - lo
        for c in range(channels):
            for ki in range(kh):
                yo = ki * dh - ph
                # output rows whose input row i·sh + yo lies inside x (others: padding)
                i0 = min(oh, max(0, (sh - 1 - yo) // sh))
                i1 = max(i0, min(oh, (height - yo + sh - 1) // sh))
                for kj in range(kw):
                    xo = kj * dw - pw
                    j0 = min(ow, max(0, (sw - 1 - xo) // sw))
                    j1 = max(j0, min(ow, (width - xo + sw - 1) // sw))
                    row = (c * kh + ki) * kw + kj
                    for i in range(oh):
                        if i < i0 or i >= i1:
                            for j in range(ow):
                                cols[row, s, i, j] = 0
                            continue
                        y = np.uint64(i * sh + yo)
                        for j in range(j0):
                            cols[row, s, i, j] = 0
                        start, uj0 = np.uint64(j0 * sw + xo), np.uint64(j0)
                        for j in range(j1 - j0):
                            u = np.uint64(j)
                            cols[row, s, i, uj0 + u] = x[n, c, y, start + u * ustep]
                        for j in range(j1, ow):
                            cols[row, s, i, j] = 0


@kernel
def col2im(cols, dx, kh, kw, sh, sw, ph, pw, dh, dw, lo, hi):
    """The adjoint of im2col: dx[n] = the sum of the columns of sample n over the
    positions they were copied from (dx[lo:hi] is overwritten)."""
    channels, height, width = dx.shape[1], dx.shape[2], dx.shape[3]
    oh, ow = cols.shape[2], cols.shape[3]
    ustep = np.uint64(sw)
    for n in range(lo, hi):
        s = n - lo
        for c in range(channels):
            for y in range(height):
                for x in range(width):
                    dx[n, c, y, x] = 0
            for ki in range(kh):
                yo = ki * dh - ph
                # output rows whose input row i·sh + yo lies inside x (others: padding)
                i0 = min(oh, max(0, (sh - 1 - yo) // sh))
                i1 = max(i0, min(oh, (height - yo + sh - 1) // sh))
                for kj in range(kw):
                    xo = kj * dw - pw
                    j0 = min(ow, max(0, (sw - 1 - xo) // sw))
                    j1 = max(j0, min(ow, (width - xo + sw - 1) // sw))
                    row = (c * kh + ki) * kw + kj
                    start, uj0 = np.uint64(j0 * sw + xo), np.uint64(j0)
                    for i in range(i0, i1):
                        y = np.uint64(i * sh + yo)
                        for j in range(j1 - j0):
                            u = np.uint64(j)
                            dx[n, c, y, start + u * ustep] += cols[row, s, i, uj0 + u]


@kernel
def gradient_chunk(g, gt, bias_acc, with_bias, width, first, count):
    """gt[f, s, i·width + j] = g[first+s, f, i, j] (zero for j ≥ ow: the wide grid's extra
    cells), a chunk of the output gradient as one (F, S·positions) matrix for the weight-
    and column-gradient GEMMs; with ``with_bias``, bias_acc[f] += its sums over the chunk."""
    filters, oh, ow = g.shape[1], g.shape[2], g.shape[3]
    for s in range(count):
        for f in range(filters):
            image, dst = g[first + s, f], gt[f, s]
            for i in range(oh):
                row, part = image[i], dst[i * width:]
                for j in range(ow):
                    part[j] = row[j]
                for j in range(ow, width):
                    part[j] = 0
            if with_bias:
                flat = image.reshape(oh * ow)
                total = bias_acc[f] * 0   # in the gradient's own type: the sum vectorises
                for p in range(oh * ow):
                    total += flat[p]
                bias_acc[f] += total


@kernel
def scatter_output(grid, out, bias, width, first, count):
    """out[first+s, f, i, j] = grid[f, s, i·width + j] (+ bias[f]): a chunk's GEMM result
    (F, S·positions) moved into the NCHW output, the wide grid's extra cells cut off."""
    filters, oh, ow = out.shape[1], out.shape[2], out.shape[3]
    for s in range(count):
        for f in range(filters):
            src, image = grid[f, s], out[first + s, f]
            shift = bias[f]
            for i in range(oh):
                row, part = image[i], src[i * width:]
                for j in range(ow):
                    row[j] = part[j] + shift


@kernel
def pad_chunk(x, buf, ph, pw, first, count):
    """buf[s] = x[first+s] with ph rows / pw columns of zeros around it."""
    channels, height, width = x.shape[1], x.shape[2], x.shape[3]
    for s in range(count):
        for c in range(channels):
            image = buf[s, c]
            image[:ph, :] = 0
            image[ph + height:, :] = 0
            for y in range(height):
                row, src = image[ph + y], x[first + s, c, y]
                row[:pw] = 0
                row[pw + width:] = 0
                part = row[pw:]
                for j in range(width):
                    part[j] = src[j]


@kernel
def crop_chunk(buf, dx, ph, pw, first, count):
    """dx[first+s] = buf[s] without its padding (the adjoint of pad_chunk)."""
    channels, height, width = dx.shape[1], dx.shape[2], dx.shape[3]
    for s in range(count):
        for c in range(channels):
            for y in range(height):
                part, dst = buf[s, c, ph + y, pw:], dx[first + s, c, y]
                for j in range(width):
                    dst[j] = part[j]


@kernel
def im2col_wide(src, first, cols, kh, kw, dh, dw, width, count):
    """cols[(c·kh+ki)·kw+kj, s, p] = src[first+s, c, ki·dh·width + kj·dw + p] for the
    flattened (padded) images src (N, C, Hp·Wp); zero past the image's end."""
    channels, area = src.shape[1], src.shape[2]
    length = cols.shape[2]
    for s in range(count):
        for c in range(channels):
            image = src[first + s, c]
            for ki in range(kh):
                for kj in range(kw):
                    shift = ki * dh * width + kj * dw
                    run = min(length, area - shift)
                    dst = cols[(c * kh + ki) * kw + kj, s]
                    part = image[shift:]
                    for p in range(run):
                        dst[p] = part[p]
                    for p in range(run, length):
                        dst[p] = 0


@kernel
def col2im_wide(cols, dst, first, kh, kw, dh, dw, width, count):
    """The adjoint of im2col_wide: dst[first+s] (N, C, Hp·Wp) = the sum of the columns
    over the positions they were copied from (overwritten)."""
    channels, area = dst.shape[1], dst.shape[2]
    length = cols.shape[2]
    for s in range(count):
        for c in range(channels):
            image = dst[first + s, c]
            for p in range(area):
                image[p] = 0
            for ki in range(kh):
                for kj in range(kw):
                    shift = ki * dh * width + kj * dw
                    run = min(length, area - shift)
                    src = cols[(c * kh + ki) * kw + kj, s]
                    part = image[shift:]
                    for p in range(run):
                        part[p] += src[p]
