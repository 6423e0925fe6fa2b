"""histogram, split_v2, Correlation, choose/fill_element_0index, all_finite and
reset_arrays as an MXNet 1.9.1 script calls them (mx.nd.X / mx.sym.X): MXNet's arguments,
results (values from MXNet 1.9.1's documentation and runs), node names and errors."""
import json

import numpy as np
import pytest

import core as mx
from core.errors import GraphError, ShapeError

DATA = np.array([[0.0, 1.0], [2.0, 2.0], [3.0, 4.0]])


def test_histogram_with_equal_bins_with_edges_and_without_range():
    counts, edges = mx.nd.histogram(mx.nd.array(DATA), bins=5, range=(0, 5))
    assert counts.dtype == np.int64 and counts.asnumpy().tolist() == [1, 1, 2, 1, 1]
    np.testing.assert_allclose(edges.asnumpy(), [0, 1, 2, 3, 4, 5])
    counts, edges = mx.nd.histogram(mx.nd.array(DATA), bins=mx.nd.array([0.0, 2.1, 3.0]))
    assert counts.asnumpy().tolist() == [4, 1]
    # no range: NumPy's answer, as float32 arrays (MXNet's mx.nd.array of it)
    counts, edges = mx.nd.histogram(mx.nd.array([1.0, 2.0, 2.0, 3.0, 7.0]), bins=3)
    assert counts.dtype == np.float32 and counts.asnumpy().tolist() == [3, 1, 1]
    np.testing.assert_allclose(edges.asnumpy(), [1, 3, 5, 7])


def test_histogram_symbol_names_its_outputs_as_mxnet_and_needs_a_range():
    with mx.name.NameManager():
        hist = mx.sym.histogram(mx.sym.var("a"), bins=3, range=(0, 6))
    assert hist.list_outputs() == ["_histogram0_output0", "_histogram0_output1"]
    assert hist.list_arguments() == ["a"]
    assert hist.infer_type(a="float64")[1] == [np.int64, np.float64]   # as MXNet's
    assert mx.sym.all_finite(mx.sym.var("a")).infer_type(a="float64")[1] == [np.float32]
    counts, edges = hist.eval(ctx=mx.cpu(), a=mx.nd.array([1.0, 2.0, 2.0, 3.0, 7.0]))
    assert counts.asnumpy().tolist() == [1, 3, 0]
    edged = mx.sym.histogram(mx.sym.var("a"), bins=mx.sym.var("b"))
    assert edged.list_arguments() == ["a", "b"]
    assert edged.infer_shape(a=(3, 2), b=(4,))[1] == [(3,), (4,)]
    with pytest.raises(GraphError, match="needs range"):
        mx.sym.histogram(mx.sym.var("a"), bins=3)
    with pytest.raises(GraphError, match="bin_cnt and range together"):
        mx.nd._histogram(mx.nd.array(DATA), bin_cnt=3)


def test_split_v2_cuts_at_indices_or_into_sections():
    x = mx.nd.array(np.arange(14.0).reshape(7, 2))
    parts = mx.nd.split_v2(x, (2, 5))
    assert [p.shape for p in parts] == [(2, 2), (3, 2), (2, 2)]
    np.testing.assert_array_equal(parts[1].asnumpy(), np.arange(4.0, 10.0).reshape(3, 2))
    squeezed = mx.nd.split_v2(x, 2, axis=1, squeeze_axis=True)
    assert [p.shape for p in squeezed] == [(7,), (7,)]
    with pytest.raises(GraphError, match="equal division"):
        mx.nd.split_v2(x, 3)
    # a Symbol divides unevenly as MXNet's sections: the first parts one longer
    net = mx.sym.split_v2(mx.sym.var("x"), 3, axis=0)
    assert net.infer_shape(x=(7, 2))[1] == [(3, 2), (2, 2), (2, 2)]
    assert json.loads(net.tojson())["nodes"][1]["attrs"]["sections"] == "3"
    # the fluent methods call the same functions
    assert [p.shape for p in x.split_v2((3,))] == [(3, 2), (4, 2)]
    assert mx.sym.var("x").split_v2(2, axis=1).infer_shape(x=(7, 2))[1] == [(7, 1), (7, 1)]
    with pytest.raises(ShapeError, match="do not cut an axis of size 7"):
        mx.sym.split_v2(mx.sym.var("x"), (2, 9), axis=0).infer_shape(x=(7, 2))


