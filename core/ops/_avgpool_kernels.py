"""Compiled avg and sum pooling kernels (2-D NCHW), used by _pool_kernels' callers.

Windows add only the cells inside the input (padding adds 0) and divide by a divisor
array (oh, ow) from pool.py (MXNet's count_include_pad rule; ones for sum). Windows
wholly inside x loop over tuples of offsets (constant trip counts, unrolled) with
unsigned indices (numba checks signed ones for negative values on every access);
border windows loop over their clipped range. Global pooling of contiguous maps takes
map_sums / map_fill: one flat, vectorised loop per map.

Every kernel writes only rows (samples, or maps for map_*) ``lo:hi`` of its outputs.
"""
from __future__ import annotations

import numpy as np

from ._jit import kernel


@kernel
def sum_forward(x, out, divisor, rows, cols, sh, sw, ph, pw, j0, j1, lo, hi):
    """out[n, c] = window sums of x[n, c] / divisor (oh, ow), for n in lo:hi; padding
    adds nothing. Windows inside x first (constant trip counts), then the border."""
    channels, height, width = x.shape[1], x.shape[2], x.shape[3]
    out_h, out_w = out.shape[2], out.shape[3]
    kh, kw = len(rows), len(cols)
    for n in range(lo, hi):
        for c in range(channels):
            for i in range(out_h):
                top = i * sh - ph
                r0, r1 = max(top, 0), min(top + kh, height)
                inside = r0 == top and r1 == top + kh
                if inside:
                    up = np.uint64(top)   # unsigned: no negative-index checks
                    for j in range(j0, j1):
                        left = np.uint64(j * sw - pw)
                        total = x[n, c, up, left] * 0
                        for di in rows:
                            for dj in cols:
                                total += x[n, c, up + di, left + dj]
                        out[n, c, i, j] = total / divisor[i, j]
                    if j0 == 0 and j1 == out_w:
                        continue
                for j in range(out_w):
                    if inside and j0 <= j < j1:
                        continue
                    left = j * sw - pw
                    total = x[n, c, 0, 0] * 0
                    for r in range(r0, r1):
                        for s in range(max(left, 0), min(left + kw, width)):
                            total += x[n, c, r, s]
                    out[n, c, i, j] = total / divisor[i, j]


@kernel
def sum_backward(grad, divisor, dx, rows, cols, sh, sw, ph, pw, j0, j1, lo, hi):
    """dx[n, c] = the sum of grad / divisor over the windows covering each cell."""
    channels, height, width = dx.shape[1], dx.shape[2], dx.shape[3]
    out_h, out_w = grad.shape[2], grad.shape[3]
    kh, kw = len(rows), len(cols)
    for n in range(lo, hi):
        for c in range(channels):
            for r in range(height):
                for s in range(width):
                    dx[n, c, r, s] = 0
            for i in range(out_h):
                top = i * sh - ph
                r0, r1 = max(top, 0), min(top + kh, height)
                inside = r0 == top and r1 == top + kh
                if inside:
                    up = np.uint64(top)
                    for j in range(j0, j1):
                        left = np.uint64(j * sw - pw)
                        part = grad[n, c, i, j] / divisor[i, j]
                        for di in rows:
                            for dj in cols:
                                dx[n, c, up + di, left + dj] += part
                    if j0 == 0 and j1 == out_w:
                        continue
                for j in range(out_w):
                    if inside and j0 <= j < j1:
                        continue
                    left = j * sw - pw
                    part = grad[n, c, i, j] / divisor[i, j]
                    for r in range(r0, r1):
                        for s in range(max(left, 0), min(left + kw, width)):
                            dx[n, c, r, s] += part


@kernel
def map_sums(x, out, divisor, lo, hi):
    """out[p] = sum of row p of x (one whole map per row) / divisor, p in lo:hi: global
    pooling as one contiguous, vectorised loop per map (7×7 maps: 4x NumPy's sum)."""
    xs, outs = x[lo:hi], out[lo:hi]
    for p in range(xs.shape[0]):
        row = xs[p]
        total = row[0] * 0
        for k in range(row.size):
            total += row[k]
        outs[p] = total / divisor


@kernel
def map_fill(grad, dx, divisor, lo, hi):
    """dx[p, :] = grad[p] / divisor, p in lo:hi (the gradient of map_sums)."""
    gs, dxs = grad[lo:hi], dx[lo:hi]
    for p in range(gs.shape[0]):
        part = gs[p] / divisor
        row = dxs[p]
        for k in range(row.size):
            row[k] = part
