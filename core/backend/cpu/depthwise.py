"""Depthwise convolution (one input channel per group) without im2col: inference, and
with numba the gradients too (``depthwise_backward``, for the training path to call).

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

With numba (core/backend/cpu/jit.py), 1-D and 2-D layers run one compiled pass instead
(core/backend/cpu/depthwise_kernels.py): no padded copy, each output pixel summed over its taps
in cache, bias and clip applied on the way out. ``pad`` is the padding *before* each
axis; the padding after is implied by ``out`` (so a Pad layer with more cells after
than before can be folded in).
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from . import jit, parallel
from .depthwise_kernels import depthwise_grads, depthwise_rows, depthwise_taps
from .window import buffer_length, embed, offsets


#: bytes of output rows computed together (accumulator and term stay in cache)
BAND_BYTES = 1 << 20
#: multiply-adds below which the compiled kernel runs in one piece (a split costs ~20 µs)
SPLIT_MACS = 400_000


def _lengths(out, kernel, stride, dilate):
    return tuple(buffer_length(o, k, s, d) for o, k, s, d in zip(out, kernel, stride, dilate))


def compiled(xp, x, kernel):
    """Whether the compiled depthwise passes serve these arrays (forward and backward)."""
    return len(kernel) <= 2 and jit.enabled_for(xp, x.dtype)


def depthwise_forward(xp, x, weight, kernel, stride, dilate, pad, out, bias=None, clip=None,
                      scale=None):
    """Output (N, C·m, *out), channels-last in memory. Inference extras: ``scale`` per
    output channel (a folded BatchNorm's: the weights are multiplied by it) and ``clip``
    (low, high)."""
    if compiled(xp, x, kernel):
        return _compiled_forward(x, weight, kernel, stride, dilate, pad, out, bias, clip, scale)
    if scale is not None:
        weight = weight * scale.reshape((-1,) + (1,) * (weight.ndim - 1))
    result = _numpy_forward(xp, x, weight, kernel, stride, dilate, pad, out, bias)
    if clip is not None:
        xp.clip(result, clip[0], clip[1], out=result)
    return result


def _channels_last(x, multiplier):
    """x (N, C, H, W) as contiguous (N, H, W, C·m) rows: output channel c·m + j reads
    input channel c."""
    rows = x.transpose(0, 2, 3, 1)
    if multiplier > 1:
        return np.repeat(rows, multiplier, axis=-1)
    return rows if rows.flags.c_contiguous else np.ascontiguousarray(rows)


def _taps(weight, kernel, scale, dtype):
    """(*kernel, F) weight rows for the compiled passes, each filter times ``scale``."""
    filters = weight.shape[0]
    taps = np.empty(tuple(kernel) + (filters,), dtype)
    scale = np.ones(filters, dtype) if scale is None else scale
    depthwise_taps(np.ascontiguousarray(weight.reshape(filters, -1), dtype=dtype), scale,
                   taps.reshape(-1, filters))
    return taps


def _compiled_forward(x, weight, kernel, stride, dilate, pad, out, bias, clip, scale):
    if len(kernel) == 1:   # a row of height 1
        result = _compiled_forward(x[:, :, None], weight[:, :, None], (1,) + tuple(kernel),
                                   (1,) + tuple(stride), (1,) + tuple(dilate), (0,) + tuple(pad),
                                   (1,) + tuple(out), bias, clip, scale)
        return result[:, :, 0]
    n, channels = x.shape[:2]
    filters = weight.shape[0]
    dtype = x.dtype
    rows = _channels_last(x, filters // channels)
    taps = _taps(weight, kernel, scale, dtype)
    bias = np.zeros(filters, dtype) if bias is None else np.ascontiguousarray(bias, dtype=dtype)
    result = np.empty((n,) + tuple(out) + (filters,), dtype=dtype)
    low, high = (dtype.type(0), dtype.type(0)) if clip is None else map(dtype.type, clip)

    def task(lo, hi):
        depthwise_rows(rows, taps, bias, result, stride[0], stride[1], pad[0], pad[1],
                       dilate[0], dilate[1], low, high, clip is not None, lo, hi)

    count = n * out[0]
    work = n * math.prod(out) * filters * math.prod(kernel)
    parallel.split(task, count, min(parallel.parts_for(np, work, SPLIT_MACS), count))
    return result.transpose(0, 3, 1, 2)


def depthwise_backward(xp, x, weight, kernel, stride, dilate, pad, grad, needs):
    """[grad_x, grad_weight] of ``depthwise_forward`` (without the bias: its gradient is
    grad summed), each None unless ``needs`` it, in one compiled pass over the output
    gradient (no column matrix, no col2im); None when the compiled kernels cannot run
    here (CuPy, no numba, 3-D): the caller keeps its im2col path."""
    if not compiled(xp, x, kernel):
        return None
    if len(kernel) == 1:   # a row of height 1
        grads = depthwise_backward(xp, x[:, :, None], weight[:, :, None], (1,) + tuple(kernel),
                                   (1,) + tuple(stride), (1,) + tuple(dilate), (0,) + tuple(pad),
                                   grad[:, :, None], needs)
        return [None if grads[0] is None else grads[0][:, :, 0],
                None if grads[1] is None else grads[1].reshape(weight.shape)]
    n, channels = x.shape[:2]
    filters = weight.shape[0]
    multiplier = filters // channels
    dtype = x.dtype
    rows = _channels_last(x, multiplier)
    g = np.ascontiguousarray(grad.transpose(0, 2, 3, 1), dtype=dtype)
    taps = _taps(weight, kernel, None, dtype)
    want_x, want_w = bool(needs[0]), bool(needs[1])
    grad_x = np.zeros(rows.shape if want_x else (1, 1, 1, 1), dtype)
    work = n * math.prod(grad.shape[2:]) * filters * math.prod(kernel) * (want_x + want_w)
    pieces = parallel.ranges(n, min(parallel.parts_for(np, work, SPLIT_MACS), n))
    partial = {lo: np.zeros(taps.shape if want_w else (1, 1, 1), dtype) for lo, _ in pieces}

    def task(lo, hi):
        depthwise_grads(rows, taps, g, grad_x, partial[lo], stride[0], stride[1], pad[0],
                        pad[1], dilate[0], dilate[1], want_x, want_w, lo, hi)

    parallel.run(task, pieces)
    grad_weight = None
    if want_w:
        total = sum(partial.values())                        # (KH, KW, F)
        grad_weight = np.ascontiguousarray(np.moveaxis(total, -1, 0)).reshape(weight.shape)
    if want_x:
        if multiplier > 1:   # input channel c fed outputs c·m … c·m + m - 1
            grad_x = grad_x.reshape(grad_x.shape[:3] + (channels, multiplier)).sum(axis=-1)
        grad_x = grad_x.transpose(0, 3, 1, 2)
    else:
        grad_x = None
    return [grad_x, grad_weight]


def _numpy_forward(xp, x, weight, kernel, stride, dilate, pad, out, bias):
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
    parts = min(parallel.parts_for(xp, work, parallel.SPLIT_ELEMENTS * 4), len(bands))
    parallel.split(band_range, len(bands), parts)
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
