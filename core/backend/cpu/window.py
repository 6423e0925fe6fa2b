"""Sliding-window helpers shared by Convolution, Deconvolution and Pooling.

Every helper works on (N, C, *spatial) arrays of any spatial rank (1-D, 2-D, 3-D) and
on any array module ``xp``. Loops run over kernel offsets only (k×k strided copies),
never over pixels or samples.

Coordinates: a window at output position o covers input cells
``o*stride - pad + t*dilate`` for kernel offsets t. The *buffer* is the input moved by
``pad`` and cut or extended to exactly the cells the windows touch, so every window
is a plain strided slice of it.

>>> import numpy as np
>>> x = np.arange(5.0).reshape(1, 1, 5)
>>> buf = embed(np, x, before=(1,), lengths=(7,), fill=0.0)
>>> buf.ravel().tolist()
[0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 0.0]
"""
from __future__ import annotations

import itertools
import math


def conv_out_size(size, kernel, stride, pad, dilate=1):
    """Output length of a valid (floor) window sweep; may be < 1 if the kernel is too big."""
    return (size + 2 * pad - dilate * (kernel - 1) - 1) // stride + 1


def buffer_length(out, kernel, stride, dilate=1):
    """Cells from the first window's start to the last window's end."""
    return (out - 1) * stride + dilate * (kernel - 1) + 1


def window(offset, stride, count):
    """The slice that picks ``count`` cells ``offset, offset+stride, ...``."""
    return slice(offset, offset + stride * (count - 1) + 1, stride)


def offsets(kernel):
    """All kernel offsets, row-major (the order MXNet scans a window in)."""
    return itertools.product(*(range(k) for k in kernel))


def window_views(buf, kernel, stride, dilate, out):
    """Yield (offset, view) with view[n, c, *o] = buf[n, c, *(o*stride + offset*dilate)]."""
    for offset in offsets(kernel):
        index = tuple(window(t * d, s, n) for t, d, s, n in zip(offset, dilate, stride, out))
        yield offset, buf[(Ellipsis, *index)]


def embed(xp, x, before, lengths, fill=0, out=None):
    """x placed ``before`` cells into a buffer of ``lengths``; cells outside x get ``fill``.

    Returns x itself or a view when nothing needs moving (no padding, cropping only),
    unless ``out`` (a buffer of the right shape to fill) is given.
    """
    spatial = x.shape[2:]
    if out is None and all(b == 0 for b in before) and all(n <= s for n, s in zip(lengths, spatial)):
        if tuple(lengths) == tuple(spatial):
            return x
        return x[(Ellipsis, *(slice(0, n) for n in lengths))]
    buf = xp.empty(x.shape[:2] + tuple(lengths), dtype=x.dtype) if out is None else out
    dst, src = [], []
    for axis, (b, n, s) in enumerate(zip(before, lengths, spatial)):
        lo = min(b, n)
        hi = min(b + s, n)
        dst.append(slice(lo, hi))
        src.append(slice(0, hi - lo))
        # only the border is filled: the inside is overwritten by x just below
        lead = (slice(None),) * (axis + 2)
        buf[lead + (slice(0, lo),)] = fill
        buf[lead + (slice(hi, n),)] = fill
    buf[(Ellipsis, *dst)] = x[(Ellipsis, *src)]
    return buf


def extract(xp, buf, before, sizes):
    """Inverse of ``embed`` for gradients: cells of the original x, zero where the buffer
    did not reach (cells no window touched)."""
    lengths = buf.shape[2:]
    if all(b + s <= n for b, s, n in zip(before, sizes, lengths)):
        return buf[(Ellipsis, *(slice(b, b + s) for b, s in zip(before, sizes)))]
    out = xp.zeros(buf.shape[:2] + tuple(sizes), dtype=buf.dtype)
    dst = tuple(slice(0, max(min(n - b, s), 0)) for b, s, n in zip(before, sizes, lengths))
    src = tuple(slice(b, b + d.stop) for b, d in zip(before, dst))
    out[(Ellipsis, *dst)] = buf[(Ellipsis, *src)]
    return out


# ----- stride-1 windows on the flattened buffer ----------------------------------
# With stride 1 a kernel offset is a constant shift in the flattened buffer, so each
# im2col copy is one long contiguous run per (sample, channel) instead of many short
# rows. The price: outputs are computed on a "wide" grid that spans the buffer's full
# extent on every axis but the first; the extra cells are cut off afterwards.

def wide_geometry(lengths, kernel, dilate, out):
    """(shifts per kernel offset, wide output grid, tail cells the last shifts read past
    the buffer) for stride-1 windows over a buffer of ``lengths``."""
    strides = [math.prod(lengths[axis + 1:]) for axis in range(len(lengths))]
    shifts = [sum(t * d * s for t, d, s in zip(offset, dilate, strides))
              for offset in offsets(kernel)]
    wide = (out[0],) + tuple(lengths[1:])
    tail = max(shifts) + math.prod(wide) - math.prod(lengths)
    return shifts, wide, max(tail, 0)
