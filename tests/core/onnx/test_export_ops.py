"""Each operator's ONNX mapping on its own: ONNX Runtime gives our outputs within 1e-4,
for the attribute combinations the mapping handles."""
import numpy as np
import pytest

import core as mx
from core.errors import GraphError

from .onnx_support import TOLERANCE, random_params, run_onnxruntime, run_ours

S = mx.sym
X = S.Variable("data")
Y = S.Variable("other")
IMAGE = (2, 4, 7, 7)

CASES = {
    "conv dilated grouped": (S.Convolution(X, kernel=(3, 3), num_filter=8, num_group=2, dilate=(2, 2),
                                           pad=(1, 2), stride=(2, 1), name="c"), IMAGE),
    "conv 1-D": (S.Convolution(X, kernel=(3,), num_filter=3, pad=(1,), name="c"), (2, 4, 9)),
    "deconv": (S.Deconvolution(X, kernel=(4, 4), stride=(2, 2), pad=(1, 1), num_filter=3, name="d"), IMAGE),
    "deconv grouped dilated adj bias": (S.Deconvolution(X, kernel=(3, 3), stride=(3, 2), dilate=(2, 1), pad=(2, 1),
                                                        adj=(1, 1), num_filter=6, num_group=2, no_bias=False,
                                                        name="d"), IMAGE),
    "deconv target_shape": (S.Deconvolution(X, kernel=(3, 3), stride=(2, 2), target_shape=(14, 13), num_filter=2,
                                            name="d"), IMAGE),
    "deconv 1-D": (S.Deconvolution(X, kernel=(3,), stride=(2,), num_filter=3, name="d"), (2, 4, 9)),
    "dense no flatten": (S.FullyConnected(X, num_hidden=5, flatten=False, name="f"), (2, 3, 6)),
    "dense flatten no bias": (S.FullyConnected(X, num_hidden=5, no_bias=True, name="f"), IMAGE),
    "max pool full": (S.Pooling(X, kernel=(3, 3), stride=(2, 2), pool_type="max",
                                pooling_convention="full", name="p"), IMAGE),
    "avg pool padded exclusive": (S.Pooling(X, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                                            count_include_pad=False, name="p"), IMAGE),
    "avg pool padded inclusive": (S.Pooling(X, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                                            name="p"), IMAGE),
    "lp pool": (S.Pooling(X, kernel=(2, 2), stride=(2, 2), pool_type="lp", p_value=2, name="p"), IMAGE),
    "global max": (S.Pooling(X, kernel=(1, 1), global_pool=True, pool_type="max", name="p"), IMAGE),
    "batchnorm fix_gamma": (S.BatchNorm(X, fix_gamma=True, eps=1e-3, name="b"), IMAGE),
    "softrelu": (S.Activation(X, act_type="softrelu"), IMAGE),
    "softsign": (S.Activation(X, act_type="softsign"), IMAGE),
    "tanh": (S.tanh(X), IMAGE),
    "sigmoid": (S.sigmoid(X), IMAGE),
    "leaky": (S.LeakyReLU(X, act_type="leaky", slope=0.2), IMAGE),
    "prelu": (S.LeakyReLU(X, act_type="prelu", name="pr"), IMAGE),
    "selu": (S.LeakyReLU(X, act_type="selu"), IMAGE),
    "gelu": (S.LeakyReLU(X, act_type="gelu"), IMAGE),
    "rrelu inference": (S.LeakyReLU(X, act_type="rrelu"), (3, 5)),
    "pad edge": (S.Pad(X, mode="edge", pad_width=(0, 0, 0, 0, 1, 2, 0, 1)), IMAGE),
    "pad reflect": (S.Pad(X, mode="reflect", pad_width=(0, 0, 0, 0, 2, 1, 1, 0)), IMAGE),
    "pad constant": (S.Pad(X, mode="constant", constant_value=1.5, pad_width=(0, 0, 0, 0, 1, 1, 2, 2)), IMAGE),
    "softmax temperature": (S.softmax(X, axis=1, temperature=2.0), IMAGE),
    "log_softmax": (S.log_softmax(X, axis=-1), (3, 5)),
    "SoftmaxOutput over c*h*w": (S.SoftmaxOutput(X, name="sm"), IMAGE),
    "SoftmaxOutput multi_output": (S.SoftmaxOutput(X, multi_output=True, name="sm"), IMAGE),
    "sum all": (S.sum(X), IMAGE),
    "max axis": (S.max(X, axis=(2, 3)), IMAGE),
    "min keepdims": (S.min(X, axis=1, keepdims=True), IMAGE),
    "mean exclude": (S.mean(X, axis=0, exclude=True), IMAGE),
    "lrn": (S.LRN(X, nsize=3, alpha=1e-3, beta=0.75, knorm=2.0), IMAGE),
    "unary chain": (S.rsqrt(S.exp(S.square(S.sin(X)))) + S.log(S.abs(S.cos(X)) + 1) - S.reciprocal(
        S.sqrt(S.abs(X) + 1)) + S.erf(S.negative(X)), IMAGE),
    "scalar ops": (S._rminus_scalar(S._rdiv_scalar(S._maximum_scalar(S._minimum_scalar(
        S._power_scalar(S.abs(X) + 1, scalar=1.5), scalar=3.0), scalar=1.2), scalar=2.0), scalar=1.0)
        + S._rpower_scalar(X, scalar=2.0), IMAGE),
    "shapes": (S.squeeze(S.expand_dims(S.SwapAxis(S.Flatten(X), dim1=0, dim2=1), axis=1), axis=1), IMAGE),
    "reshape codes": (S.Reshape(X, shape=(0, -1, 7)), IMAGE),
    "copy, cast and blockgrad": (S.Cast(S.BlockGrad(S._copy(X)), dtype="float32"), IMAGE),
    "repeat": (S.repeat(X, repeats=2, axis=3), IMAGE),
}

