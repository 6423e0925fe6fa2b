"""Compiled kernels for depthwise convolutions (inference and gradients) and 1×1 epilogues.

Why: the NumPy depthwise path (core/backend/cpu/depthwise.py) makes two passes over the output
per kernel offset (multiply into a term, add it to the accumulator) after copying the
input into a padded buffer; on EfficientNet-Lite0 that was ~14 ms of a ~32 ms picture.
Here one pass computes each output pixel from its k×k taps, channels-last, so the
innermost loop runs along contiguous channel rows and vectorises; padding is handled by
skipping taps outside the input (no padded copy), and the bias (a folded BatchNorm's
shift) and a clip (ReLU6) are applied before the pixel leaves the cache.

``affine_clip`` is the matching epilogue of a GEMM (1×1 convolution): ``y * scale +
shift`` per channel and the clip in one pass over rows the GEMM just wrote, instead of a
BatchNorm's two passes and a clip's third over the whole output. ``batchnorm_affine``
and ``depthwise_taps`` prepare a layer's per-channel values in one call each (small
NumPy calls cost ~1-2 µs apiece, and a layer needed a dozen). ``depthwise_grads`` is the
depthwise backward: the output gradient spread back over the taps, and the weight
gradient summed, in one pass.

The big kernels take a range (``lo, hi``) of rows or samples and write only there
(core/backend/cpu/jit.py).
"""
from __future__ import annotations

import numpy as np

from .jit import kernel


@kernel
def depthwise_rows(x, taps, bias, out, stride_h, stride_w, pad_h, pad_w, dilate_h, dilate_w,
                   low, high, clip, lo, hi):
    """Output rows ``lo:hi`` of the flattened (sample, output row) axis.

    x (N, H, W, C) and out (N, OH, OW, C) channels-last and contiguous, taps (KH, KW, C),
    bias (C,). Output pixel (oh, ow) reads input (oh·stride - pad + t·dilate) for kernel
    offsets t; offsets outside the input count as zeros (the convolution's padding).
    With ``clip``, values end in [low, high] (NaN stays NaN, as with np.clip); low and
    high have the arrays' dtype (a float64 bound would turn the pass into conversions).

    NOTE: whole channel rows (``out[n, oh, ow]``, ``range(C)``) are what numba
    vectorises; sliced channel blocks compiled to gathers and scalar loops (5x slower)."""
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    kh_count, kw_count = taps.shape[0], taps.shape[1]
    out_h, out_w = out.shape[1], out.shape[2]
    for row in range(lo, hi):
        n = row // out_h
        oh = row - n * out_h
        top = oh * stride_h - pad_h
        for ow in range(out_w):
            left = ow * stride_w - pad_w
            acc = out[n, oh, ow]
            for c in range(channels):
                acc[c] = bias[c]
            for i in range(kh_count):
                ih = top + i * dilate_h
                if ih < 0 or ih >= height:
                    continue
                for j in range(kw_count):
                    iw = left + j * dilate_w
                    if iw < 0 or iw >= width:
                        continue
                    pixel = x[n, ih, iw]
                    weights = taps[i, j]
                    for c in range(channels):
                        acc[c] += pixel[c] * weights[c]
            if clip:
                for c in range(channels):
                    v = acc[c]
                    if v > high:
                        acc[c] = high
                    elif v < low:
                        acc[c] = low


@kernel
def affine_clip(y, scale, shift, low, high, clip, r0, r1, c0, c1):
    """y[r0:r1, c0:c1] in place: ``y * scale + shift`` per column, then clipped to
    [low, high] with ``clip`` (a plain bias is scale 1: y * 1 is exact).

    NOTE: the loops run over slices from 0; ``range(c0, c1)`` indexing compiled to
    scalar code (numba's negative-index check), the slices vectorise."""
    scale, shift = scale[c0:c1], shift[c0:c1]
    columns = c1 - c0
    for r in range(r0, r1):
        row = y[r, c0:c1]
        for c in range(columns):
            row[c] = row[c] * scale[c] + shift[c]
        if clip:
            for c in range(columns):
                v = row[c]
                if v > high:
                    row[c] = high
                elif v < low:
                    row[c] = low


@kernel
def affine_clip_rows(y, scale, shift, low, high, clip, r0, r1, c0, c1):
    """As ``affine_clip``, with one scale and shift per row (channels-first output of a
    single-picture GEMM: y (C, pixels))."""
    columns = c1 - c0
    for r in range(r0, r1):
        row = y[r, c0:c1]
        s = scale[r]
        t = shift[r]
        for c in range(columns):
            row[c] = row[c] * s + t
        if clip:
            for c in range(columns):
                v = row[c]
                if v > high:
                    row[c] = high
                elif v < low:
                    row[c] = low


@kernel
def batchnorm_affine(gamma, beta, mean, var, eps, fix_gamma, bias, has_bias, scale, shift):
    """A BatchNorm in inference as ``y * scale + shift`` per channel, with the bias of the
    convolution before it folded into ``shift``: one call instead of the ten small NumPy
    operations of ``BatchNorm.running_affine`` (~15 µs per layer, 49 layers)."""
    for c in range(scale.shape[0]):
        s = (1.0 if fix_gamma else gamma[c]) / np.sqrt(var[c] + eps)
        scale[c] = s
        shift[c] = beta[c] - mean[c] * s + (bias[c] * s if has_bias else 0.0)


@kernel
def depthwise_taps(weight, scale, taps):
    """taps (K, F) = weight (F, K) transposed, each filter times its ``scale``: the
    weight rows the depthwise pass reads, with a folded BatchNorm's scale in them."""
    for f in range(weight.shape[0]):
        s = scale[f]
        for k in range(weight.shape[1]):
            taps[k, f] = weight[f, k] * s


@kernel
def depthwise_grads(x, taps, grad, grad_x, grad_taps, stride_h, stride_w, pad_h, pad_w,
                    dilate_h, dilate_w, want_x, want_taps, lo, hi):
    """Samples ``lo:hi`` of a depthwise convolution's backward, channels-last like
    ``depthwise_rows``: grad (N, OH, OW, C) spread onto grad_x (N, H, W, C), which must
    start at zero, and the weight gradient of these samples added to grad_taps (KH, KW,
    C). Split by samples: every piece writes its own samples of grad_x and its own
    grad_taps, so pieces never write the same memory."""
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    kh_count, kw_count = taps.shape[0], taps.shape[1]
    out_h, out_w = grad.shape[1], grad.shape[2]
    for n in range(lo, hi):
        for oh in range(out_h):
            top = oh * stride_h - pad_h
            for ow in range(out_w):
                left = ow * stride_w - pad_w
                g = grad[n, oh, ow]
                for i in range(kh_count):
                    ih = top + i * dilate_h
                    if ih < 0 or ih >= height:
                        continue
                    for j in range(kw_count):
                        iw = left + j * dilate_w
                        if iw < 0 or iw >= width:
                            continue
                        if want_x:
                            target = grad_x[n, ih, iw]
                            weights = taps[i, j]
                            for c in range(channels):
                                target[c] += g[c] * weights[c]
                        if want_taps:
                            pixel = x[n, ih, iw]
                            acc = grad_taps[i, j]
                            for c in range(channels):
                                acc[c] += g[c] * pixel[c]
