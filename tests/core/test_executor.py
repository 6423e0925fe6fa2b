"""Binding, forward, backward: the executor against finite differences and by hand."""
import numpy as np
import pytest

import core as mx
from core.errors import GraphError, ShapeError
from core.testing import check_numeric_gradient


def two_layer():
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data, num_hidden=4, name="fc1")
    act = mx.sym.Activation(fc1, act_type="tanh", name="act")
    return mx.sym.FullyConnected(act, num_hidden=3, name="fc2")


def test_whole_graph_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    net = two_layer()
    shapes = dict(zip(net.list_arguments(), net.infer_shape(data=(2, 5))[0]))
    check_numeric_gradient(net, {n: rng.standard_normal(s) for n, s in shapes.items()},
                           rtol=1e-5, atol=1e-7, numeric_eps=1e-6)


def test_reused_node_accumulates_every_gradient():
    x = mx.sym.Variable("x")
    y = mx.sym.Activation(x, act_type="sigmoid", name="s")
    net = y * y + y
    rng = np.random.default_rng(1)
    check_numeric_gradient(net, {"x": rng.standard_normal((3, 2))}, rtol=1e-5, atol=1e-7, numeric_eps=1e-6)


def test_simple_bind_allocates_and_trains():
    net = mx.sym.SoftmaxOutput(two_layer(), name="softmax")
    exe = net.simple_bind(mx.cpu(), data=(8, 5))
    assert exe.arg_dict["fc1_weight"].shape == (4, 5)
    assert set(exe.grad_dict) == set(net.list_arguments())
    rng = np.random.default_rng(0)
    for name in ("fc1_weight", "fc2_weight"):
        exe.arg_dict[name][:] = rng.normal(0, 0.5, exe.arg_dict[name].shape)
    x = rng.normal(size=(8, 5))
    y = (x[:, 0] > 0).astype(np.float32)
    losses = []
    for _ in range(50):
        probs = exe.forward(is_train=True, data=x, softmax_label=y)[0].asnumpy()
        losses.append(-np.log(probs[np.arange(8), y.astype(int)]).mean())
        exe.backward()
        for name in ("fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"):
            exe.arg_dict[name][:] = exe.arg_dict[name] - 0.5 / 8 * exe.grad_dict[name]
    assert losses[-1] < losses[0] * 0.5


def test_grad_req_add_accumulates_and_null_skips():
    x = mx.sym.Variable("x")
    net = mx.sym.FullyConnected(x, num_hidden=2, no_bias=True, name="fc")
    exe = net.simple_bind(mx.cpu(), grad_req={"x": "null", "fc_weight": "add"}, x=(1, 3))
    exe.arg_dict["x"][:] = 1
    for _ in range(2):
        exe.forward(is_train=True)
        exe.backward(mx.nd.ones((1, 2)))
    np.testing.assert_allclose(exe.grad_dict["fc_weight"].asnumpy(), np.full((2, 3), 2.0))
    assert "x" not in exe.grad_dict


def test_bind_with_arrays_and_copy_params():
    net = two_layer()
    arg_shapes = net.infer_shape(data=(1, 5))[0]
    args = {n: mx.nd.ones(s) for n, s in zip(net.list_arguments(), arg_shapes)}
    exe = net.bind(mx.cpu(), args)
    out = exe.forward()[0].asnumpy()
    expected = np.tanh(np.full(4, 6.0)).sum() + 1
    np.testing.assert_allclose(out, np.full((1, 3), expected), rtol=1e-6)
    with pytest.raises(ShapeError, match="fc1_weight"):
        exe.copy_params_from({"fc1_weight": mx.nd.ones((2, 2))})


def test_simple_bind_without_enough_shapes_names_them():
    with pytest.raises(ShapeError, match="data"):
        two_layer().simple_bind(mx.cpu())


def test_forward_with_unknown_input_name():
    exe = two_layer().simple_bind(mx.cpu(), data=(1, 5))
    with pytest.raises(GraphError, match="'images' is not an argument"):
        exe.forward(images=np.zeros((1, 5)))


def test_inference_keeps_nothing_for_backward():
    exe = two_layer().simple_bind(mx.cpu(), grad_req="null", data=(2, 5))
    exe.forward(is_train=False)
    assert exe._saved == {}