BINARY = {
    "max min pow": (S._maximum(X, Y) + S._minimum(X, Y) * S._power(S.abs(X) + 1, S.abs(Y))),
    "broadcast": S.broadcast_div(S.broadcast_sub(S.broadcast_mul(X, S.mean(Y, axis=1, keepdims=True)), Y),
                                 S.abs(S.broadcast_add(Y, S.max(X, axis=(2, 3), keepdims=True))) + 1),
    "add_n and concat": S.Concat(S.add_n(X, Y, X), S.elemwise_div(X, S.abs(Y) + 1), S.elemwise_sub(X, Y), dim=2),
}


# operators the export wrote from issue 18's second round; (net, {input: shape}, values)
# values: "normal" (default), "unit" (inside (-1, 1)), "above1", "indices" (whole numbers,
# some out of range), "halves" (multiples of 0.5), "flags" (0 or 1)
MORE = {
    "deconv then upsampling": (S.UpSampling(S.Deconvolution(X, kernel=(2, 2), stride=(2, 2), num_filter=3, name="d"),
                                            scale=2, sample_type="nearest"), {"data": IMAGE}, "normal"),
    "upsampling two inputs concat": (S.UpSampling(X, S.Pooling(Y, kernel=(2, 2), stride=(2, 2), pool_type="max"),
                                                  scale=2, sample_type="nearest", num_args=2),
                                     {"data": (2, 3, 4, 4), "other": (2, 2, 8, 8)}, "normal"),
    "upsampling two inputs sum": (S.UpSampling(X, Y, scale=3, sample_type="nearest", num_args=2,
                                               multi_input_mode="sum"),
                                  {"data": (2, 3, 4, 4), "other": (2, 3, 4, 4)}, "normal"),
    "depth_to_space and back": (S.space_to_depth(S.depth_to_space(X, block_size=2) * 2, block_size=2) + X,
                                {"data": (2, 8, 3, 3)}, "normal"),
    "crop h_w": (S.Crop(X, h_w=(3, 4), offset=(1, 2)), {"data": IMAGE}, "normal"),
    "crop like centre": (S.Crop(X, Y, num_args=2, center_crop=True), {"data": IMAGE, "other": (2, 1, 4, 3)}, "normal"),
    "embedding": (S.Embedding(X, input_dim=6, output_dim=4, name="e"), {"data": (3, 5)}, "indices"),
    "hard_sigmoid": (S.hard_sigmoid(X, alpha=0.3, beta=0.4), {"data": IMAGE}, "normal"),
    "slice_axis": (S.slice_axis(X, axis=2, begin=1, end=-2), {"data": IMAGE}, "normal"),
    "slice steps": (S.slice(X, begin=(None, 3, 1), end=(None, 0, None), step=(1, -1, 2)), {"data": IMAGE}, "normal"),
    "slice reversed to the start": (S.slice(X, begin=(None, None, 5), end=(None, None, None), step=(1, 1, -2)),
                                    {"data": IMAGE}, "normal"),
    "SliceChannel": (S.SliceChannel(X, num_outputs=2, axis=1)[0] - S.SliceChannel(X, num_outputs=2, axis=1)[1],
                     {"data": IMAGE}, "normal"),
    "SliceChannel squeeze": (S.SliceChannel(X, num_outputs=7, axis=3, squeeze_axis=True)[4], {"data": IMAGE},
                             "normal"),
    "stack": (S.stack(X, Y, X, axis=2, num_args=3), {"data": (2, 3, 4), "other": (2, 3, 4)}, "normal"),
    "broadcast_to": (S.broadcast_to(S.mean(X, axis=1, keepdims=True), shape=(0, 4, 0, 0)), {"data": IMAGE}, "normal"),
    "broadcast_axis": (S.broadcast_axis(S.max(X, axis=(2, 3), keepdims=True), axis=(2, 3), size=(2, 5)),
                       {"data": IMAGE}, "normal"),
    "broadcast_like": (S.broadcast_like(S.sum(X, axis=3, keepdims=True), Y), {"data": IMAGE, "other": IMAGE}, "normal"),
    "tile": (S.tile(X, reps=(2, 1, 3)), {"data": (2, 3, 4)}, "normal"),
    "dot": (S.dot(X, Y), {"data": (3, 5), "other": (5, 4)}, "normal"),
    "dot transposed": (S.dot(X, Y, transpose_a=True, transpose_b=True), {"data": (5, 3), "other": (4, 5)}, "normal"),
    "dot N-D": (S.dot(X, Y), {"data": (2, 3, 5), "other": (5, 2, 2)}, "normal"),
    "batch_dot": (S.batch_dot(X, Y, transpose_b=True), {"data": (2, 3, 5), "other": (2, 4, 5)}, "normal"),
    "argmax": (S.argmax(X, axis=1), {"data": IMAGE}, "normal"),
    "argmin keepdims": (S.argmin(X, axis=-1, keepdims=True), {"data": IMAGE}, "normal"),
    "argmax flat": (S.argmax(X), {"data": (3, 5)}, "normal"),
    "argmax_channel": (S.argmax_channel(X), {"data": (3, 5)}, "normal"),
    "reverse": (S.reverse(X, axis=(1, 3)), {"data": IMAGE}, "normal"),
    "InstanceNorm": (S.InstanceNorm(X, eps=1e-3, name="inorm"), {"data": IMAGE}, "normal"),
    "L2Normalization instance": (S.L2Normalization(X), {"data": IMAGE}, "normal"),
    "L2Normalization channel": (S.L2Normalization(X, mode="channel"), {"data": IMAGE}, "normal"),
    "L2Normalization spatial": (S.L2Normalization(X, mode="spatial"), {"data": IMAGE}, "normal"),
    "ones_like zeros_like": (S.ones_like(X) * 2 + S.zeros_like(X) + X, {"data": IMAGE}, "normal"),
    "where": (S.where(X, Y, Y * 2), {"data": IMAGE, "other": IMAGE}, "flags"),
    "where rows": (S.where(S.slice_axis(S.Flatten(X), axis=1, begin=0, end=1).reshape((-1,)), Y, -Y),
                   {"data": IMAGE, "other": IMAGE}, "flags"),
    "MakeLoss": (S.MakeLoss(X * 2), {"data": IMAGE}, "normal"),
    "SVMOutput": (S.SVMOutput(X, name="svm"), {"data": (3, 5)}, "normal"),
    "comparisons": (S.broadcast_greater(X, S.mean(Y, axis=1, keepdims=True)) + S._lesser_equal(X, Y) * 2
                    + S._equal(X, X) * 4 + S.broadcast_not_equal(X, Y) * 8 + S._greater_equal(Y, X) * 16
                    + S.broadcast_lesser(X, Y) * 32, {"data": IMAGE, "other": IMAGE}, "indices"),
    "logic": (S._logical_and(X, Y) + S.broadcast_logical_or(X, Y) * 2 + S._logical_xor(X, Y) * 4
              + S.logical_not(X) * 8, {"data": IMAGE, "other": IMAGE}, "flags"),
    "scalar tests": (S._greater_scalar(X, scalar=0.5) + S._lesser_equal_scalar(X, scalar=-0.2) * 2
                     + S._not_equal_scalar(S.round(X), scalar=0.0) * 4, {"data": IMAGE}, "normal"),
    "trigonometry": (S.tan(X) + S.arcsin(X) + S.arccos(X) + S.arctan(X) + S.arctanh(X) + S.sinh(X) + S.cosh(X)
                     + S.arcsinh(X), {"data": IMAGE}, "unit"),
    "arccosh": (S.arccosh(X), {"data": IMAGE}, "above1"),
    "rounding": (S.floor(X) + S.ceil(X) * 2 + S.sign(X) * 4 + S.round(X) * 8 + S.trunc(X) * 16 + S.fix(X) * 32,
                 {"data": IMAGE}, "halves"),
    "GroupNorm": (S.GroupNorm(X, num_groups=2, name="gn"), {"data": IMAGE}, "normal"),
    "BilinearResize2D align_corners": (S.BilinearResize2D(X, height=11, width=5), {"data": IMAGE}, "normal"),
    "BilinearResize2D half pixel": (S.BilinearResize2D(X, height=4, width=13, align_corners=False,
                                                       half_pixel_centers=True), {"data": IMAGE}, "normal"),
    "BilinearResize2D legacy": (S.BilinearResize2D(X, height=10, width=3, align_corners=False), {"data": IMAGE},
                                "normal"),
    "logarithms": (S.log2(S.abs(X) + 0.5) + S.log10(S.abs(X) + 0.5) + S.log1p(S.abs(X)) + S.expm1(X)
                   + S.degrees(X) / 100 + S.radians(X), {"data": IMAGE}, "normal"),
    "take": (S.take(X, Y, axis=1), {"data": IMAGE, "other": (2, 3)}, "indices"),
    "norm": (S.broadcast_add(S.norm(X, ord=1, axis=1), S.expand_dims(S.norm(X, axis=(1, 2)), axis=1)),
             {"data": IMAGE}, "normal"),
}


