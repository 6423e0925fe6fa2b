"""Every builtin network trains from scratch: it binds in a Module, every initializer
gives every parameter and auxiliary state a finite first value (BatchNorm's running mean
0 and variance 1, whatever the states are called), and a training step changes the
weights. Small inputs keep it fast; the layers are the ones used at full size.

Initializers choose by a parameter's name ending and ``__init__`` attribute, so all of
them are tried on one network per family, and a test checks those networks hold every
(ending, ``__init__``) kind of parameter that any builtin has."""
import numpy as np
import pytest

import core as mx
from core.errors import GraphError
from core.zoo.builtin import get_symbol, input_shape, list_networks

# the smallest square input each network accepts (fixed pooling windows need more)
SMALLEST_SIDE = {"alexnet": 64, "inception-bn": 224, "inception-bn-full": 224, "inception-v3": 299, "googlenet": 64,
                 "squeezenet1.0": 224, "squeezenet1.1": 224}
INITIALIZERS = [mx.init.Xavier(), mx.init.Uniform(), mx.init.Normal(), mx.init.MSRAPrelu(),
                mx.init.Orthogonal(), mx.init.LSTMBias(), mx.init.Zero(), mx.init.One(), mx.init.Constant(0.1)]
ONE_PER_FAMILY = ["lenet", "mlp", "alexnet", "inception-bn", "inception-bn-28-small", "googlenet", "inception-v3",
                  "squeezenet1.1", "efficientnet-lite0", "vgg11", "vgg11_bn", "resnet18_v1", "resnet18_v2",
                  "mobilenet0.25", "mobilenetv2_0.25", "convnext_tiny_tv"]
# Orthogonal takes the SVD of every weight (seconds for one 1024 x 1024): tried where all are small
BIG_WEIGHT = 1 << 17


def _kinds(name):
    symbol = get_symbol(name, num_classes=3)
    attrs = symbol.attr_dict()
    return {(arg.rsplit("_", 1)[-1], attrs.get(arg, {}).get("__init__"))
            for arg in symbol.list_arguments() + symbol.list_auxiliary_states()}


def test_every_registered_initializer_is_tried():
    # Bilinear makes upsampling kernels for Deconvolution; as in MXNet it takes 4-D weights only
    assert {type(init).__name__.lower() for init in INITIALIZERS} == (
        set(mx.init.names()) - {"zeros", "ones", "bilinear"})


def test_bilinear_on_a_builtin_says_what_it_is_for():
    module, _ = _bound("lenet")
    with pytest.raises(GraphError, match="Bilinear makes 4-D upsampling kernels.*'fc1_weight' has shape"):
        module.init_params(mx.init.Bilinear(), force_init=True)


def test_the_networks_tried_hold_every_kind_of_parameter_any_builtin_has():
    every = set().union(*(_kinds(name) for name in list_networks()))
    tried = set().union(*(_kinds(name) for name in ONE_PER_FAMILY))
    assert every <= tried


def _bound(name, batch=2):
    """A Module of ``name`` bound for training on its smallest input, parameters from Xavier."""
    channels, height, _ = input_shape(name)
    side = SMALLEST_SIDE.get(name, min(height, 32))
    module = mx.mod.Module(get_symbol(name, num_classes=3))
    module.bind(data_shapes=[("data", (batch, channels, side, side))], label_shapes=[("softmax_label", (batch,))])
    module.init_params(mx.init.Xavier())
    return module, (batch, channels, side, side)


@pytest.mark.parametrize("name", ONE_PER_FAMILY)
def test_every_initializer_initialises_every_parameter(name):
    module, _ = _bound(name)
    biggest = max(v.size for v in module.get_params()[0].values())
    for initializer in INITIALIZERS:
        if isinstance(initializer, mx.init.Orthogonal) and biggest > BIG_WEIGHT:
            continue
        module.init_params(initializer, force_init=True)
        args, aux = module.get_params()
        for key, value in {**args, **aux}.items():
            assert np.isfinite(value.asnumpy()).all(), (initializer, key)
        for key, value in aux.items():
            expected = 0.0 if key.endswith(("running_mean", "moving_mean")) else 1.0
            assert np.all(value.asnumpy() == expected), (initializer, key)


@pytest.mark.parametrize("name", list_networks())
def test_a_builtin_trains_a_step_from_scratch(name):
    mx.random.seed(0)
    module, shape = _bound(name)
    module.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.01})
    batch = mx.io.DataBatch([mx.nd.array(np.random.RandomState(0).rand(*shape))], [mx.nd.array([0, 2])])
    before = {k: v.asnumpy().copy() for k, v in module.get_params()[0].items()}
    module.forward_backward(batch)
    module.update()
    probabilities = module.get_outputs()[0].asnumpy()
    assert probabilities.shape == (2, 3) and np.allclose(probabilities.sum(1), 1, atol=1e-5)
    after = module.get_params()[0]
    assert any(not np.array_equal(before[k], after[k].asnumpy()) for k in before)
