"""The speed paths give the same numbers as the plain ones: kernels split over threads
(forced here on small arrays), convolutions over sample chunks, 1×1 and depthwise
convolutions on channels-last memory, and constant padding that keeps memory order."""
import numpy as np
import pytest

from core.backend.cpu import parallel
from core.ops import OPS
from core.ops import conv as conv_module
from core.testing import check_op_grad

from . import naive_spatial as naive

RNG = np.random.default_rng(11)


@pytest.fixture
def split_everything(monkeypatch):
    """Two pieces for every kernel and one sample per convolution chunk."""
    monkeypatch.setattr(parallel, "THREADS", 2)
    monkeypatch.setattr(parallel, "SPLIT_MACS", 1)
    monkeypatch.setattr(parallel, "SPLIT_ELEMENTS", 1)
    monkeypatch.setattr(conv_module, "CHUNK_BYTES", 1)


def test_split_matrix_products_match_numpy(split_everything):
    a, b = RNG.standard_normal((5, 7)), RNG.standard_normal((7, 9))
    np.testing.assert_allclose(parallel.matmul(np, a, b), a @ b, rtol=1e-12)
    np.testing.assert_allclose(parallel.matmul(np, b.T, a.T), b.T @ a.T, rtol=1e-12)
    long_a, long_b = RNG.standard_normal((3, 5000)), RNG.standard_normal((4, 5000))
    np.testing.assert_allclose(parallel.matmul_nt_sum(np, long_a, long_b), long_a @ long_b.T,
                               rtol=1e-10)


def test_split_runs_raise_the_first_error(split_everything):
    def task(lo, hi):
        raise ValueError(f"piece {lo}")
    with pytest.raises(ValueError, match="piece"):
        parallel.run(task, parallel.ranges(4, 2))


CASES = [
    dict(kernel=(3, 3), num_filter=3),                                    # wide columns
    dict(kernel=(3, 3), num_filter=2, stride=(2, 2), pad=(1, 1)),         # strided
    dict(kernel=(3, 3), num_filter=4, num_group=2, pad=(1, 1)),           # groups
    dict(kernel=(1, 1), num_filter=3),                                    # pointwise
]


@pytest.mark.parametrize("attrs", CASES, ids=str)
def test_split_convolution_matches_direct_loops(attrs, split_everything):
    x = RNG.standard_normal((3, 4, 6, 5))
    groups = attrs.get("num_group", 1)
    w = RNG.standard_normal((attrs["num_filter"], 4 // groups, *attrs["kernel"]))
    b = RNG.standard_normal(attrs["num_filter"])
    op = OPS.get("Convolution")(node_name="c", **attrs)
    (out,), _ = op.forward(np, [x, w, b], [], True)
    expected = naive.conv2d(x, w, b, attrs.get("stride", (1, 1)), attrs.get("pad", (0, 0)),
                            (1, 1), groups)
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)
    check_op_grad(op, [x.shape, w.shape, b.shape])


def test_pointwise_convolution_on_channels_last_memory():
    # an NCHW-shaped view of NHWC memory, as a depthwise convolution or BatchNorm gives
    x = np.moveaxis(np.ascontiguousarray(np.moveaxis(RNG.standard_normal((2, 3, 5, 4)), 1, -1)), -1, 1)
    w, b = RNG.standard_normal((6, 3, 1, 1)), RNG.standard_normal(6)
    op = OPS.get("Convolution")(node_name="c", kernel=(1, 1), num_filter=6)
    (out,), saved = op.forward(np, [x, w, b], [], True)
    np.testing.assert_allclose(out, naive.conv2d(x, w, b, (1, 1), (0, 0), (1, 1), 1), rtol=1e-10)
    head = RNG.standard_normal(out.shape)
    grad_x, grad_w, grad_b = op.backward(np, saved, [head], [True, True, True])
    np.testing.assert_allclose(grad_w[:, :, 0, 0], np.einsum("nfhw,nchw->fc", head, x), rtol=1e-10)
    np.testing.assert_allclose(grad_x, np.einsum("nfhw,fc->nchw", head, w[:, :, 0, 0]), rtol=1e-10)
    np.testing.assert_allclose(grad_b, head.sum(axis=(0, 2, 3)), rtol=1e-10)


@pytest.mark.parametrize("stride,multiplier", [((1, 1), 1), ((2, 2), 2)], ids=str)
def test_split_depthwise_inference_matches_direct_loops(stride, multiplier, split_everything):
    x = RNG.standard_normal((1, 4, 7, 6)).astype(np.float32)
    w = RNG.standard_normal((4 * multiplier, 1, 3, 3)).astype(np.float32)
    b = RNG.standard_normal(4 * multiplier).astype(np.float32)
    op = OPS.get("Convolution")(node_name="dw", kernel=(3, 3), stride=stride, pad=(1, 1),
                                num_group=4, num_filter=4 * multiplier)
    (out,), saved = op.forward(np, [x, w, b], [], False)
    assert saved is None and out.dtype == np.float32
    np.testing.assert_allclose(out, naive.conv2d(x, w, b, stride, (1, 1), (1, 1), 4), rtol=1e-5, atol=1e-5)


def test_constant_pad_keeps_channels_last_memory_and_values():
    x = np.moveaxis(np.ascontiguousarray(np.moveaxis(RNG.standard_normal((1, 3, 4, 5)), 1, -1)), -1, 1)
    op = OPS.get("Pad")(node_name="p", mode="constant", constant_value=2.5,
                        pad_width=(0, 0, 0, 0, 1, 2, 0, 1))
    (out,), _ = op.forward(np, [x], [], False)
    expected = np.pad(x, ((0, 0), (0, 0), (1, 2), (0, 1)), constant_values=2.5)
    np.testing.assert_array_equal(out, expected)
    assert np.moveaxis(out, 1, -1).flags.c_contiguous     # channels-last, like its input


@pytest.mark.parametrize("kernel,stride,pad", [((2, 2), (2, 2), (0, 0)), ((3, 3), (2, 2), (1, 1))], ids=str)
def test_split_max_pooling_matches_direct_loops(kernel, stride, pad, split_everything):
    x = RNG.integers(0, 3, (3, 2, 5, 6)).astype(np.float64)   # ties: the first maximum wins
    op = OPS.get("Pooling")(node_name="p", kernel=kernel, stride=stride, pad=pad)
    (out,), saved = op.forward(np, [x], [], True)
    np.testing.assert_allclose(out, naive.pool2d(x, kernel, stride, pad, "max"))
    head = RNG.standard_normal(out.shape)
    (grad,) = op.backward(np, saved, [head], [True])
    np.testing.assert_allclose(grad, naive.max_pool2d_grad(x, head, kernel, stride, pad, "valid"))


def test_split_relu_matches_numpy(split_everything):
    x = RNG.standard_normal((4, 3, 2, 2))
    op = OPS.get("Activation")(node_name="r", act_type="relu")
    (out,), saved = op.forward(np, [x], [], True)
    np.testing.assert_array_equal(out, np.maximum(x, 0))
    head = RNG.standard_normal(x.shape)
    np.testing.assert_array_equal(op.backward(np, saved, [head], [True])[0], head * (x > 0))


def test_one_core_keeps_work_in_one_piece():
    big = 100 * parallel.SPLIT_ELEMENTS
    outside = parallel.parts_for(np, big, parallel.SPLIT_ELEMENTS)
    with parallel.one_core():
        assert parallel.parts_for(np, big, parallel.SPLIT_ELEMENTS) == 1
    assert parallel.parts_for(np, big, parallel.SPLIT_ELEMENTS) == outside == parallel.THREADS