def _values(kind, shape, rng):
    if kind == "unit":
        return rng.uniform(-0.9, 0.9, shape).astype(np.float32)
    if kind == "above1":
        return rng.uniform(1.1, 3.0, shape).astype(np.float32)
    if kind == "indices":
        return rng.integers(-2, 8, shape).astype(np.float32)
    if kind == "halves":   # whole and half numbers, both signs: where rounding rules differ
        return (rng.integers(-8, 9, shape) / 2).astype(np.float32)
    if kind == "flags":
        return rng.integers(0, 2, shape).astype(np.float32)
    return rng.normal(0, 1, shape).astype(np.float32)


def _compare(net, inputs):
    params = random_params(net, {k: v.shape for k, v in inputs.items()})
    model = mx.onnx.export_model(net, params, [v.shape for v in inputs.values()], onnx_file_path=None)
    theirs = run_onnxruntime(model, inputs)[0]
    ours = run_ours(net, params, inputs)[0]
    assert theirs.shape == ours.shape
    np.testing.assert_allclose(theirs, ours, atol=TOLERANCE, rtol=1e-4)


@pytest.mark.parametrize("case", list(CASES))
def test_one_operator_matches_onnxruntime(case):
    net, shape = CASES[case]
    _compare(net, {"data": np.random.default_rng(0).normal(0, 1, shape).astype(np.float32)})


