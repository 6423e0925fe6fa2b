"""A multilayer perceptron, as MXNet 0.x's ``mx.mlp`` helper built it (seed 001).

>>> net = mlp(hidden_node=[256, 100, 50], out_node=10, act_type="relu")
>>> net.list_arguments()[:3]
['data', 'fc1_weight', 'fc1_bias']
>>> net.infer_shape(data=(8, 784))[1]
[(8, 10)]
"""
from __future__ import annotations

from ...errors import GraphError
from ...symbol import Variable
from ...symbol.ops import make


def mlp(hidden_node=(256, 100, 50), out_node=10, act_type="relu", dropout=0.0, data=None,
        name_prefix="", out_activation="softmax", **kwargs):
    """FullyConnected layers ``fc1..fcN`` with ``act_type`` between them, then an output
    layer of ``out_node`` units and SoftmaxOutput 'softmax' (input is flattened)."""
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
    if out_activation != "softmax":
        return x
    return make("SoftmaxOutput", [x], {}, name=f"{name_prefix}softmax")


def get_symbol(num_classes=10, hidden_node=(256, 100, 50), act_type="relu", **kwargs):
    return mlp(hidden_node=hidden_node, out_node=num_classes, act_type=act_type, **kwargs)
