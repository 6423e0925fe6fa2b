"""Convolution inference in bands of output rows (core/backend/cpu/conv_bands.py) and
as Winograd F(2×2, 3×3) (winograd.py) gives the NumPy path's numbers: padding, strides,
dilation, uneven kernels, odd sizes, batches, float32 and float64, strided views, one
unit or many shared by two pieces, with no activation, relu or leaky relu in its
epilogue; and the executor hands it the activation after a convolution (or its folded
BatchNorm) with the same results as running every layer."""
import numpy as np
import pytest

import core as mx
from core import executor_passes
from core.backend.cpu import conv_bands, jit, parallel, winograd
from core.ops import OPS

pytestmark = pytest.mark.skipif(not jit.available(), reason="numba is not installed")

RNG = np.random.default_rng(7)

# (attributes, data shape)
CASES = [
    (dict(kernel=(3, 3), num_filter=5, pad=(1, 1)), (1, 4, 9, 11)),                  # NanoDet-like
    (dict(kernel=(3, 3), num_filter=4, stride=(2, 2), pad=(1, 1)), (2, 3, 9, 8)),    # strided
    (dict(kernel=(3, 2), num_filter=2, pad=(2, 1)), (1, 3, 5, 6)),                   # uneven
    (dict(kernel=(3, 3), num_filter=2, dilate=(2, 2), pad=(1, 1)), (2, 3, 9, 7)),    # dilated
    (dict(kernel=(7, 7), num_filter=3, stride=(2, 2), pad=(3, 3)), (2, 3, 13, 13)),  # ResNet stem
    (dict(kernel=(1, 1), num_filter=4, stride=(2, 2)), (2, 3, 7, 7)),                # strided 1×1
    (dict(kernel=(5, 5), num_filter=3, no_bias=True), (3, 2, 6, 7)),                 # no pad, no bias
]


@pytest.fixture(params=["one unit", "many units, two pieces", "whole samples, two pieces"])
def split(request, monkeypatch):
    """One unit (all samples in one GEMM); one-row bands of one sample; or units of
    whole samples (a GEMM over several, then moved into their planes), two pieces."""
    if request.param != "one unit":
        monkeypatch.setattr(parallel, "THREADS", 2)
        monkeypatch.setattr(conv_bands, "SPLIT_MACS", 1)
    if request.param == "many units, two pieces":
        monkeypatch.setattr(conv_bands, "COLUMN_BYTES", 1)
        monkeypatch.setattr(conv_bands, "MIN_COLUMNS", 1)
    return request.param


