"""Compiled 2-D pooling kernels (NCHW), one pass over a range of samples.

Why: the NumPy path pads the input into a buffer, then makes one strided pass per
kernel offset (plus a ``where`` per offset to track the winner), so a 2×2 max pool
reads the input ~8 times and holds the GIL throughout. Here each output cell is one
loop over its window's input cells: the input is read once, nothing is padded, and the
kernels release the GIL so ``parallel.run`` can give each core a range of samples.

Conventions (MXNet's, the same as the NumPy path in pool.py):

- a window at output (i, j) covers rows ``i*sh - ph ...`` and columns ``j*sw - pw ...``;
  only cells inside the input take part (padding never wins a max, adds 0 to a sum);
- max: the first largest cell in row-major window order wins; a later cell takes the
  window only when strictly larger, or when it is NaN (the first NaN wins and the
  output is NaN, so a diverging run stays visible); a window with no input cell
  outputs the lowest float and sends its gradient nowhere;
- the winner is kept as its offset in the window (``di*kw + dj``) in ``winner``;
  ``kh*kw`` marks "no cell";
- avg and sum are compiled only over whole maps (global pooling: ``map_sums`` /
  ``map_fill``, one flat vectorised loop per map). NOTE: window kernels for them measured
  slower than NumPy's strided passes (2×2: 0.40 vs 0.33 ms; each window sum is a serial
  add chain), so windowed avg and sum stay on the NumPy path.

Every kernel writes only samples ``lo:hi`` of its outputs.
"""
from __future__ import annotations

import math

import numpy as np

from . import jit, parallel
from .jit import kernel

@kernel
def max_forward(x, out, winner, track, rows, cols, sh, sw, ph, pw, j0, j1, lo, hi):
    """out[n, c] = window maxima of x[n, c] for n in lo:hi (winner too when track).

    Windows wholly inside the input take a branch-free pass (2×2 as a two-round
    tournament) that also sums each row's windows: a NaN sum (a NaN or an infinity
    somewhere) sends that row to the exact loop, which border windows always take."""
    xs, outs = x[lo:hi], out[lo:hi]
    wins = winner[lo:hi] if track else winner
    channels, height, width = x.shape[1], x.shape[2], x.shape[3]
    out_h, out_w = out.shape[2], out.shape[3]
    kh, kw = len(rows), len(cols)
    lowest = x.dtype.type(np.finfo(x.dtype).min)
    none = kh * kw
    pair = kh == 2 and kw == 2
    one = np.uint64(1)
    for n in range(xs.shape[0]):
        for c in range(channels):
            for i in range(out_h):
                top = i * sh - ph
                r0, r1 = max(top, 0), min(top + kh, height)
                fast = r0 == top and r1 == top + kh
                if fast:
                    # NOTE: unsigned indices (numba checks signed ones for negative
                    # values on every access), max() and 0/1 arithmetic instead of
                    # `if`/`a if c else b` (compiled to jumps): each ~2x on random data
                    up = np.uint64(top)
                    total = xs[n, c, up, 0] * 0
                    if pair:
                        for j in range(j0, j1):
                            left = np.uint64(j * sw - pw)
                            a, b = xs[n, c, up, left], xs[n, c, up, left + one]
                            d, e = xs[n, c, up + one, left], xs[n, c, up + one, left + one]
                            first, second = int(b > a), int(e > d)
                            high1, high2 = max(a, b), max(d, e)
                            last = int(high2 > high1)
                            outs[n, c, i, j] = max(high1, high2)
                            if track:
                                wins[n, c, i, j] = last * (2 + second) + (1 - last) * first
                            total += (a + b) + (d + e)
                    else:
                        for j in range(j0, j1):
                            left = np.uint64(j * sw - pw)
                            best = xs[n, c, up, left]
                            at = 0
                            t = 0
                            for di in rows:
                                for dj in cols:
                                    v = xs[n, c, up + di, left + dj]
                                    total += v
                                    at += int(v > best) * (t - at)
                                    best = max(best, v)
                                    t += 1
                            outs[n, c, i, j] = best
                            if track:
                                wins[n, c, i, j] = at
                    fast = total == total
                    if fast and j0 == 0 and j1 == out_w:
                        continue
                for j in range(out_w):
                    if fast and j0 <= j < j1:
                        continue
                    left = j * sw - pw
                    c0, c1 = max(left, 0), min(left + kw, width)
                    best = lowest
                    at = none
                    for r in range(r0, r1):
                        for s in range(c0, c1):
                            v = xs[n, c, r, s]
                            # the first cell always wins; NaN beats a number, never a NaN
                            if at == none or v > best or (v != v and best == best):
                                best = v
                                at = (r - top) * kw + (s - left)
                    outs[n, c, i, j] = best
                    if track:
                        wins[n, c, i, j] = at


@kernel
def max_backward(grad, winner, dx, direct, rows, cols, sh, sw, ph, pw, j0, j1, lo, hi):
    """dx[n, c] = each window's gradient added to its winning cell, for n in lo:hi.
    ``direct``: the windows tile the input exactly (stride = kernel, no pad, no cell
    left over), so each cell is written once instead of zeroed and then added to."""
    gs, ws, dxs = grad[lo:hi], winner[lo:hi], dx[lo:hi]
    channels, height, width = dx.shape[1], dx.shape[2], dx.shape[3]
    out_h, out_w = grad.shape[2], grad.shape[3]
    kh, kw = len(rows), len(cols)
    ukh, ukw = np.uint64(kh), np.uint64(kw)
    none = kh * kw
    zero = dx.dtype.type(0)
    for n in range(gs.shape[0]):
        for c in range(channels):
            if direct:
                for i in range(out_h):
                    top = np.uint64(i) * ukh
                    for j in range(out_w):
                        at = ws[n, c, i, j]
                        g = gs[n, c, i, j]
                        left = np.uint64(j) * ukw
                        t = 0
                        for di in rows:
                            for dj in cols:
                                dxs[n, c, top + di, left + dj] = g if at == t else zero
                                t += 1
                continue
            for r in range(height):
                for s in range(width):
                    dxs[n, c, r, s] = 0
            for i in range(out_h):
                for j in range(out_w):
                    at = ws[n, c, i, j]
                    if at != none:
                        r = i * sh - ph + at // kw
                        s = j * sw - pw + at % kw
                        dxs[n, c, r, s] += gs[n, c, i, j]


