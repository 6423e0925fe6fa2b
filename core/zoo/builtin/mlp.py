"""A multilayer perceptron, as MXNet R's ``mx.mlp`` helper builds it (seed 001).

Without data it returns the network:

>>> net = mlp(hidden_node=[256, 100, 50], out_node=10, act_type="relu")
>>> net.list_arguments()[:3]
['data', 'fc1_weight', 'fc1_bias']
>>> net.infer_shape(data=(8, 784))[1]
[(8, 10)]

Called R's way, with data and labels, it trains the network and returns the model
(tanh between the layers unless told otherwise, as in R):

>>> import numpy as np
>>> x = np.random.RandomState(0).rand(40, 4).astype(np.float32)
>>> model = mlp(x, (x[:, 0] > 0.5).astype(np.float32), hidden_node=8, out_node=2, num_round=2)
>>> model.predict(x).shape
(40, 2)
"""
from __future__ import annotations

from ...errors import GraphError
from ...symbol import Symbol, Variable
from ...symbol.ops import make

# R's out_activation -> the loss operator on the output layer
OUTPUTS = {"softmax": "SoftmaxOutput", "rmse": "LinearRegressionOutput", "logistic": "LogisticRegressionOutput"}
# R's argument names of mx.model.FeedForward.create, as a translation spells them
R_NAMES = {"num_round": "num_epoch", "array_batch_size": "numpy_batch_size", "device": "ctx"}


def mlp(data=None, label=None, hidden_node=(256, 100, 50), out_node=10, dropout=0.0, activation=None,
        out_activation="softmax", act_type=None, name_prefix="", **train_options):
    """FullyConnected layers ``fc1..fcN`` with ``activation`` (alias ``act_type``) between
    them, then an output layer of ``out_node`` units and its loss: SoftmaxOutput 'softmax'
    (``out_activation='softmax'``), LinearRegressionOutput ('rmse') or
    LogisticRegressionOutput ('logistic'); any other value leaves the output layer bare.

    ``data`` a Symbol (or None): returns the network, ReLU by default. ``data`` an array or
    a DataIter (with ``label`` for an array): trains with ``FeedForward.create`` and
    returns the model, tanh by default as R's ``mx.mlp``; ``train_options`` go to create
    (``num_epoch``/``num_round``, ``numpy_batch_size``/``array_batch_size``,
    ``learning_rate``, ``momentum``, ``eval_metric``, ``ctx``/``device`` ...)."""
    training = data is not None and not isinstance(data, Symbol)
    if activation is not None and act_type is not None and activation != act_type:
        raise GraphError(f"mlp: activation={activation!r} and act_type={act_type!r} disagree; give one")
    act = activation or act_type or ("tanh" if training else "relu")
    net = _network(None if training else data, hidden_node, out_node, dropout, act, out_activation, name_prefix)
    if not training:
        if train_options:
            raise TypeError(f"mlp: {sorted(train_options)} are training options; give data (and label) "
                            f"to train, or leave them out to get the network")
        return net
    from ...model.feedforward import FeedForward
    options = {R_NAMES.get(k, k): v for k, v in train_options.items()}
    options.setdefault("num_epoch", 10)
    return FeedForward.create(net, X=data, y=label, **options)


def _network(data, hidden_node, out_node, dropout, act_type, out_activation, name_prefix):
    if isinstance(hidden_node, int):
        hidden_node = [hidden_node]
    if any(int(units) <= 0 for units in hidden_node) or int(out_node) <= 0:
        raise GraphError(f"mlp: layer sizes must be positive, got hidden_node={list(hidden_node)}, "
                         f"out_node={out_node}")
    x = data if data is not None else Variable("data")
    for index, units in enumerate(hidden_node, start=1):
        x = make("FullyConnected", [x], {"num_hidden": int(units)}, name=f"{name_prefix}fc{index}")
        x = make("Activation", [x], {"act_type": act_type}, name=f"{name_prefix}{act_type}{index}")
        if dropout:
            x = make("Dropout", [x], {"p": float(dropout)}, name=f"{name_prefix}dropout{index}")
    x = make("FullyConnected", [x], {"num_hidden": int(out_node)}, name=f"{name_prefix}fc{len(hidden_node) + 1}")
    if out_activation not in OUTPUTS:
        return x
    return make(OUTPUTS[out_activation], [x], {}, name=f"{name_prefix}{out_activation}")


def get_symbol(num_classes=10, hidden_node=(256, 100, 50), act_type="relu", **kwargs):
    return mlp(hidden_node=hidden_node, out_node=num_classes, act_type=act_type, **kwargs)
