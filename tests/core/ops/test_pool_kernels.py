"""The compiled 2-D pooling kernels (core/backend/cpu/pool_kernels.py) give the NumPy path's
numbers: outputs and gradients for max over padding, strides, overlapping windows, the
full convention, global pooling, ties, odd sizes, batch 1, float32 and float64, split
over two threads or not, and for global avg and sum; plus finite differences through
the compiled path and MXNet's rules for NaN, infinities and padding cells."""
import numpy as np
import pytest

from core.backend.cpu import jit, parallel, pool_kernels
from core.ops import OPS
from core.testing import check_op_grad

pytestmark = pytest.mark.skipif(not jit.available(), reason="numba is not installed")

RNG = np.random.default_rng(5)


CASES = [
    ({"kernel": (2, 2), "stride": (2, 2)}, (3, 2, 6, 6)),                       # LeNet's
    ({"kernel": (2, 2), "stride": (2, 2)}, (1, 3, 7, 5)),                       # odd: a cell left
    ({"kernel": (2, 2)}, (2, 2, 5, 4)),                                         # stride 1
    ({"kernel": (3, 3), "stride": (2, 2)}, (2, 3, 9, 7)),                       # overlapping
    ({"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1)}, (2, 2, 8, 7)),        # ResNet stem
    ({"kernel": (3, 2), "stride": (1, 2), "pad": (1, 0)}, (1, 2, 5, 6)),
    ({"kernel": (3, 3), "stride": (2, 2), "pooling_convention": "full"}, (2, 2, 6, 6)),
    ({"kernel": (2, 2), "stride": (2, 2), "pad": (1, 1), "pooling_convention": "full"},
     (1, 2, 5, 5)),
    ({"kernel": (3, 3), "stride": (3, 3), "pad": (2, 2), "pooling_convention": "full"},
     (1, 1, 4, 4)),                                                             # a window of padding only
    ({"kernel": (4, 3), "pad": (1, 1)}, (2, 2, 2, 3)),                          # one window
    ({"global_pool": True}, (2, 3, 5, 4)),
    ({"kernel": (1, 1)}, (2, 2, 3, 3)),
    ({"kernel": (17, 16)}, (1, 2, 17, 17)),                                     # int32 winners
]
GLOBAL = [case for case in CASES if "global_pool" in case[0]]


def _run(attrs, x, head, compiled, monkeypatch):
    monkeypatch.setattr(jit, "ENABLED", compiled)
    op = OPS.get("Pooling")(node_name="p", **attrs)
    (out,), saved = op.forward(np, [x], [], True)
    (out_infer,), _ = op.forward(np, [x], [], False)
    np.testing.assert_array_equal(out, out_infer)
    grad = op.backward(np, saved, [head(out.shape, out.dtype)], [True])[0]
    return out, grad


def _compare(attrs, x, monkeypatch, rtol):
    heads = {}

    def head(shape, dtype):
        if shape not in heads:
            heads[shape] = RNG.standard_normal(shape)
        return heads[shape].astype(dtype)

    out, grad = _run(attrs, x, head, True, monkeypatch)
    want_out, want_grad = _run(attrs, x, head, False, monkeypatch)
    assert out.dtype == want_out.dtype == x.dtype and grad.shape == x.shape
    np.testing.assert_allclose(out, want_out, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(grad, want_grad, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("pool_type,attrs,shape", [("max",) + c for c in CASES] + [
    (kind,) + c for kind in ("avg", "sum") for c in GLOBAL], ids=str)
def test_compiled_matches_numpy(attrs, shape, pool_type, dtype, monkeypatch):
    x = RNG.standard_normal(shape).astype(dtype)
    _compare({**attrs, "pool_type": pool_type}, x, monkeypatch,
             1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("attrs,shape", CASES[:8], ids=[str(c) for c in CASES[:8]])
def test_ties_go_to_the_first_cell(attrs, shape, monkeypatch):
    # few distinct values: most windows hold several equal maxima
    x = RNG.integers(0, 3, shape).astype(np.float64)
    _compare({**attrs, "pool_type": "max"}, x, monkeypatch, 1e-14)
    monkeypatch.setattr(jit, "ENABLED", True)
    op = OPS.get("Pooling")(node_name="p", kernel=(2, 2), stride=(2, 2))
    _, saved = op.forward(np, [np.ones((1, 1, 2, 2), np.float32)], [], True)
    grad = op.backward(np, saved, [np.ones((1, 1, 1, 1), np.float32)], [True])[0]
    assert grad.ravel().tolist() == [1, 0, 0, 0]


@pytest.mark.parametrize("pool_type,attrs,shape", [("max",) + c for c in CASES[:6]] + [
    ("avg",) + c for c in GLOBAL], ids=str)
def test_split_over_two_threads(attrs, shape, pool_type, monkeypatch):
    monkeypatch.setattr(parallel, "THREADS", 2)
    monkeypatch.setattr(parallel, "SPLIT_ELEMENTS", 1)
    x = RNG.standard_normal((5,) + shape[1:])
    _compare({**attrs, "pool_type": pool_type}, x, monkeypatch, 1e-12)


# (not the cases with a window of padding only: its max is the lowest float)
@pytest.mark.parametrize("pool_type,attrs,shape", [("max",) + c for c in CASES[:7] + CASES[9:12]] + [
    (kind,) + c for kind in ("avg", "sum") for c in GLOBAL], ids=str)
def test_compiled_gradient_matches_finite_differences(attrs, shape, pool_type, monkeypatch):
    monkeypatch.setattr(jit, "ENABLED", True)
    op = OPS.get("Pooling")(node_name="p", pool_type=pool_type, **attrs)
    check_op_grad(op, [shape])


def test_channels_last_memory_and_broadcast_gradient(monkeypatch):
    x = np.moveaxis(np.ascontiguousarray(np.moveaxis(RNG.standard_normal((2, 3, 6, 6)), 1, -1)), -1, 1)
    _compare({"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1), "pool_type": "max"},
             x, monkeypatch, 1e-12)
    for pool_type in ("max", "avg", "sum"):
        _compare({"global_pool": True, "pool_type": pool_type}, x, monkeypatch, 1e-12)
    monkeypatch.setattr(jit, "ENABLED", True)
    op = OPS.get("Pooling")(node_name="p", global_pool=True, pool_type="avg")
    (out,), saved = op.forward(np, [np.ascontiguousarray(x)], [], True)
    grad = op.backward(np, saved, [np.broadcast_to(np.float64(36), out.shape)], [True])[0]
    np.testing.assert_allclose(grad, np.ones(x.shape))


def test_nan_propagates_and_the_first_nan_wins(monkeypatch):
    monkeypatch.setattr(jit, "ENABLED", True)
    x = RNG.standard_normal((2, 2, 6, 6))
    x[0, 0, 0, 1] = x[0, 0, 1, 0] = np.nan      # two NaNs in one 2×2 window
    x[1, 1, 3, 3] = np.nan
    x[1, 0, 2, 2] = np.inf                      # infinities are numbers: the largest wins
    x[1, 0, 4, 4] = -np.inf
    op = OPS.get("Pooling")(node_name="p", kernel=(2, 2), stride=(2, 2))
    (out,), saved = op.forward(np, [x], [], True)
    monkeypatch.setattr(jit, "ENABLED", False)
    (want,), _ = op.forward(np, [x], [], True)
    np.testing.assert_array_equal(out, want)    # NaN where a window holds NaN
    assert np.isnan(out[0, 0, 0, 0]) and np.isnan(out[1, 1, 1, 1]) and out[1, 0, 1, 1] == np.inf
    grad = op.backward(np, saved, [np.ones(out.shape)], [True])[0]
    assert grad[0, 0, 0, 1] == 1 and grad[0, 0, 1, 0] == 0 and grad[1, 1, 3, 3] == 1
    assert grad[1, 0, 2, 2] == 1
    np.testing.assert_array_equal(grad.reshape(2, 2, 3, 2, 3, 2).sum(axis=(3, 5)), np.ones(out.shape))
    # the same through a 3×3 window (the general loop) and the border
    op = OPS.get("Pooling")(node_name="p", kernel=(3, 3), stride=(2, 2), pad=(1, 1))
    (out,), saved = op.forward(np, [x], [], True)
    monkeypatch.setattr(jit, "ENABLED", True)
    (got,), saved = op.forward(np, [x], [], True)
    np.testing.assert_array_equal(got, out)


def test_padding_never_wins(monkeypatch):
    monkeypatch.setattr(jit, "ENABLED", True)
    lowest = np.finfo(np.float32).min
    x = np.full((1, 1, 4, 4), lowest, np.float32)
    op = OPS.get("Pooling")(node_name="p", kernel=(3, 3), stride=(2, 2), pad=(1, 1))
    (out,), saved = op.forward(np, [x], [], True)
    assert (out == lowest).all()
    grad = op.backward(np, saved, [np.ones(out.shape, np.float32)], [True])[0]
    assert grad.sum() == out.size and grad[0, 0, 0, 0] == 1   # every window: a real cell


def test_relu_compiled_matches_numpy(monkeypatch):
    x = RNG.standard_normal((3, 4, 5, 6)).astype(np.float32)
    x[0, 0, 0, :3] = [np.nan, 0.0, -0.0]
    head = RNG.standard_normal(x.shape).astype(np.float32)
    results = []
    for compiled in (True, False):
        monkeypatch.setattr(jit, "ENABLED", compiled)
        for name, attrs in (("Activation", {"act_type": "relu"}), ("relu", {})):
            op = OPS.get(name)(node_name="r", **attrs)
            (out,), saved = op.forward(np, [x], [], True)
            results.append((out, op.backward(np, saved, [head], [True])[0]))
    for out, grad in results[1:]:
        np.testing.assert_array_equal(out, results[0][0])
        np.testing.assert_array_equal(grad, results[0][1])


@pytest.mark.parametrize("pool_type", ["avg", "sum"])
def test_global_avg_and_sum_take_the_map_kernels(pool_type, monkeypatch):
    x = RNG.standard_normal((2, 5, 7, 7)).astype(np.float32)
    op = OPS.get("Pooling")(node_name="p", global_pool=True, pool_type=pool_type)
    monkeypatch.setattr(jit, "ENABLED", True)
    (out,), saved = op.forward(np, [x], [], True)
    assert isinstance(saved[2], pool_kernels.Saved)
    _compare({"global_pool": True, "pool_type": pool_type}, x, monkeypatch, 1e-5)