# ----- callers: pool.py's compiled path ----------------------------------------------------
# NOTE: passes split over the cores from parallel.SPLIT_ELEMENTS (1 M) values per piece
# (parallel.over_batch). Measured on 2 busy cores (other processes running), 2×2 max
# pooling split in two ran slower up to ~1.2 M values (LeNet's pool1, 0.44 M: 0.33 vs
# 0.38 ms), no faster at 1.6-3.2 M, faster from ~6 M (6.4 M: 5.6 -> 4.1 ms forward;
# ResNet's stem, 26 M: 16.6 -> 10.6 ms)


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


class Saved:
    """What the compiled backward needs: the winners (max) or the divisors (avg, sum)."""
    __slots__ = ("winner", "divisor")

    def __init__(self, winner=None, divisor=None):
        self.winner, self.divisor = winner, divisor


def _whole_map(shape, geometry):
    kernel, stride, pad, out = geometry
    return tuple(kernel) == tuple(shape[2:]) and not any(pad)


def compiled(xp, x, pool_type, geometry):
    """Whether the compiled kernels pool ``x``: 2-D NCHW floats, max over any windows,
    avg/sum over whole maps of contiguous memory (global pooling)."""
    if not (x.ndim == 4 and jit.enabled_for(xp, x.dtype)):
        return False
    return pool_type == "max" or (pool_type in ("avg", "sum") and x.flags.c_contiguous
                                  and _whole_map(x.shape, geometry))


def _window(geometry, width):
    """(rows, cols, sh, sw, ph, pw, j0, j1): the kernel as tuples of offsets (numba
    compiles one version per kernel size, with constant trip counts it unrolls) and
    the columns j0:j1 of windows that neither start left of x nor end right of it."""
    (kh, kw), (sh, sw), (ph, pw), (out_h, out_w) = geometry
    j0 = min(-(-pw // sw), out_w)
    j1 = max(min((width + pw - kw) // sw + 1, out_w), j0)
    return (tuple(np.uint64(t) for t in range(kh)), tuple(np.uint64(t) for t in range(kw)),
            sh, sw, ph, pw, j0, j1)


def forward(xp, x, geometry, divisor, track):
    """(output, Saved or None) of 2-D pooling; ``divisor`` (oh, ow) for avg/sum, None
    for max."""
    window = _window(geometry, x.shape[3])
    out = np.empty(x.shape[:2] + tuple(geometry[3]), dtype=x.dtype)
    if divisor is not None:   # whole maps (see usable)
        maps, flat = x.reshape(x.shape[0] * x.shape[1], -1), out.reshape(-1)
        scale = divisor[0, 0]
        parallel.over_batch(xp, len(maps), x.size, lambda lo, hi: map_sums(maps, flat, scale, lo, hi))
        return out, Saved(divisor=divisor)
    # the winner's offset in its window; kh*kw (one past the last) means no cell
    size = len(window[0]) * len(window[1])
    winner = np.empty(out.shape if track else (1, 1, 1, 1),
                      dtype=np.uint8 if size < 255 else np.int32)
    # each (sample, channel) map alone: pieces over maps, so one picture splits too
    maps = x.shape[0] * x.shape[1]
    xs, outs = x.reshape((maps, 1) + x.shape[2:]), out.reshape((maps, 1) + out.shape[2:])
    wins = winner.reshape(outs.shape) if track else winner
    parallel.over_batch(xp, maps, x.size,
                        lambda lo, hi: max_forward(xs, outs, wins, track, *window, lo, hi))
    return out, (Saved(winner=winner) if track else None)


def backward(xp, saved, grad, x_shape, geometry):
    """The input gradient of 2-D pooling from ``saved`` (see forward)."""
    kernel, stride, pad, out_size = geometry
    window = _window(geometry, x_shape[3])
    dtype = grad.dtype
    if dtype not in jit.FLOATS:
        grad = grad.astype(np.float64)
    grad = np.broadcast_to(grad, x_shape[:2] + tuple(out_size))
    dx = np.empty(x_shape, dtype=grad.dtype)
    elements = math.prod(x_shape)
    if saved.divisor is not None:   # whole maps
        heads, maps = grad.reshape(-1), dx.reshape(len(grad.reshape(-1)), -1)
        scale = saved.divisor[0, 0]
        parallel.over_batch(xp, len(maps), elements, lambda lo, hi: map_fill(heads, maps, scale, lo, hi))
    else:
        direct = tuple(kernel) == tuple(stride) and not any(pad) and \
            tuple(k * o for k, o in zip(kernel, out_size)) == tuple(x_shape[2:])
        parallel.over_batch(xp, x_shape[0], elements,
               lambda lo, hi: max_backward(grad, saved.winner, dx, direct, *window, lo, hi))
    return dx if dx.dtype == dtype else dx.astype(dtype)
