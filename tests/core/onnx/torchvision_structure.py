"""torchvision's ResNet-18 and MobileNetV2 as PyTorch exports them (``torch.onnx.export(...,
dynamo=True, optimize=True)``), from the weightless graphs in tests/fixtures/onnx
(``*_structure.onnx``, written by make_fixtures.py --structure): every floating-point
initializer is filled again from a seeded RNG, so CI gets a complete model without torch.

The fill keeps activations of the order of 1 through the whole network: weights of a
layer are scaled by its fan-in (1/√fan_in, so ReLU halves the variance rather than a
residual sum doubling it), biases and BatchNorm shifts small, BatchNorm variances positive.
"""
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from .onnx_support import FIXTURES

TORCHVISION_NETWORKS = ("resnet18", "mobilenet_v2")


def structure_path(name):
    return FIXTURES / f"{name}_structure.onnx"


def filled_model(name, seed=0):
    """The ``onnx.ModelProto`` of torchvision's ``name`` with seeded random weights."""
    model = onnx.load(str(structure_path(name)))
    rng = np.random.default_rng(seed)
    roles = _initializer_roles(model.graph)
    for tensor in model.graph.initializer:
        if tensor.data_type != onnx.TensorProto.FLOAT or tensor.raw_data or tensor.float_data:
            continue   # integer shapes and the like were kept whole
        array = _random(rng, tuple(tensor.dims), roles.get(tensor.name, ("", 0)))
        tensor.CopyFrom(numpy_helper.from_array(array, tensor.name))
    onnx.checker.check_model(model, full_check=True)
    return model


def write_filled(name, directory, seed=0):
    """``directory/<name>.onnx``, complete; returns its path."""
    path = Path(directory) / f"{name}.onnx"
    onnx.save(filled_model(name, seed), str(path))
    return path


def _initializer_roles(graph):
    """initializer name -> (consuming op type, input slot) of its first use."""
    roles = {}
    for node in graph.node:
        for slot, name in enumerate(node.input):
            roles.setdefault(name, (node.op_type, slot))
    return roles


def _random(rng, shape, role):
    op_type, slot = role
    if op_type == "BatchNormalization":
        kind = {1: (0.5, 1.5), 4: (0.5, 1.5)}.get(slot)   # scale, variance: positive
        if kind:
            return rng.uniform(*kind, shape).astype(np.float32)
        return rng.normal(0, 0.1, shape).astype(np.float32)   # shift, mean
    if len(shape) > 1:
        fan_in = int(np.prod(shape[1:])) if op_type != "Gemm" else shape[-1]
        return rng.normal(0, 1 / np.sqrt(fan_in), shape).astype(np.float32)
    return rng.normal(0, 0.05, shape).astype(np.float32)
