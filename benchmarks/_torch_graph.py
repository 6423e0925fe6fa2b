"""The same network in PyTorch, for side-by-side figures: a Symbol's graph walked node by
node with torch's functional ops and our parameter values, so both frameworks run
exactly the same layers with exactly the same weights (checked by ``max_difference``).

Covers the operators of the zoo's EfficientNet-Lite0 and ResNets (inference only).
"""
from __future__ import annotations

import numpy as np

from core.symbol.graph import topo_order


def _tuple(value, rank=2, fill=0):
    return tuple(value) if value else (fill,) * rank


def _convolution(F, op, inputs):
    x, weight = inputs[0], inputs[1]
    bias = None if op.no_bias else inputs[2]
    return F.conv2d(x, weight, bias, stride=_tuple(op.stride, fill=1), padding=_tuple(op.pad),
                    dilation=_tuple(op.dilate, fill=1), groups=op.num_group)


def _batch_norm(F, op, inputs, aux):
    x, gamma, beta = inputs
    if op.fix_gamma:
        gamma = None
    return F.batch_norm(x, aux[0], aux[1], gamma, beta, training=False, eps=op.eps)


def _activation(F, op, inputs):
    return {"relu": F.relu, "sigmoid": F.sigmoid, "tanh": F.tanh}[op.act_type](inputs[0])


def _clip(F, op, inputs):
    if op.a_min == 0 and op.a_max == 6:
        return F.relu6(inputs[0])
    return inputs[0].clamp(op.a_min, op.a_max)


def _pad(F, op, inputs):
    widths = list(op.pad_width)[4:]          # (before, after) of H, then W
    return F.pad(inputs[0], (widths[2], widths[3], widths[0], widths[1]), value=op.constant_value)


def _pooling(F, op, inputs):
    x = inputs[0]
    if op.global_pool:
        return x.mean(dim=(2, 3), keepdim=True) if op.pool_type == "avg" else x.amax(dim=(2, 3), keepdim=True)
    kernel, stride, pad = _tuple(op.kernel), _tuple(op.stride, fill=1), _tuple(op.pad)
    ceil = op.pooling_convention == "full"
    if op.pool_type == "max":
        return F.max_pool2d(x, kernel, stride, pad, ceil_mode=ceil)
    return F.avg_pool2d(x, kernel, stride, pad, ceil_mode=ceil, count_include_pad=op.count_include_pad)


def _fully_connected(F, op, inputs):
    x = inputs[0].flatten(1) if op.flatten else inputs[0]
    return F.linear(x, inputs[1], None if op.no_bias else inputs[2])


RULES = {
    "Convolution": _convolution,
    "Activation": _activation,
    "clip": _clip,
    "Pad": _pad,
    "Pooling": _pooling,
    "FullyConnected": _fully_connected,
    "Flatten": lambda F, op, inputs: inputs[0].flatten(1),
    "Dropout": lambda F, op, inputs: inputs[0],
    "elemwise_add": lambda F, op, inputs: inputs[0] + inputs[1],
    "_Plus": lambda F, op, inputs: inputs[0] + inputs[1],
    "SoftmaxOutput": lambda F, op, inputs: F.softmax(inputs[0], dim=1),
}


class TorchGraph:
    """``TorchGraph(torch, symbol, arg_params, aux_params)(batch)`` -> first output."""

    def __init__(self, torch, symbol, arg_params, aux_params, data_name="data"):
        self.torch = torch
        self.F = torch.nn.functional
        self.data_name = data_name
        self.nodes = topo_order(symbol.heads)
        self.head = symbol.heads[0]
        as_tensor = lambda a: torch.from_numpy(np.ascontiguousarray(a.asnumpy() if hasattr(a, "asnumpy") else a))
        self.params = {k: as_tensor(v) for k, v in {**arg_params, **aux_params}.items()}
        for node in self.nodes:
            if not node.is_variable and node.op.name not in RULES and node.op.name != "BatchNorm":
                raise NotImplementedError(f"no PyTorch rule for {node.op.name} (node {node.name})")

    def __call__(self, batch):
        values = {}
        for node in self.nodes:
            if node.is_variable:
                values[(id(node), 0)] = batch if node.name == self.data_name else self.params.get(node.name)
                continue
            n_args = len(node.op.list_arguments())
            inputs = [values[(id(c), i)] for c, i in node.inputs[:n_args]]
            if node.op.name == "BatchNorm":
                aux = [values[(id(c), i)] for c, i in node.inputs[n_args:]]
                out = _batch_norm(self.F, node.op, inputs, aux)
            else:
                out = RULES[node.op.name](self.F, node.op, inputs)
            values[(id(node), 0)] = out
        node, index = self.head
        return values[(id(node), index)]


def max_difference(ours, theirs):
    """Largest absolute difference of two outputs (a check that both ran the same net)."""
    return float(np.abs(np.asarray(ours) - theirs.detach().numpy()).max())
