"""Issue 23 points 1 and 10: PReLU's gamma (init 0.25, MXNet's shapes) and float16
activations computed with float32 accumulation."""
import math

import numpy as np
import pytest

import core as mx
from core.testing import check_numeric_gradient
from tests.core.semantics.mxnet_answers import array, facts


def test_prelu_gamma_starts_at_a_quarter_as_mxnet_initialises_it():
    s = mx.sym.LeakyReLU(mx.sym.Variable("data"), act_type="prelu", name="p")
    assert s.attr_dict()["p_gamma"]["__init__"] == facts()["prelu"]["gamma_attrs"]["__init__"]
    mod = mx.mod.Module(s, label_names=None)
    mod.bind([("data", (2, 3, 4))])
    mod.init_params()
    assert mod.get_params()[0]["p_gamma"].asnumpy().tolist() == facts()["prelu"]["default_gamma"]


@pytest.mark.parametrize("layout", ["full", "leading", "channel"])
def test_prelu_accepts_the_gamma_shapes_mxnet_accepts(layout):
    x, gamma = array(f"prelu/{layout}/x"), array(f"prelu/{layout}/gamma")
    out = mx.nd.LeakyReLU(mx.nd.array(x), mx.nd.array(gamma), act_type="prelu")
    np.testing.assert_allclose(out.asnumpy(), array(f"prelu/{layout}/out"), rtol=1e-6)
    sym = mx.sym.LeakyReLU(mx.sym.Variable("data"), mx.sym.Variable("gamma"), act_type="prelu")
    check_numeric_gradient(sym, {"data": x, "gamma": gamma}, rtol=1e-2, atol=1e-3)


EXACT = {
    "gelu": lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))),
    "softmax": lambda x: np.exp(x - x.max(1, keepdims=True)) / np.exp(x - x.max(1, keepdims=True)).sum(1, keepdims=True),
    "sum": lambda x: x.sum(1),
    "mean": lambda x: x.mean(1),
}
HALF_CALLS = {
    "gelu": lambda x: mx.nd.LeakyReLU(x, act_type="gelu"),
    "softmax": lambda x: mx.nd.softmax(x, axis=-1),
    "sum": lambda x: mx.nd.invoke("sum", x, axis=1),
    "mean": lambda x: mx.nd.invoke("mean", x, axis=1),
}


@pytest.mark.parametrize("name", sorted(HALF_CALLS))
def test_half_precision_is_as_accurate_as_mxnets_float32_accumulation(name):
    x = array("half/x")
    out = HALF_CALLS[name](mx.nd.array(x, dtype="float16"))
    assert out.dtype == np.float16
    exact = EXACT[name](x.astype(np.float64))
    half_step = np.spacing(np.abs(exact).astype(np.float16)).astype(np.float64) / 2   # rounding to float16
    ours = np.abs(out.asnumpy().astype(np.float64) - exact)
    theirs = np.abs(array(f"half/{name}").astype(np.float64) - exact)
    assert np.all(ours <= np.maximum(theirs, half_step) * 1.01)


def test_gelu_float16_relative_error_is_that_of_float32_rounding():
    x = array("half/x")
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(np.float64).ravel()]).reshape(x.shape)
    ours = mx.nd.LeakyReLU(mx.nd.array(x, dtype="float16"), act_type="gelu").asnumpy().astype(np.float64)
    big = np.abs(exact) > 1e-2
    assert np.max(np.abs(ours - exact)[big] / np.abs(exact)[big]) < 5e-4     # MXNet: 4e-4


def test_batchnorm_statistics_of_float16_data_do_not_overflow():
    x = (np.arange(24, dtype=np.float32).reshape(4, 6) * 40).astype(np.float16)    # squares > 65504
    net = mx.sym.BatchNorm(mx.sym.Variable("data"), fix_gamma=False, name="bn")
    ex = net.simple_bind(mx.cpu(), data=x.shape, type_dict={"data": np.float16})
    ex.arg_dict["data"][:] = x
    ex.arg_dict["bn_gamma"][:] = 1
    out = ex.forward(is_train=True)[0].asnumpy().astype(np.float64)
    expected = (x - x.mean(0, dtype=np.float64)) / np.sqrt(x.var(0, dtype=np.float64) + 1e-3)
    np.testing.assert_allclose(out, expected, atol=5e-3)