def test_correlation_compares_displaced_patches():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((1, 2, 4, 4))
    net = mx.sym.Correlation(mx.sym.var("a"), mx.sym.var("b"), max_displacement=1, pad_size=1)
    out = net.eval(ctx=mx.cpu(), a=mx.nd.array(a), b=mx.nd.array(a))[0].asnumpy()
    assert out.shape == (1, 9, 4, 4)
    # displacement (0, 0) is channel 4: the mean square over channels
    np.testing.assert_allclose(out[0, 4], (a[0] ** 2).mean(axis=0), rtol=1e-5)
    # the patch moved one column right: data2 shifted left by one column matches it
    shifted = np.zeros_like(a)
    shifted[..., :-1] = a[..., 1:]
    moved = net.eval(ctx=mx.cpu(), a=mx.nd.array(a), b=mx.nd.array(shifted))[0].asnumpy()
    np.testing.assert_allclose(moved[0, 3, :, 1:], (a[0, :, :, 1:] * a[0, :, :, 1:]).mean(axis=0), rtol=1e-5)
    assert json.loads(net.tojson())["node_row_ptr"] == [0, 1, 2, 5]   # output + MXNet's 2 hidden ones
    with pytest.raises(GraphError, match="kernel_size=2 must be odd"):
        mx.sym.Correlation(mx.sym.var("a"), mx.sym.var("b"), kernel_size=2)


def test_choose_and_fill_element_0index():
    a = mx.nd.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    index = mx.nd.array([2.0, 0.0])
    assert mx.nd.choose_element_0index(a, index).asnumpy().tolist() == [3.0, 4.0]
    filled = mx.nd.fill_element_0index(a, mx.nd.array([9.0, 8.0]), index)
    assert filled.asnumpy().tolist() == [[1.0, 2.0, 9.0], [8.0, 5.0, 6.0]]
    assert a.asnumpy().tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]   # lhs unchanged
    net = mx.sym.fill_element_0index(lhs=mx.sym.var("a"), mhs=mx.sym.var("v"), rhs=mx.sym.var("i"))
    assert net.infer_shape(a=(2, 3))[0] == [(2, 3), (2,), (2,)]
    with pytest.raises(ShapeError, match="vectors mhs and rhs"):
        net.infer_shape(a=(2, 3), v=(3,), i=(2,))


def test_all_finite_and_reset_arrays():
    assert mx.nd.all_finite(mx.nd.array([1.0, 2.0])).asnumpy().tolist() == [1.0]
    flag = mx.nd.all_finite(mx.nd.array([1.0, np.nan]))
    assert flag.dtype == np.float32 and flag.asnumpy().tolist() == [0.0]
    # init_output=False chains through out=: stays 1 while finite, 0 once not
    flag = mx.nd.ones((1,))
    mx.nd.all_finite(mx.nd.array([1.0]), init_output=False, out=flag)
    assert flag.asnumpy().tolist() == [1.0]
    mx.nd.all_finite(mx.nd.array([np.inf]), init_output=False, out=flag)
    mx.nd.all_finite(mx.nd.array([1.0]), init_output=False, out=flag)
    assert flag.asnumpy().tolist() == [0.0]
    a, b = mx.nd.ones((2, 3)), mx.nd.array([5.0, -1.0])
    mx.nd.reset_arrays(a, b, num_arrays=2)
    assert not a.asnumpy().any() and not b.asnumpy().any()
