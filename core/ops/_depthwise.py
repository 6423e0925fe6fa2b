"""Depthwise convolution (one input channel per group) without im2col, for inference.

Each output is a per-channel weighted sum of shifted views of the padded input, one
multiply-add per kernel offset, computed channels-last: the input is copied once into a
padded (N, *S, C) buffer, so every multiply-add runs along contiguous channel rows with
one weight row broadcast over them (channels-first, the weight would be a scalar per
short pixel row; measured 1.5-2x slower). No column buffer, which would be k×k times the
input. The output keeps the channels-last memory: an (N, C·m, *out) view of an
(N, *out, C·m) array, which the following BatchNorm, clip and 1×1 convolution read
without a copy.

Shapes: x (N, C, *S), weight (C·m, 1, *K) for a channel multiplier m; the output channel
c·m + j reads input channel c.
"""
from __future__ import annotations

import itertools
import math

from . import _parallel
from ._window import buffer_length, embed, offsets


#: bytes of output rows computed together (accumulator and term stay in cache)
BAND_BYTES = 1 << 20


def _lengths(out, kernel, stride, dilate):
    return tuple(buffer_length(o, k, s, d) for o, k, s, d in zip(out, kernel, stride, dilate))


def depthwise_forward(xp, x, weight, kernel, stride, dilate, pad, out, bias=None):
    """Output (N, C·m, *out), channels-last in memory."""
    n, channels = x.shape[:2]
    multiplier = weight.shape[0] // channels
    lengths = _lengths(out, kernel, stride, dilate)
    buf = xp.empty((n,) + lengths + (channels,), dtype=x.dtype)
    embed(xp, x, pad, lengths, out=xp.moveaxis(buf, -1, 1))
    # (offsets, C, m): one contiguous weight row per kernel offset
    taps = xp.ascontiguousarray(weight.reshape(channels, multiplier, -1).transpose(2, 0, 1))
    result = xp.empty((n,) + tuple(out) + (weight.shape[0],), dtype=x.dtype)
    spatial = len(out)

    # strided windows: split the buffer into stride phases once (one copy of it), so
    # every kernel offset reads a stride-1 view whose pixel rows are contiguous runs
    phases = _phases(xp, buf, stride)
    reads = []    # per offset: (phase array, first row, index of the other axes)
    for offset in offsets(kernel):
        where = [((o * d) % s, (o * d) // s) for o, d, s in zip(offset, dilate, stride)]
        rest = tuple(slice(b, b + c) for (_, b), c in zip(where[1:], out[1:]))
        reads.append((phases[tuple(p for p, _ in where)], where[0][1], rest))

    def rows(lo, hi):
        """Output rows lo:hi (first spatial axis), all offsets."""
        acc = result[:, lo:hi]
        acc_m = acc.reshape(acc.shape[:-1] + (channels, multiplier))
        term = xp.empty_like(acc_m)
        for t, (source, first, rest) in enumerate(reads):
            view = source[(slice(None), slice(first + lo, first + hi)) + rest][..., None]
            if t == 0:
                xp.multiply(view, taps[t], out=acc_m)
            else:
                xp.multiply(view, taps[t], out=term)
                acc_m += term
        if bias is not None:
            acc += bias

    # bands of output rows whose accumulator fits in cache, shared among the cores
    row_bytes = n * math.prod(out[1:]) * weight.shape[0] * x.dtype.itemsize
    band = max(1, BAND_BYTES // max(row_bytes, 1))
    bands = [(lo, min(out[0], lo + band)) for lo in range(0, out[0], band)]

    def band_range(first, last):
        for lo, hi in bands[first:last]:
            rows(lo, hi)

    work = n * math.prod(out) * weight.shape[0] * math.prod(kernel)
    parts = min(_parallel.parts_for(xp, work, _parallel.SPLIT_ELEMENTS * 4), len(bands))
    if parts > 1:
        _parallel.run(band_range, _parallel.ranges(len(bands), parts))
    else:
        band_range(0, len(bands))
    return xp.moveaxis(result, -1, 1) if spatial else result


def _phases(xp, buf, stride):
    """{(phase per axis): buf[:, p0::s0, p1::s1, ..., :] as a contiguous array}; the
    buffer itself when every stride is 1."""
    if all(s == 1 for s in stride):
        return {(0,) * len(stride): buf}
    phases = {}
    for phase in itertools.product(*(range(s) for s in stride)):
        index = (slice(None),) + tuple(slice(p, None, s) for p, s in zip(phase, stride))
        phases[phase] = xp.ascontiguousarray(buf[index])
    return phases
