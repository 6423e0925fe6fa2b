"""What a user would check after the compiled kernels came in: LeNet's gradients are
the NumPy kernels' (same weights, same batch), and training with them learns as well.
(After many SGD steps the two runs drift apart the way any two summation orders do.)"""
import logging

import numpy as np
import pytest

import core as mx
from core.io.datasets import load_fashion_mnist
from core.backend.cpu import jit
from core.resources import resource_path
from core.zoo.builtin.lenet import get_symbol

pytestmark = pytest.mark.skipif(not jit.available(), reason="numba is not installed")
QUIET = logging.getLogger("quiet")


def _subset(split, count):
    images, labels = load_fashion_mnist(split, resource_path("datasets/fashion-mnist-subset"))
    pick = np.random.default_rng(0).permutation(len(labels))[:count]   # all classes, mixed
    return (images[pick].astype(np.float32) / 255).reshape(-1, 1, 28, 28), labels[pick].astype(np.float32)


@pytest.fixture(scope="module")
def first_weights():
    mx.random.seed(3)
    mod = mx.mod.Module(get_symbol(), logger=QUIET)
    mod.bind(data_shapes=[("data", (64, 1, 28, 28))], label_shapes=[("softmax_label", (64,))])
    mod.init_params(mx.init.Xavier())
    return mod.get_params()[0]


def _module(first):
    mod = mx.mod.Module(get_symbol(), logger=QUIET)
    mod.bind(data_shapes=[("data", (64, 1, 28, 28))], label_shapes=[("softmax_label", (64,))])
    mod.init_params(arg_params={k: v.copy() for k, v in first.items()})
    return mod


def _gradients(compiled, monkeypatch, first):
    monkeypatch.setattr(jit, "ENABLED", compiled)
    mod = _module(first)
    batch = next(iter(mx.io.NDArrayIter(*_subset("train", 64), batch_size=64)))
    mod.forward_backward(batch)
    execs = mod._exec_group.execs[0]
    return {name: grad.asnumpy() for name, grad in execs.grad_dict.items() if grad is not None}


def test_lenet_gradients_are_the_numpy_kernels_gradients(monkeypatch, first_weights):
    compiled = _gradients(True, monkeypatch, first_weights)
    numpy_only = _gradients(False, monkeypatch, first_weights)
    assert set(compiled) == set(numpy_only) and "conv1_weight" in compiled
    for name, value in numpy_only.items():
        scale = np.abs(value).max()
        np.testing.assert_allclose(compiled[name], value, rtol=0, atol=1e-5 * scale, err_msg=name)


def _accuracy(compiled, monkeypatch, first):
    monkeypatch.setattr(jit, "ENABLED", compiled)
    mod = _module(first)
    mod.fit(mx.io.NDArrayIter(*_subset("train", 1024), batch_size=64), num_epoch=2,
            optimizer="sgd", optimizer_params={"learning_rate": 0.1, "momentum": 0.9})
    return dict(mod.score(mx.io.NDArrayIter(*_subset("test", 500), batch_size=100), "acc"))["accuracy"]


def test_lenet_learns_as_well_with_compiled_kernels(monkeypatch, first_weights):
    compiled, numpy_only = (_accuracy(flag, monkeypatch, first_weights) for flag in (True, False))
    print(f"\ntest accuracy after 2 epochs on 1,024 pictures: compiled {compiled:.3f}, NumPy {numpy_only:.3f}")
    assert compiled > 0.5 and abs(compiled - numpy_only) <= 0.03, (compiled, numpy_only)
