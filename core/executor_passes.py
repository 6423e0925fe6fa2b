"""Inference only: a BatchNorm folded into the convolution that feeds it.

BatchNorm in inference is ``y * scale + shift`` per channel, so ``BN(conv(x, W, b))`` is
``conv(x, W * scale, b * scale + shift)``: the two passes over the output (and its
allocation) go away for the price of rescaling the weights. The weights are rescaled
on every forward (they may change between calls: training, ``copy_params_from``), so a
pair is folded only while the weights are small next to the output, which is where the
passes cost most (EfficientNet-Lite0's early layers: 112×112 maps, 1-3 k weights).

Two kinds of layer skip the rescaled copy of the weights: a depthwise convolution
always folds (its weights are k×k per channel, nothing next to its output) and applies
the bias and clip inside its own pass (backend/cpu/depthwise.py); a 1×1 convolution
multiplies by the BatchNorm's scale in the pass that adds its bias after the GEMM
(backend/cpu/pointwise.py), so its weights (up to 400 k values in EfficientNet's head)
are never rescaled at all.

A zero Pad read only by a grouped convolution of such a pair (EfficientNet pads one
cell more after than before each strided depthwise layer) is folded too: the executor
skips it and ``fused_forward`` hands its widths to the depthwise pass, which treats
cells outside the input as zeros, so the padded copy is never made.

A relu or leaky relu that alone reads a convolution's (or BatchNorm's) output runs in
place on it (``in_place_activations``): that output is a fresh array nobody else reads,
so the activation's own output array and its pass over a second buffer go away
(NanoDet-g's 28 leaky relus, ResNet's relus after each folded BatchNorm).

Such an activation after a dense convolution (or its folded BatchNorm) is better still
applied in the convolution's epilogue (``activation_epilogues``): the banded inference
convolution (backend/cpu/conv_bands.py) adds the bias and activates each band while it
is in cache, so the activation costs no pass over the output at all.

The executor asks ``conv_bn_pairs``, ``folded_pads``, ``in_place_activations`` and
``activation_epilogues`` once at bind time and calls
``fused_forward`` for each pair in inference, unless a monitor wants to see every
layer's own output. Which nodes take part is each operator's own fact (``fusion_role``
and ``fusable()``, core/ops/base.py); the convolution is asked through its public
methods (``out_spatial``, ``is_depthwise``, ``is_pointwise``, ``compute``).
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

from .backend.cpu import jit
from .backend.cpu.depthwise import depthwise_forward
from .backend.cpu.depthwise_kernels import batchnorm_affine
from .backend.cpu.pointwise import pointwise_forward
from .backend.cpu.relu_kernels import activate_in_place

#: fold when the output has at least this many values per weight
FOLD_RATIO = 8
#: the ``fusion_role`` values operators may declare (core/ops/base.py)
ROLES = ("convolution", "batchnorm", "clip", "pad", "activation")


def conv_bn_pairs(steps, head_slots):
    """{index of a Convolution step: (index of the BatchNorm step that alone reads it,
    index of a clip step that alone reads the BatchNorm, or None)}."""
    readers = Counter(slot for step in steps for slot in list(step.args) + list(step.aux))
    producer = {slot: index for index, step in enumerate(steps) for slot in step.wanted}
    clips = {step.args[0]: index for index, step in enumerate(steps)
             if _role(step, "clip") and readers[step.args[0]] == 1 and step.args[0] not in head_slots}
    pairs = {}
    for index, step in enumerate(steps):
        if not _role(step, "batchnorm"):
            continue
        slot = step.args[0]
        source = producer.get(slot)
        if source is None or not _role(steps[source], "convolution"):
            continue
        if readers[slot] == 1 and slot not in head_slots:
            pairs[source] = (index, clips.get(step.wanted[0]))
    return pairs


def folded_pads(steps, head_slots, pairs):
    """{index of a constant-zero Pad step: index of the grouped Convolution in ``pairs``
    that alone reads its output as data}."""
    readers = Counter(slot for step in steps for slot in list(step.args) + list(step.aux))
    producer = {slot: index for index, step in enumerate(steps) for slot in step.wanted}
    pads = {}
    for index in pairs:
        conv = steps[index]
        source = producer.get(conv.args[0])
        if source is None or conv.op.num_group == 1:
            continue
        pad = steps[source].op
        if _role(steps[source], "pad") and len(pad.pad_width) == 2 * (len(conv.op.kernel) + 2) and \
                readers[conv.args[0]] == 1 and conv.args[0] not in head_slots:
            pads[source] = index
    return pads


def in_place_activations(steps, head_slots):
    """Indices of the activation steps that alone read a convolution's or BatchNorm's
    output (not a head of the network): they may overwrite it."""
    readers = Counter(slot for step in steps for slot in list(step.args) + list(step.aux))
    producer = {slot: index for index, step in enumerate(steps) for slot in step.wanted}
    found = set()
    for index, step in enumerate(steps):
        if not _role(step, "activation"):
            continue
        slot = step.args[0]
        source = producer.get(slot)
        if source is None or slot in head_slots or readers[slot] != 1:
            continue
        if _role(steps[source], "convolution") or _role(steps[source], "batchnorm"):
            found.add(index)
    return found


def activation_epilogues(steps, in_place, pairs):
    """{index of a Convolution step: index of an in-place activation (``in_place``) that
    reads its output, or its folded BatchNorm's (``pairs``, without a clip)}: the
    convolution applies it in its own epilogue (backend/cpu/conv_bands.py)."""
    producer = {slot: index for index, step in enumerate(steps) for slot in step.wanted}
    folded_bn = {bn: conv for conv, (bn, clip) in pairs.items() if clip is None}
    found = {}
    for index in in_place:
        source = producer[steps[index].args[0]]
        if _role(steps[source], "convolution"):
            found[source] = index
        elif source in folded_bn:
            found[folded_bn[source]] = index
    return found


def activation_slope(op):
    """The fusable activations are max(x, slope·x): relu (no slope attribute: 0) and leaky
    relu with 0 <= slope <= 1 (their ``fusable()``)."""
    return float(getattr(op, "slope", 0.0))


def _role(step, role):
    """Whether ``step``'s operator plays ``role`` in folding (its class's ``fusion_role``)
    and its attributes allow it."""
    return step.op.fusion_role == role and step.op.fusable()


def activated_forward(xp, conv_step, values, slope):
    """A convolution's output with the activation after it (max(v, slope·v)) applied."""
    conv = conv_step.op
    bias = None if conv.no_bias else values[conv_step.args[2]]
    (out,), _ = conv.compute(xp, values[conv_step.args[0]], values[conv_step.args[1]], bias, False, slope)
    return out


