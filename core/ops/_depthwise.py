"""Depthwise convolution (one input channel per group) without im2col, for inference.

Each output is a per-channel weighted sum of shifted views of the padded input, one
multiply-add per kernel offset. No column buffer, which would be k×k times the input:
hundreds of MB for MobileNet/EfficientNet at batch 32. On large maps it is also faster
than im2col; on small maps with many channels it is slower, and in training the
columns are needed for the weight gradient anyway, so Convolution uses it only for
large inference batches.

Shapes: x (N, C, *S), weight (C·m, 1, *K) for a channel multiplier m; the output channel
c·m + j reads input channel c.
"""
from __future__ import annotations

from ._window import buffer_length, embed, window_views


def _lengths(out, kernel, stride, dilate):
    return [buffer_length(o, k, s, d) for o, k, s, d in zip(out, kernel, stride, dilate)]


def _per_offset(weight, channels):
    """(C, m, offsets) view of the weight, shaped to broadcast over (N, C, m, *out)."""
    return weight.reshape(channels, weight.shape[0] // channels, -1)


def depthwise_forward(xp, x, weight, kernel, stride, dilate, pad, out):
    """Output (N, C·m, *out)."""
    n, channels = x.shape[:2]
    buf = embed(xp, x, pad, _lengths(out, kernel, stride, dilate))
    w = _per_offset(weight, channels)
    spatial_ones = (1,) * len(out)
    result = term = None
    for t, (offset, view) in enumerate(window_views(buf, kernel, stride, dilate, out)):
        tap = w[:, :, t].reshape((1,) + w.shape[:2] + spatial_ones)
        if result is None:
            result = view[:, :, None] * tap
            term = xp.empty_like(result)
        else:
            xp.multiply(view[:, :, None], tap, out=term)
            result += term
    return result.reshape((n, weight.shape[0]) + tuple(out))
