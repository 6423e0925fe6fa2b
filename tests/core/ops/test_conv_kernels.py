"""Convolution's compiled path (core/backend/cpu/conv_compiled.py, conv_kernels.py)
gives the NumPy path's numbers: outputs and all three gradients, on the wide (stride 1)
and strided grids, with padding, dilation, odd sizes, batch 1, 1-D windows, float32
and float64, split over two pieces and many chunks; and its gradients match finite
differences."""
import numpy as np
import pytest

from core.backend.cpu import conv_compiled, jit, parallel
from core.ops import OPS
from core.testing import check_op_grad

pytestmark = pytest.mark.skipif(not jit.available(), reason="numba is not installed")

RNG = np.random.default_rng(5)

# (attributes, data shape)
CASES = [
    (dict(kernel=(5, 5), num_filter=6), (4, 1, 28, 28)),                          # LeNet conv1
    (dict(kernel=(3, 3), num_filter=16), (3, 6, 12, 12)),                         # LeNet conv2
    (dict(kernel=(3, 3), num_filter=3, pad=(1, 1)), (2, 4, 7, 9)),                # wide + pad
    (dict(kernel=(3, 2), num_filter=2, pad=(2, 1)), (1, 3, 5, 6)),                # batch 1, uneven
    (dict(kernel=(3, 3), num_filter=4, stride=(2, 2), pad=(1, 1)), (3, 3, 9, 8)),  # strided
    (dict(kernel=(3, 3), num_filter=2, dilate=(2, 2), pad=(1, 1)), (2, 3, 9, 7)),  # dilated
    (dict(kernel=(2, 3), num_filter=3, stride=(1, 2), dilate=(2, 1)), (2, 2, 7, 11)),
    (dict(kernel=(7, 7), num_filter=3, stride=(2, 2), pad=(3, 3)), (2, 3, 13, 13)),  # stem-like
    (dict(kernel=(1, 1), num_filter=4, stride=(2, 2)), (2, 3, 7, 7)),             # strided 1×1
    (dict(kernel=(3,), num_filter=3, pad=(1,)), (3, 2, 11)),                      # 1-D wide
    (dict(kernel=(3,), num_filter=2, stride=(2,), dilate=(2,)), (2, 3, 13)),      # 1-D strided
    (dict(kernel=(5, 5), num_filter=3, pad=(1, 1), no_bias=True), (2, 2, 5, 6)),  # kernel > wide limit
]


def _run(attrs, x, w, b, g, needs, compiled):
    op = OPS.get("Convolution")(node_name="c", **attrs)
    inputs = [x, w] if attrs.get("no_bias") else [x, w, b]
    previous = jit.ENABLED
    jit.ENABLED = compiled
    try:
        (out,), saved = op.forward(np, inputs, [], True)
        grads = op.backward(np, saved, [g], needs[:len(inputs)])
    finally:
        jit.ENABLED = previous
    return out, grads


def _data(attrs, shape, dtype):
    op = OPS.get("Convolution")(node_name="c", **attrs)
    shapes, outs, _ = op.infer_shape([shape, None, None])
    x, w = RNG.standard_normal(shape), RNG.standard_normal(shapes[1])
    b, g = RNG.standard_normal(attrs["num_filter"]), RNG.standard_normal(outs[0])
    return [a.astype(dtype) for a in (x, w, b, g)]


@pytest.fixture(params=["one piece", "shared chunks", "fixed chunks"])
def split(request, monkeypatch):
    """One piece and one chunk, or two pieces of small chunks (a short last chunk),
    claimed from one counter or in fixed ranges (big weights: one sum per piece)."""
    if request.param != "one piece":
        monkeypatch.setattr(parallel, "THREADS", 2)
        monkeypatch.setattr(conv_compiled, "SPLIT_MACS", 1)
        monkeypatch.setattr(conv_compiled, "CHUNK_BYTES", 1)
        monkeypatch.setattr(conv_compiled, "MIN_COLUMNS", 1)
    if request.param == "fixed chunks":
        monkeypatch.setattr(conv_compiled, "PARTS_LIMIT", 0)
    return request.param


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("attrs,shape", CASES, ids=[f"{a}-{s}" for a, s in CASES])
def test_compiled_path_matches_numpy(attrs, shape, dtype, split):
    x, w, b, g = _data(attrs, shape, dtype)
    tol = dict(rtol=1e-10, atol=1e-10) if dtype == np.float64 else dict(rtol=2e-4, atol=2e-4)
    for needs in ([True, True, True], [False, True, True], [True, False, False]):
        want_out, want = _run(attrs, x, w, b, g, needs, compiled=False)
        got_out, got = _run(attrs, x, w, b, g, needs, compiled=True)
        assert got_out.dtype == dtype and got_out.shape == want_out.shape
        np.testing.assert_allclose(got_out, want_out, **tol)
        for name, expected, actual in zip(("data", "weight", "bias"), want, got):
            if expected is None:
                assert actual is None, name
                continue
            assert actual.dtype == dtype and actual.shape == expected.shape, name
            np.testing.assert_allclose(actual, expected, err_msg=f"{name} {needs}", **tol)