def fused_forward(xp, conv_step, bn_step, values, clip_step=None, pad_step=None, slope=None):
    """The BatchNorm's output (clipped by ``clip_step`` if given, or activated by
    max(v, slope·v) with ``slope``) computed by the convolution, or None when folding
    does not pay (big weights, small output). With ``pad_step`` (from ``folded_pads``),
    the convolution's data is the Pad's unpadded input, and the result is never None."""
    conv, bn = conv_step.op, bn_step.op
    x, weight = values[conv_step.args[0]], values[conv_step.args[1]]
    before, after = tuple(conv.pad), tuple(conv.pad)
    if pad_step is not None:
        widths = pad_step.op.pad_width[4:]
        before = tuple(p + w for p, w in zip(before, widths[0::2]))
        after = tuple(p + w for p, w in zip(after, widths[1::2]))
    padded = tuple(n + b + a - 2 * p for n, b, a, p in zip(x.shape[2:], before, after, conv.pad))
    out_spatial = conv.out_spatial(padded)
    depthwise = conv.is_depthwise(x.shape)
    if pad_step is not None and not depthwise:   # pad here after all
        (x,), _ = pad_step.op.forward(xp, [x], [], False)
        before = after = tuple(conv.pad)
    pointwise = conv.is_pointwise()
    out_size = x.shape[0] * conv.num_filter * math.prod(out_spatial)
    if not (depthwise or pointwise or pad_step) and weight.size * FOLD_RATIO > out_size:
        return None
    gamma, beta = (values[i] for i in bn_step.args[1:3])
    moving_mean, moving_var = (values[i] for i in bn_step.aux)
    conv_bias = None if conv.no_bias else values[conv_step.args[2]]
    clip = None if clip_step is None else (clip_step.op.a_min, clip_step.op.a_max)
    if (depthwise or pointwise) and jit.enabled_for(xp, x.dtype):
        scale, bias = np.empty(conv.num_filter, x.dtype), np.empty(conv.num_filter, x.dtype)
        batchnorm_affine(gamma, beta, moving_mean, moving_var, bn.eps, bn.fix_gamma,
                         beta if conv_bias is None else conv_bias, conv_bias is not None,
                         scale, bias)
    else:
        scale, shift = bn.running_affine(xp, gamma, beta, moving_mean, moving_var, x.dtype)
        bias = shift if conv_bias is None else conv_bias * scale + shift
    if pointwise:
        out, _ = pointwise_forward(xp, x, weight, bias, scale=scale, clip=clip)
        return out if slope is None else activate_in_place(xp, out, slope)
    if depthwise:
        out = depthwise_forward(xp, x, weight, conv.kernel, conv.stride, conv.dilate,
                                before, out_spatial, bias, clip, scale=scale)
        return out if slope is None else activate_in_place(xp, out, slope)
    folded = weight * scale.reshape((-1,) + (1,) * (weight.ndim - 1))
    (out,), _ = conv.compute(xp, x, folded, bias, False, slope)
    return out if clip_step is None else clip_in_place(xp, clip_step, out)


def clip_in_place(xp, clip_step, out):
    """ReLU6 and friends after a folded BatchNorm: clipped where the values already are."""
    op = clip_step.op
    return xp.clip(out, op.a_min, op.a_max, out=out)
