"""``mx.mlp`` as seed 001 (MXNet R's tutorial) calls it: with data it trains and returns
the model, tanh between the layers; without data it returns the network."""
import numpy as np
import pytest

import core as mx
from core.errors import GraphError


def two_classes(n=200, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    data = rng.standard_normal((n, 6)) + 2.0 * labels[:, None]
    return data.astype(np.float32), labels.astype(np.float32)


def activations(symbol):
    return {node.op.act_type for node in symbol._nodes() if node.op is not None and node.op.name == "Activation"}


def test_called_r_s_way_it_trains_and_returns_the_model():
    data, labels = two_classes()
    mx.random.seed(0)
    # R: mx.mlp(train.x, train.y, hidden_node=10, out_node=2, out_activation="softmax",
    #           num.round=20, array.batch.size=15, learning.rate=0.07, momentum=0.9, eval.metric=mx.metric.accuracy)
    model = mx.mlp(data[:150], labels[:150], hidden_node=10, out_node=2, out_activation="softmax",
                   num_round=20, array_batch_size=15, learning_rate=0.07, momentum=0.9, eval_metric="acc")
    assert isinstance(model, mx.model.FeedForward)
    assert activations(model.symbol) == {"tanh"}
    predicted = model.predict(data[150:]).argmax(1)
    assert np.mean(predicted == labels[150:]) > 0.9


def test_rmse_output_regresses():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((300, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5]) + 0.3).astype(np.float32)
    mx.random.seed(0)
    model = mx.mlp(x, y, hidden_node=[16], out_node=1, out_activation="rmse", num_epoch=30,
                   numpy_batch_size=20, learning_rate=0.05, momentum=0.9, eval_metric="rmse")
    error = np.sqrt(np.mean((model.predict(x).reshape(-1) - y) ** 2))
    assert error < 0.5 * y.std()


def test_without_data_it_returns_the_network():
    net = mx.mlp(hidden_node=[8], out_node=3)
    assert isinstance(net, mx.sym.Symbol) and activations(net) == {"relu"}
    assert mx.mlp(hidden_node=[8], out_node=3, activation="tanh").list_arguments() == net.list_arguments()
    with pytest.raises(TypeError, match="training options"):
        mx.mlp(hidden_node=[8], out_node=3, num_epoch=3)
    with pytest.raises(GraphError, match="disagree"):
        mx.mlp(hidden_node=[8], activation="tanh", act_type="relu")
