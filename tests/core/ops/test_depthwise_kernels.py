"""Compiled inference kernels (core/backend/cpu/depthwise_kernels.py) give the NumPy paths'
numbers: depthwise convolutions (stride, padding before only, dilation, channel
multiplier, batch, odd sizes, float64, bias and clip fused, channels-first or -last
input, split over threads) and their gradients, 1×1 convolutions with a BatchNorm's scale and a clip after
the GEMM, the executor's fused layers, and EfficientNet-Lite0's probabilities."""
import numpy as np
import pytest

import core as mx
from core.backend.cpu import depthwise, jit, parallel, pointwise
from core.ops import OPS

from . import naive_spatial as naive
from ..zoo_support import SAMPLES, session_cache, zoo_cache  # noqa: F401  (fixtures)

RNG = np.random.default_rng(23)

pytestmark = pytest.mark.skipif(not jit.available(), reason="numba is not installed")


@pytest.fixture(params=["one piece", "split"])
def pieces(request, monkeypatch):
    """Run each case in one piece, and split into two pieces however small."""
    if request.param == "split":
        monkeypatch.setattr(parallel, "THREADS", 2)
        monkeypatch.setattr(parallel, "SPLIT_MACS", 1)
        monkeypatch.setattr(depthwise, "SPLIT_MACS", 1)
    return request.param


def numpy_path(monkeypatch, function, *args, **kwargs):
    with monkeypatch.context() as patch:
        patch.setattr(jit, "ENABLED", False)
        return function(*args, **kwargs)


def channels_last(x):
    """x's values in channels-last memory (what a depthwise or 1×1 layer outputs)."""
    return np.moveaxis(np.ascontiguousarray(np.moveaxis(x, 1, -1)), -1, 1)


def out_size(size, k, s, before, after, d):
    return (size + before + after - d * (k - 1) - 1) // s + 1


