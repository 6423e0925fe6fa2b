"""Issue 23 point 15: Symbol fluent methods, eval, comparisons and bool(); NDArray fluent
methods, inplace= and broadcast_like; Module.bind's TypeError on malformed shapes."""
import numpy as np
import pytest

import core as mx
from core.errors import NotImplementedForSymbol
from tests.core.semantics.mxnet_answers import array, cases, facts

FLUENT_INPUT, NDARRAY_METHODS, SYMBOL_CALLS = cases.FLUENT_INPUT, cases.NDARRAY_METHODS, cases.SYMBOL_CALLS


@pytest.mark.parametrize("name", NDARRAY_METHODS)
def test_ndarray_fluent_methods_match_mxnet(name):
    out = getattr(mx.nd.array(FLUENT_INPUT), name)()
    np.testing.assert_allclose(out.asnumpy(), array(f"fluent/nd/{name}"), rtol=1e-6)


def test_broadcast_like_and_inplace_views():
    x = mx.nd.array(FLUENT_INPUT)
    np.testing.assert_array_equal(x[0:1].broadcast_like(x).asnumpy(), array("fluent/nd/broadcast_like"))
    cube = mx.nd.ones((2, 1, 3))
    for view in (cube.flatten(inplace=True), cube.squeeze(inplace=True), cube.expand_dims(0, inplace=True)):
        view[:] = 5
        assert (cube.asnumpy() == 5).all()
        cube[:] = 1
    copy = cube.squeeze(axis=1)
    copy[:] = 9
    assert copy.shape == (2, 3) and (cube.asnumpy() == 1).all()


@pytest.mark.parametrize("name", sorted(SYMBOL_CALLS))
def test_symbol_fluent_methods_and_comparisons_evaluate_as_in_mxnet(name):
    out = SYMBOL_CALLS[name](mx.sym.Variable("x")).eval(ctx=mx.cpu(), x=mx.nd.array(FLUENT_INPUT))[0]
    assert np.dtype(out.dtype).name == facts()["fluent"][name]
    np.testing.assert_allclose(out.asnumpy(), array(f"fluent/sym/{name}"), rtol=1e-6)


def test_a_symbol_has_no_truth_value():
    x = mx.sym.Variable("x")
    with pytest.raises(NotImplementedForSymbol):
        bool(x)
    with pytest.raises(NotImplementedForSymbol):
        if x > 1:
            pass
    assert isinstance(x == 1, mx.sym.Symbol) and len({x, x}) == 1


@pytest.mark.parametrize("shapes", [("data", (8, 4)), [("data", 5)], [("data", "ab")],
                                    [("data",)], [("data", (8, "x"))], [("data", (8, -4))]])
def test_module_bind_with_malformed_shapes_raises_type_error(shapes):
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2), name="softmax")
    with pytest.raises(TypeError):
        mx.mod.Module(net).bind(data_shapes=shapes, label_shapes=[("softmax_label", (8,))])
