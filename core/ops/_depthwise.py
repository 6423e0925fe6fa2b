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

import math

from . import _parallel
from ._window import buffer_length, embed, offsets, window


def _lengths(out, kernel, stride, dilate):
    return tuple(buffer_length(o, k, s, d) for o, k, s, d in zip(out, kernel, stride, dilate))


def depthwise_forward(xp, x, weight, kernel, stride, dilate, pad, out, bias=None):
    """Output (N, C·m, *out), channels-last in memory."""
    n, channels = x.shape[:2]
    multiplier = weight.shape[0] // channels
    lengths = _lengths(out, kernel, stride, dilate)
    buf = xp.empty((n,) + lengths + (channels,), dtype=x.dtype)
    embed(xp, x, pad, lengths, out=xp.moveaxis(buf, -1, 1))
    taps = weight.reshape(channels, multiplier, -1)
    taps = [xp.ascontiguousarray(taps[:, :, t]) for t in range(taps.shape[2])]
    result = xp.empty((n,) + tuple(out) + (weight.shape[0],), dtype=x.dtype)
    spatial = len(out)

    def rows(lo, hi):
        """Output rows lo:hi (first spatial axis), all offsets."""
        acc = result[:, lo:hi]
        acc_m = acc.reshape(acc.shape[:-1] + (channels, multiplier))
        term = xp.empty_like(acc_m)
        for t, offset in enumerate(offsets(kernel)):
            first = window(offset[0] * dilate[0] + lo * stride[0], stride[0], hi - lo)
            rest = tuple(window(o * d, s, c) for o, d, s, c in
                         zip(offset[1:], dilate[1:], stride[1:], out[1:]))
            view = buf[(slice(None), first) + rest][..., None]
            if t == 0:
                xp.multiply(view, taps[t], out=acc_m)
            else:
                xp.multiply(view, taps[t], out=term)
                acc_m += term
        if bias is not None:
            acc += bias

    work = n * math.prod(out) * weight.shape[0] * math.prod(kernel)
    parts = min(_parallel.parts_for(xp, work, _parallel.SPLIT_ELEMENTS * 4), out[0])
    if parts > 1:
        _parallel.run(rows, _parallel.ranges(out[0], parts))
    else:
        rows(0, out[0])
    return xp.moveaxis(result, -1, 1) if spatial else result
