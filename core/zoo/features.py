"""Running a trained network for inference, and cutting it at a layer to get features.

``get_feature_symbol(symbol, "flatten0")`` is MXNet's
``symbol.get_internals()["flatten0_output"]``, with a helpful error instead of a
KeyError; by default it cuts just before the classifier (the last FullyConnected or
1x1 Convolution that feeds the output), skipping Dropout, which does nothing at inference.
"""
from __future__ import annotations

import difflib
import threading

import numpy as np

from ..context import cpu
from ..errors import GraphError
from ..ndarray.ndarray import NDArray

PROBABILITY_OPS = {"SoftmaxOutput", "softmax", "SoftmaxActivation", "Softmax"}
LOSS_OPS = PROBABILITY_OPS | {"LogisticRegressionOutput", "LinearRegressionOutput", "MAERegressionOutput",
                              "SVMOutput", "MakeLoss", "log_softmax"}
PASS_THROUGH = {"Dropout", "Flatten", "flatten", "Reshape", "reshape", "_copy", "BlockGrad", "identity"}
CLASSIFIER_OPS = {"FullyConnected", "Convolution"}


def _symbol_of(model):
    """Accept a Symbol, or anything carrying one (FeedForward, Module, ImageClassifier)."""
    for attribute in ("symbol", "_symbol"):
        candidate = getattr(model, attribute, None)
        if candidate is not None and hasattr(candidate, "get_internals"):
            return candidate
    if hasattr(model, "get_internals"):
        return model
    raise GraphError(f"expected a Symbol or a model with a .symbol, got {type(model).__name__}")


def layer_names(model):
    """Names of every operator node, input to output (what ``top_layer`` may be)."""
    return [node.name for node in _symbol_of(model)._nodes() if not node.is_variable]


def default_feature_layer(model):
    """The layer whose output feeds the classifier: e.g. 'flatten0' in MXNet's ResNet."""
    symbol = _symbol_of(model)
    node, _ = symbol.heads[0]
    while node.op is not None and node.op.name in LOSS_OPS | PASS_THROUGH:
        node = node.inputs[0][0]
    if node.op is None or node.op.name not in CLASSIFIER_OPS:
        raise GraphError(f"cannot find the classifier layer under output {symbol.list_outputs()[0]!r}; "
                         f"pass top_layer= one of: {', '.join(layer_names(symbol)[-8:])}")
    feature = node.inputs[0][0]
    while feature.op is not None and feature.op.name == "Dropout":
        feature = feature.inputs[0][0]
    if feature.op is None:
        raise GraphError(f"the classifier {node.name!r} reads the network input directly; "
                         f"there is no feature layer before it")
    return feature.name


def get_feature_symbol(model, top_layer=None):
    """The sub-network from the input up to ``top_layer`` (a layer name, with or without
    the ``_output`` suffix). A name that is not a layer raises GraphError listing candidates."""
    symbol = _symbol_of(model)
    top_layer = top_layer or default_feature_layer(symbol)
    internals = symbol.get_internals()
    outputs = internals.list_outputs()
    for candidate in (top_layer, f"{top_layer}_output"):
        if candidate in outputs:
            return internals[candidate]
    names = layer_names(symbol)
    close = difflib.get_close_matches(top_layer, names, n=5, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise GraphError(f"no layer named {top_layer!r} in this network; {hint}"
                     f"layers nearest the output: {', '.join(names[-12:])} ({len(names)} layers in all)")


class Runner:
    """A symbol bound for inference with fixed parameters; one executor per batch size.
    Calls are serialised, so a GUI worker and a script may share one."""

    def __init__(self, symbol, arg_params, aux_params, ctx=None, data_name="data"):
        self.symbol = symbol
        self.ctx = ctx or cpu()
        self.data_name = data_name
        self.arg_params = arg_params
        self.aux_params = aux_params
        self._executors = {}
        self._lock = threading.Lock()
        inputs = {data_name} | {n for n in symbol.list_arguments() if n.endswith("_label")}
        missing = [n for n in symbol.list_arguments() if n not in inputs and n not in arg_params]
        missing += [n for n in symbol.list_auxiliary_states() if n not in aux_params]
        if missing:
            raise GraphError(f"the parameters lack {len(missing)} arrays the network needs: "
                             f"{', '.join(missing[:6])}{' ...' if len(missing) > 6 else ''}")

    def _executor(self, shape):
        executor = self._executors.get(shape)
        if executor is None:
            shared = next(iter(self._executors.values()), None)
            executor = self.symbol.simple_bind(self.ctx, grad_req="null", shared_exec=shared,
                                               **{self.data_name: shape})
            if shared is None:  # later executors share these parameter arrays
                executor.copy_params_from(self.arg_params, self.aux_params, allow_extra_params=True)
            self._executors[shape] = executor
        return executor

    def __call__(self, batch):
        """First output of the network for a (N, C, H, W) float32 NumPy batch, as NumPy."""
        return self.outputs(batch)[0]

    def outputs(self, batch):
        """Every output of the network for a (N, C, H, W) float32 NumPy batch, as NumPy."""
        batch = np.ascontiguousarray(batch, dtype=np.float32)
        with self._lock:
            executor = self._executor(tuple(batch.shape))
            data = executor.arg_dict[self.data_name]
            data._data[...] = data.xp.asarray(batch) if data.xp is not np else batch
            return [out.asnumpy() for out in executor.forward(is_train=False)]


def outputs_probabilities(symbol):
    node, _ = symbol.heads[0]
    return node.op is not None and node.op.name in PROBABILITY_OPS


def softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def params_on(params, ctx):
    return {k: (v if isinstance(v, NDArray) and v.context == ctx else _to_ctx(v, ctx)) for k, v in params.items()}


def _to_ctx(value, ctx):
    from .. import ndarray as nd
    if isinstance(value, NDArray):
        return value.as_in_context(ctx)
    return nd.array(np.asarray(value, dtype=np.float32), ctx=ctx)