def _numpy_inference(op, inputs, slope, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(jit, "ENABLED", False)
        (out,), _ = op.forward(np, inputs, [], False)
    if slope is not None:
        out = np.maximum(out, 0) if slope == 0 else np.maximum(out, out * out.dtype.type(slope))
    return out


@pytest.mark.parametrize("slope", [None, 0.0, 0.1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("attrs,shape", CASES, ids=[f"{a}-{s}" for a, s in CASES])
def test_banded_inference_matches_numpy(attrs, shape, dtype, slope, split, monkeypatch):
    op = OPS.get("Convolution")(node_name="c", **attrs)
    shapes, outs, _ = op.infer_shape([shape, None, None])
    inputs = [RNG.standard_normal(s).astype(dtype) for s in shapes]
    assert conv_bands.compiled(np, inputs[0], op._plan(shape), op.num_group)
    (got,), keep = op.compute(np, inputs[0], inputs[1], None if op.no_bias else inputs[2], False, slope)
    want = _numpy_inference(op, inputs, slope, monkeypatch)
    assert keep is None and got.dtype == dtype and got.shape == tuple(outs[0]) and got.flags.c_contiguous
    tol = dict(rtol=1e-10, atol=1e-10) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got, want, **tol)


WINOGRAD_CASES = [
    (dict(kernel=(3, 3), num_filter=5, pad=(1, 1)), (1, 4, 9, 11)),     # odd sizes: half tiles
    (dict(kernel=(3, 3), num_filter=3, pad=(1, 1)), (2, 6, 8, 8)),      # batch, even sizes
    (dict(kernel=(3, 3), num_filter=2), (1, 3, 7, 10)),                 # no pad
    (dict(kernel=(3, 3), num_filter=2, pad=(2, 1), no_bias=True), (2, 2, 5, 4)),
    (dict(kernel=(3, 3), num_filter=3, pad=(1, 1)), (5, 2, 7, 7)),      # ResNet's 7×7, odd batch
]


@pytest.mark.parametrize("slope", [None, 0.0, 0.1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("attrs,shape", WINOGRAD_CASES, ids=[f"{a}-{s}" for a, s in WINOGRAD_CASES])
def test_winograd_inference_matches_numpy(attrs, shape, dtype, slope, split, monkeypatch):
    monkeypatch.setattr(winograd, "MIN_CHANNELS", 1)
    monkeypatch.setattr(winograd, "MIN_TILES_PER_CALL", 1)
    if split != "one unit":
        monkeypatch.setattr(winograd, "SPLIT_MACS", 1)
    if split == "many units, two pieces":
        monkeypatch.setattr(winograd, "UNIT_BYTES", 1)
        monkeypatch.setattr(winograd, "MIN_TILES", 1)
    op = OPS.get("Convolution")(node_name="c", **attrs)
    shapes, outs, _ = op.infer_shape([shape, None, None])
    inputs = [RNG.standard_normal(s).astype(dtype) for s in shapes]
    assert winograd.compiled(np, inputs[0], op._plan(shape), op.num_filter)
    (got,), _ = op.compute(np, inputs[0], inputs[1], None if op.no_bias else inputs[2], False, slope)
    want = _numpy_inference(op, inputs, slope, monkeypatch)
    assert got.dtype == dtype and got.shape == tuple(outs[0]) and got.flags.c_contiguous
    tol = dict(rtol=1e-10, atol=1e-10) if dtype == np.float64 else dict(rtol=1e-5, atol=2e-5)
    np.testing.assert_allclose(got, want, **tol)


def test_winograd_serves_nanodet_sized_layers_only():
    """Big 3×3 stride-1 layers take it; one 13×13 map, strided and thin layers do not."""
    def takes(shape, **attrs):
        op = OPS.get("Convolution")(node_name="c", kernel=(3, 3), pad=(1, 1), **attrs)
        return winograd.compiled(np, np.zeros(shape, np.float32), op._plan(shape), op.num_filter)

    assert takes((1, 128, 52, 52), num_filter=128)
    assert not takes((1, 128, 13, 13), num_filter=128)
    assert takes((4, 128, 13, 13), num_filter=128)          # a batch: whole samples per unit
    assert not takes((1, 128, 52, 52), num_filter=128, stride=(2, 2))
    assert not takes((1, 3, 52, 52), num_filter=128)


def test_banded_inference_reads_strided_views(split, monkeypatch):
    """A channels-last picture (an NCHW view) and a slice give the contiguous copy's numbers."""
    op = OPS.get("Convolution")(node_name="c", kernel=(3, 3), num_filter=3, pad=(1, 1))
    nhwc = RNG.standard_normal((2, 6, 7, 4)).astype(np.float32)
    x = nhwc.transpose(0, 3, 1, 2)[:, 1:]                      # (2, 3, 6, 7), not contiguous
    w, b = RNG.standard_normal((3, 3, 3, 3)).astype(np.float32), RNG.standard_normal(3).astype(np.float32)
    (got,), _ = op.forward(np, [x, w, b], [], False)
    (want,), _ = op.forward(np, [np.ascontiguousarray(x), w, b], [], False)
    np.testing.assert_array_equal(got, want)


def test_nan_and_inf_propagate_through_the_epilogue():
    op = OPS.get("Convolution")(node_name="c", kernel=(3, 3), num_filter=2, pad=(1, 1))
    x = np.zeros((1, 1, 6, 6), np.float32)
    x[0, 0, 2, 2], x[0, 0, 4, 4] = np.nan, -np.inf
    w, b = np.ones((2, 1, 3, 3), np.float32), np.zeros(2, np.float32)
    w[1] = -1
    for slope in (0.0, 0.1):
        (out,), _ = op.compute(np, x, w, b, False, slope)
        assert np.isnan(out[:, :, 1:4, 1:4]).all()          # every window over the NaN
        assert out[0, 0, 5, 5] == (0 if slope == 0 else -np.inf)   # relu(-inf) = 0
        assert out[0, 1, 5, 5] == np.inf
        assert out[0, 0, 0, 5] == 0


def test_training_forward_keeps_the_compiled_training_path():
    op = OPS.get("Convolution")(node_name="c", kernel=(3, 3), num_filter=2, pad=(1, 1))
    x = RNG.standard_normal((2, 3, 6, 6)).astype(np.float32)
    w, b = RNG.standard_normal((2, 3, 3, 3)).astype(np.float32), np.zeros(2, np.float32)
    (train,), keep = op.forward(np, [x, w, b], [], True)
    (infer,), none = op.forward(np, [x, w, b], [], False)
    assert keep is not None and none is None
    np.testing.assert_allclose(train, infer, rtol=1e-5, atol=1e-5)


def activation_net():
    """conv → leaky relu (NanoDet), conv → BatchNorm → relu (ResNet), conv → BatchNorm →
    clip (no epilogue: the clip is folded instead), a relu read twice (not fused)."""
    data = mx.sym.Variable("data")
    x = mx.sym.Convolution(data, kernel=(3, 3), pad=(1, 1), num_filter=4, name="c1")
    x = mx.sym.LeakyReLU(x, act_type="leaky", slope=0.1, name="leaky1")
    y = mx.sym.Convolution(x, kernel=(3, 3), pad=(1, 1), num_filter=4, no_bias=True, name="c2")
    y = mx.sym.BatchNorm(y, fix_gamma=False, name="bn2")
    y = mx.sym.Activation(y, act_type="relu", name="relu2")
    z = mx.sym.Convolution(y, kernel=(3, 3), stride=(2, 2), num_filter=4, no_bias=True, name="c3")
    z = mx.sym.BatchNorm(z, fix_gamma=False, name="bn3")
    z = mx.sym.clip(z, a_min=0.0, a_max=6.0, name="relu6")
    c4 = mx.sym.Convolution(z, kernel=(3, 3), pad=(1, 1), num_filter=4, name="c4")
    return mx.sym.relu(c4, name="a") + mx.sym.relu(c4, name="b")


def _bound(net, shape=(2, 3, 10, 10)):
    rng = np.random.default_rng(5)
    exe = net.simple_bind(mx.cpu(), grad_req="null", data=shape)
    for name, array in list(exe.arg_dict.items()) + list(exe.aux_dict.items()):
        values = rng.uniform(0.5, 1.5, array.shape) if name.endswith("var") else rng.normal(0, 1, array.shape)
        array[:] = values.astype(np.float32)
    return exe


@pytest.mark.parametrize("compiled", [True, False])
def test_activation_in_the_convolution_epilogue_gives_every_layers_result(compiled, monkeypatch):
    monkeypatch.setattr(jit, "ENABLED", compiled)
    monkeypatch.setattr(executor_passes, "FOLD_RATIO", 0)          # fold whatever the sizes
    exe = _bound(activation_net())
    names = {exe._steps[c].node.name: exe._steps[a].node.name for c, a in exe._epilogues.items()}
    assert names == {"c1": "leaky1", "c2": "relu2"}
    fused = exe.forward(is_train=False)[0].asnumpy()
    again = exe.forward(is_train=False)[0].asnumpy()
    exe.set_monitor_callback(lambda name, array: None)             # every layer on its own
    plain = exe.forward(is_train=False)[0].asnumpy()
    np.testing.assert_allclose(fused, plain, rtol=1e-5, atol=1e-4)
    np.testing.assert_array_equal(again, fused)


def test_winograd_keeps_a_nan_visible(monkeypatch):
    """A NaN in the input makes every output whose window holds it NaN (Winograd may
    spread it to the rest of its 2×2 tile: a diverging input stays visible, never hidden)."""
    monkeypatch.setattr(winograd, "MIN_CHANNELS", 1)
    monkeypatch.setattr(winograd, "MIN_TILES_PER_CALL", 1)
    op = OPS.get("Convolution")(node_name="c", kernel=(3, 3), num_filter=2, pad=(1, 1))
    x = RNG.standard_normal((1, 2, 8, 8)).astype(np.float32)
    x[0, 1, 4, 5] = np.nan
    w, b = RNG.standard_normal((2, 2, 3, 3)).astype(np.float32), np.zeros(2, np.float32)
    (out,), _ = op.compute(np, x, w, b, False, 0.1)
    assert np.isnan(out[:, :, 3:6, 4:7]).all()
    assert not np.isnan(out[:, :, :2]).any() and not np.isnan(out[:, :, :, :4]).any()


def test_a_picture_gives_the_same_numbers_in_any_batch():
    """Bit for bit: a GEMM over several samples would round differently by batch size."""
    op = OPS.get("Convolution")(node_name="c", kernel=(5, 5), num_filter=6)
    x = RNG.uniform(0, 1, (10, 1, 28, 28)).astype(np.float32)
    w, b = RNG.standard_normal((6, 1, 5, 5)).astype(np.float32), RNG.standard_normal(6).astype(np.float32)
    (ten,), _ = op.compute(np, x, w, b, False, 0.0)
    fours = [op.compute(np, x[i:i + 4], w, b, False, 0.0)[0][0] for i in (0, 4)]
    (two,), _ = op.compute(np, x[8:], w, b, False, 0.0)
    np.testing.assert_array_equal(np.concatenate(fours + [two]), ten)