DEPTHWISE_CASES = [
    # shape, kernel, stride, pad before, pad after, dilate, multiplier
    ((1, 4, 7, 6), (3, 3), (1, 1), (1, 1), (1, 1), (1, 1), 1),
    ((3, 5, 9, 8), (3, 3), (2, 2), (1, 1), (1, 1), (1, 1), 1),
    ((1, 3, 8, 9), (3, 3), (2, 2), (0, 0), (1, 1), (1, 1), 1),   # Pad (0, 1) folded in
    ((2, 4, 11, 7), (5, 5), (2, 1), (1, 2), (2, 1), (1, 1), 1),
    ((1, 3, 9, 9), (3, 2), (1, 2), (2, 1), (2, 1), (2, 1), 2),    # dilate, multiplier 2
    ((3, 2, 5, 6), (3, 3), (1, 1), (0, 0), (0, 0), (1, 1), 3),
    ((1, 6, 4, 4), (5, 5), (1, 1), (2, 2), (2, 2), (1, 1), 1),    # kernel ≥ the map
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("case", DEPTHWISE_CASES, ids=str)
def test_compiled_depthwise_matches_numpy_and_direct_loops(case, dtype, pieces, monkeypatch):
    shape, kernel, stride, before, after, dilate, multiplier = case
    channels = shape[1]
    x = RNG.standard_normal(shape).astype(dtype)
    w = RNG.standard_normal((channels * multiplier, 1) + kernel).astype(dtype)
    b = RNG.standard_normal(channels * multiplier).astype(dtype)
    out = tuple(out_size(n, k, s, p, q, d)
                for n, k, s, p, q, d in zip(shape[2:], kernel, stride, before, after, dilate))
    for data in (x, channels_last(x)):
        for bias, clip in ((None, None), (b, None), (b, (-0.5, 0.75))):
            args = (np, data, w, kernel, stride, dilate, before, out, bias, clip)
            compiled = depthwise.depthwise_forward(*args)
            plain = numpy_path(monkeypatch, depthwise.depthwise_forward, *args)
            assert compiled.shape == plain.shape == (shape[0], channels * multiplier) + out
            assert compiled.dtype == dtype
            assert np.moveaxis(compiled, 1, -1).flags.c_contiguous     # channels-last memory
            tol = 1e-5 if dtype == np.float32 else 1e-12
            np.testing.assert_allclose(compiled, plain, rtol=tol, atol=tol)
    # against MXNet's definition, symmetric padding (the padding after cut by out)
    padded = np.pad(x, ((0, 0), (0, 0)) + tuple(zip(before, after)))
    expected = naive.conv2d(padded, w, b, stride, (0, 0), dilate, channels)
    compiled = depthwise.depthwise_forward(np, x, w, kernel, stride, dilate, before, out, b)
    np.testing.assert_allclose(compiled, expected, rtol=1e-5 if dtype == np.float32 else 1e-10,
                               atol=1e-5 if dtype == np.float32 else 1e-12)


def test_compiled_depthwise_clip_keeps_nan_and_bounds(monkeypatch):
    x = RNG.standard_normal((1, 3, 5, 5)).astype(np.float32) * 10
    x[0, 1, 2, 2] = np.nan
    w = RNG.standard_normal((3, 1, 3, 3)).astype(np.float32)
    args = (np, x, w, (3, 3), (1, 1), (1, 1), (1, 1), (5, 5), None, (0.0, 6.0))
    compiled = depthwise.depthwise_forward(*args)
    plain = numpy_path(monkeypatch, depthwise.depthwise_forward, *args)
    np.testing.assert_array_equal(np.isnan(compiled), np.isnan(plain))
    assert np.isnan(compiled).sum() == 9 and np.nanmax(compiled) == 6 and np.nanmin(compiled) == 0
    np.testing.assert_allclose(compiled, plain, rtol=1e-6, atol=1e-6)


def test_compiled_depthwise_1d_is_2d_with_unit_height(monkeypatch):
    x = RNG.standard_normal((2, 3, 11))
    w = RNG.standard_normal((6, 1, 3))
    b = RNG.standard_normal(6)
    args = (np, x, w, (3,), (2,), (2,), (1,), (5,), b, None)
    compiled = depthwise.depthwise_forward(*args)
    plain = numpy_path(monkeypatch, depthwise.depthwise_forward, *args)
    assert compiled.shape == (2, 6, 5)
    np.testing.assert_allclose(compiled, plain, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("shape", [(1, 5, 7, 3), (3, 5, 4, 3), (1, 64, 1, 3)], ids=str)
def test_pointwise_scale_bias_and_clip_after_the_gemm(shape, dtype, pieces, monkeypatch):
    x = RNG.standard_normal(shape).astype(dtype)
    w = RNG.standard_normal((7, shape[1], 1, 1)).astype(dtype)
    b, scale = RNG.standard_normal(7).astype(dtype), RNG.uniform(0.5, 2, 7).astype(dtype)
    for data in (x, channels_last(x)):       # the channels-first and channels-last GEMMs
        for extra in ({}, {"scale": scale}, {"scale": scale, "clip": (-1.0, 0.5)}, {"clip": (0, 6)}):
            for bias in (None, b):
                compiled, _ = pointwise.pointwise_forward(np, data, w, bias, **extra)
                plain, _ = numpy_path(monkeypatch, pointwise.pointwise_forward, np, data, w, bias,
                                      **extra)
                tol = 1e-5 if dtype == np.float32 else 1e-12
                np.testing.assert_allclose(compiled, plain, rtol=tol, atol=tol)
                assert compiled.dtype == dtype
    expected = np.einsum("nchw,fc->nfhw", x, w[:, :, 0, 0]) * scale[:, None, None] + b[:, None, None]
    compiled, _ = pointwise.pointwise_forward(np, x, w, b, scale=scale)
    np.testing.assert_allclose(compiled, expected, rtol=1e-5, atol=1e-5)


def fused_net(groups):
    """Pad → grouped (depthwise with 3 groups) → BN → clip, 1×1 → BN → clip, 1×1 → BN,
    3×3 → BN → clip."""
    data = mx.sym.Variable("data")
    x = mx.sym.pad(data, mode="constant", pad_width=(0, 0, 0, 0, 0, 1, 1, 2), name="pad")
    x = mx.sym.Convolution(x, kernel=(3, 3), stride=(2, 2), pad=(1, 0), num_filter=6,
                           num_group=groups, no_bias=True, name="dw")
    x = mx.sym.BatchNorm(x, fix_gamma=False, name="bn_dw")
    x = mx.sym.clip(x, a_min=0.0, a_max=6.0, name="relu_dw")
    x = mx.sym.Convolution(x, kernel=(1, 1), num_filter=8, name="pw")
    x = mx.sym.BatchNorm(x, fix_gamma=False, name="bn_pw")
    x = mx.sym.clip(x, a_min=0.0, a_max=6.0, name="relu_pw")
    x = mx.sym.Convolution(x, kernel=(1, 1), num_filter=5, no_bias=True, name="project")
    x = mx.sym.BatchNorm(x, fix_gamma=True, name="bn_project")
    x = mx.sym.Convolution(x, kernel=(3, 3), pad=(1, 1), num_filter=4, name="full")
    x = mx.sym.BatchNorm(x, fix_gamma=False, name="bn_full")
    return mx.sym.clip(x, a_min=-1.0, a_max=1.0, name="relu_full")


@pytest.mark.parametrize("batch,groups", [(1, 3), (3, 3), (2, 1)], ids=str)
def test_fused_layers_give_the_layer_by_layer_output(batch, groups, pieces, monkeypatch):
    exe = fused_net(groups).simple_bind(mx.cpu(), grad_req="null", data=(batch, 3, 9, 8))
    rng = np.random.default_rng(5)
    for name, array in list(exe.arg_dict.items()) + list(exe.aux_dict.items()):
        values = rng.uniform(0.5, 1.5, array.shape) if name.endswith("var") else rng.normal(0, 1, array.shape)
        array[:] = values.astype(np.float32)
    assert len(exe._conv_bn) == 4 and len(exe._pads) == (groups > 1)
    fused = exe.forward(is_train=False)[0].asnumpy()
    numpy_fused = numpy_path(monkeypatch, exe.forward, is_train=False)[0].asnumpy()
    seen = []
    exe.set_monitor_callback(lambda name, array: seen.append(name))   # every layer on its own
    plain = numpy_path(monkeypatch, exe.forward, is_train=False)[0].asnumpy()
    assert "pad_output" in seen and "bn_dw_output" in seen
    np.testing.assert_allclose(fused, plain, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(numpy_fused, plain, rtol=1e-5, atol=1e-5)
    assert fused.min() >= -1 and fused.max() <= 1


def test_a_folded_pad_on_a_grouped_convolution_is_still_applied(monkeypatch):
    """4 channels in 2 groups: not depthwise, so fused_forward pads itself."""
    data = mx.sym.Variable("data")
    x = mx.sym.pad(data, mode="constant", pad_width=(0, 0, 0, 0, 1, 0, 0, 2), name="pad")
    x = mx.sym.Convolution(x, kernel=(3, 3), num_filter=4, num_group=2, name="g")
    x = mx.sym.BatchNorm(x, fix_gamma=False, name="bn")
    exe = x.simple_bind(mx.cpu(), grad_req="null", data=(2, 4, 6, 5))
    rng = np.random.default_rng(7)
    for name, array in list(exe.arg_dict.items()) + list(exe.aux_dict.items()):
        values = rng.uniform(0.5, 1.5, array.shape) if name.endswith("var") else rng.normal(0, 1, array.shape)
        array[:] = values.astype(np.float32)
    assert exe._pads == {0: 1}
    fused = exe.forward(is_train=False)[0].asnumpy()
    exe.set_monitor_callback(lambda name, array: None)
    plain = exe.forward(is_train=False)[0].asnumpy()
    assert fused.shape == plain.shape == (2, 4, 5, 5)
    np.testing.assert_allclose(fused, plain, rtol=1e-5, atol=1e-5)


def test_efficientnet_lite0_probabilities_do_not_change(zoo_cache, monkeypatch):
    from core.zoo import ImageClassifier
    classifier = ImageClassifier.from_zoo("efficientnet-lite0")
    photos = [SAMPLES / "coffee.png", SAMPLES / "chelsea.png"]
    compiled = classifier.predict_proba(photos)
    plain = numpy_path(monkeypatch, classifier.predict_proba, photos)
    np.testing.assert_allclose(compiled, plain, rtol=0, atol=1e-5)
    assert compiled[0].argmax() == 967 and compiled[0, 967] == pytest.approx(0.957, abs=1e-3)


@pytest.mark.parametrize("case", DEPTHWISE_CASES, ids=str)
def test_compiled_depthwise_backward_matches_the_im2col_path(case, pieces):
    shape, kernel, stride, before, after, dilate, multiplier = case
    channels = shape[1]
    x = RNG.standard_normal(shape)
    w = RNG.standard_normal((channels * multiplier, 1) + kernel)
    b = RNG.standard_normal(channels * multiplier)
    # the reference: Convolution (im2col) on the explicitly padded input, cropped back
    padded = np.pad(x, ((0, 0), (0, 0)) + tuple(zip(before, after)))
    op = OPS.get("Convolution")(node_name="dw", kernel=kernel, stride=stride, dilate=dilate,
                                num_group=channels, num_filter=channels * multiplier)
    (out,), saved = op.forward(np, [padded, w, b], [], True)
    head = RNG.standard_normal(out.shape)
    expected = op.backward(np, saved, [head], [True, True, True])
    expected[0] = expected[0][:, :, before[0]:before[0] + shape[2], before[1]:before[1] + shape[3]]
    for data in (x, channels_last(x)):
        for needs in ([True, True], [True, False], [False, True]):
            grads = depthwise.depthwise_backward(np, data, w, kernel, stride, dilate, before,
                                                  channels_last(head), needs)
            for got, want, need in zip(grads, expected, needs):
                if need:
                    assert got.shape == want.shape
                    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
                else:
                    assert got is None


def test_compiled_depthwise_backward_matches_finite_differences():
    x, w = RNG.standard_normal((2, 3, 5, 6)), RNG.standard_normal((6, 1, 3, 3))
    geometry = ((3, 3), (2, 1), (1, 2), (1, 1))
    out = (3, 4)
    head = RNG.standard_normal((2, 6) + out)

    def loss(x_, w_):
        return float((depthwise.depthwise_forward(np, x_, w_, *geometry, out) * head).sum())

    grad_x, grad_w = depthwise.depthwise_backward(np, x, w, *geometry, head, [True, True])
    eps = 1e-6
    for array, grad in ((x, grad_x), (w, grad_w)):
        for index in [(0, 0, 0, 0), (1, 2, 4, 5), (0, 1, 2, 3)][:3 if array is x else 2]:
            index = index[:array.ndim]
            index = tuple(min(i, s - 1) for i, s in zip(index, array.shape))
            saved = array[index]
            array[index] = saved + eps
            up = loss(x, w)
            array[index] = saved - eps
            down = loss(x, w)
            array[index] = saved
            assert grad[index] == pytest.approx((up - down) / (2 * eps), rel=1e-6, abs=1e-8)


def test_compiled_depthwise_backward_1d_and_its_numpy_fallback(monkeypatch):
    x, w, head = RNG.standard_normal((2, 3, 11)), RNG.standard_normal((3, 1, 3)), None
    op = OPS.get("Convolution")(node_name="dw", kernel=(3,), stride=(2,), pad=(1,),
                                num_group=3, num_filter=3, no_bias=True)
    (out,), saved = op.forward(np, [x, w], [], True)
    head = RNG.standard_normal(out.shape)
    expected = op.backward(np, saved, [head], [True, True])
    grads = depthwise.depthwise_backward(np, x, w, (3,), (2,), (1,), (1,), head, [True, True])
    for got, want in zip(grads, expected):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
    monkeypatch.setattr(jit, "ENABLED", False)
    assert depthwise.depthwise_backward(np, x, w, (3,), (2,), (1,), (1,), head, [True, True]) is None
