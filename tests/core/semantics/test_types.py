"""Issue 23 point 7: types inferred through the graph as MXNet 1.9.1 does; Cast takes
NumPy dtypes; simple_bind allocates the inferred types."""
import numpy as np
import pytest

import core as mx
from tests.core.semantics.mxnet_answers import facts


def _names(types):
    return [np.dtype(t).name for t in types]


def _cases():
    data = mx.sym.Variable("data")
    return {
        "fc_cast": (mx.sym.Cast(mx.sym.FullyConnected(data, num_hidden=3, name="fc"), dtype=np.float16) * 2,
                    {"data": "float32"}),
        "fc_half": (mx.sym.FullyConnected(data, num_hidden=3, name="fc"), {"data": "float16"}),
        "int_add": (data + mx.sym.Variable("b"), {"data": "int32"}),
        "bn_half": (mx.sym.BatchNorm(mx.sym.Cast(data, dtype="float16"), name="bn"), {"data": "float32"}),
    }


@pytest.mark.parametrize("name", sorted(facts()["infer_type"]))
def test_infer_type_follows_the_graph_as_mxnet(name):
    sym, given = _cases()[name]
    expected = facts()["infer_type"][name]
    args, outs, aux = sym.infer_type(**given)
    assert _names(args) == expected["args"] and _names(outs) == expected["outs"]
    if "aux" in expected:
        assert _names(aux) == expected["aux"]


def test_unknown_types_give_none_with_a_warning():
    with pytest.warns(UserWarning, match="data"):
        assert mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2).infer_type() == (None, None, None)


def test_simple_bind_allocates_the_inferred_types_and_runs_them():
    net = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=3, name="fc")
    ex = net.simple_bind(mx.cpu(), data=(2, 4), type_dict={"data": np.float16})
    assert {k: v.dtype for k, v in ex.arg_dict.items()} == dict.fromkeys(["data", "fc_weight", "fc_bias"], np.float16)
    assert ex.outputs[0].dtype == np.float16
    cast = mx.sym.Cast(mx.sym.Variable("x"), dtype=np.int32)
    out = cast.eval(x=mx.nd.array([1.7, -2.2]))[0]
    assert out.dtype == np.int32 and out.asnumpy().tolist() == [1, -2]
    assert mx.sym.Variable("v", dtype="int32").infer_type()[0] == [np.int32]


def test_a_module_bound_with_float16_descriptions_runs_in_float16_and_trains():
    rng = np.random.RandomState(0)
    x = rng.standard_normal((40, 6)).astype(np.float16)
    y = (x[:, 0] > 0).astype(np.float16)
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2, name="fc"),
                               name="softmax")
    mod = mx.mod.Module(net)
    mod.bind([mx.io.DataDesc("data", (10, 6), dtype=np.float16)],
             [mx.io.DataDesc("softmax_label", (10,), dtype=np.float16)])
    mx.random.seed(3)
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.5, "multi_precision": True})
    it = mx.io.NDArrayIter(x, y, batch_size=10)
    for _ in range(5):
        it.reset()
        metric = mx.metric.Accuracy()
        for batch in it:
            mod.forward_backward(batch)
            mod.update()
            mod.update_metric(metric, batch.label)
    assert mod.get_outputs()[0].dtype == np.float16
    assert metric.get()[1] >= 0.9
