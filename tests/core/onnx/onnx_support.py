"""Shared pieces of the ONNX tests: random parameters that keep activations lively,
our engine's inference outputs, and ONNX Runtime's."""
from pathlib import Path

import numpy as np
import pytest

import core as mx

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "onnx"
TOLERANCE = 1e-4

ort = pytest.importorskip("onnxruntime")


def random_params(symbol, data_shapes, seed=0):
    """He-scaled weights, lively BatchNorm statistics: outputs far from uniform."""
    rng = np.random.default_rng(seed)
    arg_shapes, _, aux_shapes = symbol.infer_shape(**data_shapes)
    params = {}
    for name, shape in zip(symbol.list_arguments(), arg_shapes):
        if name in data_shapes or name.endswith("label"):
            continue
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        scale = np.sqrt(2.0 / fan_in) if len(shape) > 1 else 0.1
        params[name] = rng.normal(0, scale, shape).astype(np.float32)
        if name.endswith("gamma"):
            params[name] = rng.uniform(0.5, 1.5, shape).astype(np.float32)
    for name, shape in zip(symbol.list_auxiliary_states(), aux_shapes):
        params[name] = (rng.uniform(0.5, 1.5, shape) if name.endswith("var")
                        else rng.normal(0, 0.2, shape)).astype(np.float32)
    return params


def run_ours(symbol, params, inputs, aux_names=None):
    """Our engine's inference outputs (numpy) with ``params`` and input arrays ``inputs``."""
    aux_names = set(symbol.list_auxiliary_states())
    args = {k: mx.nd.array(v) for k, v in params.items() if k not in aux_names}
    args.update({k: mx.nd.array(v) for k, v in inputs.items()})
    for name, shape in zip(symbol.list_arguments(), symbol.infer_shape(
            **{k: v.shape for k, v in inputs.items()})[0]):
        if name not in args:   # a loss's label: unused at inference
            args[name] = mx.nd.zeros(shape)
    aux = {k: mx.nd.array(v) for k, v in params.items() if k in aux_names}
    executor = symbol.bind(mx.cpu(), args, aux_states=aux, grad_req="null")
    return [out.asnumpy() for out in executor.forward(is_train=False)]


def run_onnxruntime(model_or_path, inputs):
    source = model_or_path if isinstance(model_or_path, (str, Path)) else model_or_path.SerializeToString()
    session = ort.InferenceSession(str(source) if isinstance(source, Path) else source,
                                   providers=["CPUExecutionProvider"])
    return session.run(None, inputs)