@pytest.mark.parametrize("case", list(BINARY))
def test_two_input_operators_match_onnxruntime(case):
    rng = np.random.default_rng(1)
    _compare(BINARY[case], {"data": rng.normal(0, 1, IMAGE).astype(np.float32),
                            "other": rng.normal(0, 1, IMAGE).astype(np.float32)})


@pytest.mark.parametrize("net,message", [
    (S.BatchNorm(X, axis=-1, name="bn"), "'bn' \\(BatchNorm\\): axis=-1"),
    (S.Dropout(X, mode="always", name="drop"), "'drop' \\(Dropout\\): mode='always'"),
    (S.Pooling(X, kernel=(2, 2), pool_type="sum", name="sp"), "'sp' \\(Pooling\\): pool_type='sum'"),
    (S.Pooling(X, kernel=(2, 2), stride=(2, 2), pad=(1, 1), pooling_convention="full", name="cp"),
     "'cp' \\(Pooling\\): .*starts in the padding"),
])
def test_attributes_onnx_cannot_express_are_named(net, message):
    params = random_params(net, {"data": IMAGE})
    with pytest.raises(GraphError, match=message):
        mx.onnx.export_model(net, params, [IMAGE], onnx_file_path=None)


@pytest.mark.parametrize("case", list(MORE))
def test_more_operators_match_onnxruntime(case):
    net, shapes, kind = MORE[case]
    rng = np.random.default_rng(2)
    _compare(net, {name: _values(kind, shape, rng) for name, shape in shapes.items()})