@pytest.mark.parametrize("attrs,shape", CASES[2:], ids=[f"{a}-{s}" for a, s in CASES[2:]])
def test_compiled_gradients_match_finite_differences(attrs, shape, split):
    op = OPS.get("Convolution")(node_name="c", **attrs)
    shapes, _, _ = op.infer_shape([shape, None, None])
    check_op_grad(op, shapes[:2] if attrs.get("no_bias") else shapes)


def test_compiled_path_serves_the_lenet_layers():
    """The compiled path really runs (not a silent NumPy fallback)."""
    op = OPS.get("Convolution")(node_name="c", kernel=(5, 5), num_filter=6)
    x = np.zeros((128, 1, 28, 28), np.float32)
    assert conv_compiled.compiled(np, x, op._plan(x.shape), op.num_group, op.num_filter)
    grouped = OPS.get("Convolution")(node_name="g", kernel=(3, 3), num_filter=4, num_group=2)
    x = np.zeros((2, 4, 8, 8), np.float32)
    assert not conv_compiled.compiled(np, x, grouped._plan(x.shape), grouped.num_group,
                                      grouped.num_filter)


def test_nan_propagates_through_the_compiled_path():
    x, w, b, g = _data(dict(kernel=(3, 3), num_filter=2), (2, 2, 6, 6), np.float32)
    x[0, 1, 2, 3] = np.nan
    attrs, needs = dict(kernel=(3, 3), num_filter=2), [True, True, True]
    out, grads = _run(attrs, x, w, b, g, needs, compiled=True)
    want_out, want = _run(attrs, x, w, b, g, needs, compiled=False)
    assert np.isnan(out[0]).any() and not np.isnan(out[1]).any()
    assert np.isnan(grads[1][:, 1]).all()
    np.testing.assert_array_equal(np.isnan(out), np.isnan(want_out))
    for expected, actual in zip(want, grads):
        np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))


def test_compiled_path_takes_strided_views():
    """A non-contiguous input (a slice of a bigger array) and gradient give the same
    numbers as contiguous copies."""
    attrs = dict(kernel=(3, 3), num_filter=3, pad=(1, 1))
    x, w, b, g = _data(attrs, (3, 4, 9, 8), np.float64)
    wide_x = np.zeros((3, 8, 11, 8))
    wide_x[:, ::2, 1:10] = x
    wide_g = np.zeros((3, 3, 9, 16))
    wide_g[..., ::2] = g
    view_x, view_g = wide_x[:, ::2, 1:10], wide_g[..., ::2]
    needs = [True, True, True]
    out, grads = _run(attrs, view_x, w, b, view_g, needs, compiled=True)
    want_out, want = _run(attrs, x, w, b, g, needs, compiled=True)
    np.testing.assert_allclose(out, want_out, rtol=1e-12)
    for expected, actual in zip(want, grads):
        np.testing.assert_allclose(actual, expected, rtol=1e-12)


def test_split_gradients_do_not_depend_on_the_core_that_ran_a_chunk(split):
    """Weight and bias gradients are summed in chunk order: repeated runs agree bit for bit."""
    attrs = dict(kernel=(3, 3), num_filter=4, pad=(1, 1))
    x, w, b, g = _data(attrs, (9, 3, 8, 8), np.float32)
    first = _run(attrs, x, w, b, g, [True, True, True], compiled=True)
    for _ in range(5):
        again = _run(attrs, x, w, b, g, [True, True, True], compiled=True)
        np.testing.assert_array_equal(again[0], first[0])
        for a, b_ in zip(again[1], first[1]):
            np.testing.assert_array_equal(a, b_)
