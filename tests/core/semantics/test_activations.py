"""Issue 23 points 1 and 10: PReLU's gamma (init 0.25, MXNet's shapes) and float16
activations computed with float32 accumulation."""
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
