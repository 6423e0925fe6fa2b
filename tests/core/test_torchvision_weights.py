"""torchvision's weights on our builtin networks. Against torch itself when a side venv
with torch + torchvision is named by $NETSTUDIO_TORCH_PYTHON (e.g. made by
``python3 -m venv V && V/bin/pip install torch torchvision safetensors``; opt-in, so the
suite's time and disk stay small; ResNet-50 .. ConvNeXt take minutes and VGG-16 ~1 GB):
random-weight torchvision models are saved as zip ``.pth`` and ``.safetensors`` there, and
our converted network must give torch's logits on the same input. Without torch, the
mapping's own checks (wrong keys, wrong shapes) still run."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import core as mx
from core.errors import FormatError, RegistryError
from core.zoo.torchvision_weights import (ARCHITECTURES, convert, in_torchvision_order, load_state_dict,
                                          torchvision_keys)

ROOT = Path(__file__).resolve().parents[2]
TORCH_PYTHON = Path(os.environ.get("NETSTUDIO_TORCH_PYTHON", "/nonexistent/torch/python"))
FAST = ["resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_large", "efficientnet_b0", "convnext_tiny",
        "squeezenet1_1", "alexnet"]
SLOW = ["vgg16"]


def _logits(symbol, arg_params, aux_params, x):
    logits = symbol.get_children()[0]              # what SoftmaxOutput normalises
    executor = logits.simple_bind(mx.cpu(), data=x.shape, grad_req="null")
    for table, params in ((executor.arg_dict, arg_params), (executor.aux_dict, aux_params)):
        for name, value in params.items():
            table[name][:] = value
    return executor.forward(is_train=False, data=x)[0].asnumpy()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    if not TORCH_PYTHON.exists():
        pytest.skip("set NETSTUDIO_TORCH_PYTHON to a python with torch + torchvision")
    folder = tmp_path_factory.mktemp("torchvision")
    made = set()

    def make(name):
        if name not in made:
            subprocess.run([str(TORCH_PYTHON), str(ROOT / "tools" / "torch_reference.py"), "models",
                            str(folder), name], check=True, capture_output=True, timeout=600)
            made.add(name)
        return folder
    return make


def _check_against_torch(reference, name, fmt):
    folder = reference(name)
    state = load_state_dict(folder / f"{name}.{fmt}")
    symbol, arg_params, aux_params = convert(state, name)
    x, want = np.load(folder / f"{name}.input.npy"), np.load(folder / f"{name}.output.npy")
    got = _logits(symbol, arg_params, aux_params, x)
    assert got.shape == want.shape
    # within 1e-4 of the logits' own scale (ResNet-50's random-weight logits reach ~70)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-4 * max(1.0, float(np.abs(want).max())))
    assert (got.argmax(1) == want.argmax(1)).all()


@pytest.mark.parametrize("fmt", ["pth", "safetensors"])
@pytest.mark.parametrize("name", FAST)
def test_converted_network_gives_torchs_logits(reference, name, fmt):
    _check_against_torch(reference, name, fmt)


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_converted_big_network_gives_torchs_logits(reference, name):
    _check_against_torch(reference, name, "safetensors")


# ---------------------------------------------------------------- without torch

def test_every_mapped_architecture_has_torchvisions_key_order():
    for name in ARCHITECTURES:
        keys = torchvision_keys(name)
        assert keys and len(keys) == len(set(keys))
    assert torchvision_keys("resnet18")[:2] == ["conv1.weight", "bn1.weight"]
    assert torchvision_keys("resnet18")[-1] == "fc.bias"


def test_weights_of_another_network_are_named_in_the_error():
    state = {k: np.zeros(1, np.float32) for k in torchvision_keys("alexnet")}
    with pytest.raises(FormatError, match=r"not torchvision's resnet18 weights: missing \['conv1.weight'"):
        convert(state, "resnet18")


def test_a_tensor_of_the_wrong_shape_is_named():
    state = {k: np.zeros((2, 2, 2, 2) if k.endswith("weight") else (2,), np.float32)
             for k in torchvision_keys("squeezenet1_1")}
    with pytest.raises(FormatError, match=r"features.0.weight: shape \(2, 2, 2, 2\), but 'squeezenet0_conv0_weight'"):
        convert(state, "squeezenet1_1")


def test_an_unknown_architecture_lists_the_known_ones():
    with pytest.raises(RegistryError, match="resnet18"):
        convert({}, "densenet121")


def test_batchnorm_counters_may_be_missing():
    keys = torchvision_keys("resnet18")
    state = {k: i for i, k in enumerate(keys) if not k.endswith("num_batches_tracked")}
    assert list(in_torchvision_order(dict(reversed(list(state.items()))), "resnet18")) == list(state)
