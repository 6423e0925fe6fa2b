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
