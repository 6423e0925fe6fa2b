"""Initializers: the statistics follow MXNet's formulas, names dispatch as in MXNet, JSON round-trips."""
import json

import numpy as np
import pytest

import core as mx
from core.errors import RegistryError
from core.initializer import InitDesc


def _init(initializer, name, shape, attrs=None):
    arr = mx.nd.zeros(shape)
    initializer(InitDesc(name, attrs), arr)
    return arr.asnumpy()


@pytest.mark.parametrize("factor_type, factor", [("avg", (288 + 576) / 2), ("in", 288), ("out", 576)])
def test_xavier_uniform_bounds_and_variance(factor_type, factor):
    mx.random.seed(0)
    values = _init(mx.init.Xavier(factor_type=factor_type, magnitude=3), "conv_weight", (64, 32, 3, 3))
    scale = np.sqrt(3 / factor)   # fan_in = 32*3*3, fan_out = 64*3*3
    assert np.abs(values).max() <= scale and np.abs(values).max() > 0.99 * scale
    assert values.var() == pytest.approx(scale ** 2 / 3, rel=0.03)


def test_xavier_gaussian_and_msra_sigma():
    mx.random.seed(0)
    values = _init(mx.init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2), "fc_weight", (300, 400))
    assert values.mean() == pytest.approx(0, abs=0.002)
    assert values.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    msra = _init(mx.init.MSRAPrelu(factor_type="in", slope=0.0), "fc_weight", (300, 400))
    assert msra.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)


def test_xavier_refuses_vectors():
    with pytest.raises(ValueError, match="vector fc_weight"):
        _init(mx.init.Xavier(), "fc_weight", (10,))


def test_uniform_and_normal():
    mx.random.seed(0)
    uniform = _init(mx.init.Uniform(0.2), "w_weight", (200, 200))
    assert uniform.min() >= -0.2 and uniform.max() <= 0.2 and uniform.max() > 0.199
    normal = _init(mx.init.Normal(0.5), "w_weight", (200, 200))
    assert normal.std() == pytest.approx(0.5, rel=0.02)


def test_seed_makes_initialization_repeatable():
    mx.random.seed(7)
    first = _init(mx.init.Xavier(), "fc_weight", (5, 4))
    mx.random.seed(7)
    assert np.array_equal(first, _init(mx.init.Xavier(), "fc_weight", (5, 4)))


@pytest.mark.parametrize("name, value", [
    ("fc1_bias", 0), ("bn_gamma", 1), ("bn_beta", 0), ("bn_moving_mean", 0), ("bn_moving_var", 1),
    ("bn_moving_inv_var", 0), ("q_min", 0), ("q_max", 1)])
def test_defaults_by_name(name, value):
    arr = mx.nd.full((4,), 7.0)
    mx.init.Xavier()(InitDesc(name), arr)
    assert np.all(arr.asnumpy() == value)


def test_unknown_name_asks_for_an_explicit_initializer():
    with pytest.raises(ValueError, match="Variable\\(init="):
        _init(mx.init.Uniform(), "embedding_table", (3, 3))


def test_variable_init_attribute_wins():
    values = _init(mx.init.Uniform(), "fc_bias", (3,), {"__init__": mx.init.Constant(2.5).dumps()})
    assert np.all(values == 2.5)
    var = mx.sym.Variable("w", init=mx.init.One())
    assert json.loads(var.attr("__init__")) == ["one", {}]


def test_dumps_create_round_trip():
    for init in [mx.init.Xavier("gaussian", "out", 2), mx.init.Uniform(0.1), mx.init.Normal(0.3),
                 mx.init.Zero(), mx.init.One(), mx.init.Constant(4), mx.init.MSRAPrelu("in", 0.1),
                 mx.init.Orthogonal(), mx.init.LSTMBias(2.0)]:
        assert mx.init.create(init.dumps()) == init
    assert mx.init.Xavier().dumps() == '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]'
    assert isinstance(mx.init.create("zeros"), mx.init.Zero)
    assert mx.init.create("Uniform", scale=0.5).scale == 0.5


def test_unknown_initializer_name():
    with pytest.raises(RegistryError, match="unknown initializer 'kaiming'"):
        mx.init.create("kaiming")


def test_mixed_chooses_by_pattern_and_load_copies():
    mixed = mx.init.Mixed(["fc1", ".*"], [mx.init.Constant(3), mx.init.One()])
    first, weight, bias = mx.nd.zeros((2,)), mx.nd.zeros((2, 2)), mx.nd.ones((2,))
    mixed("fc1_weight", first)
    mixed("fc2_weight", weight)
    mixed("fc2_bias", bias)   # still a bias: zero, as in MXNet
    assert first.asnumpy().tolist() == [3, 3] and weight.asnumpy().sum() == 4 and bias.asnumpy().sum() == 0
    load = mx.init.Load({"arg:fc_weight": mx.nd.full((2, 2), 5.0)}, default_init=mx.init.Zero())
    load("fc_weight", weight)
    load("fc_bias", bias)
    assert weight.asnumpy().sum() == 20 and bias.asnumpy().sum() == 0


def test_orthogonal_rows_are_orthogonal():
    w = _init(mx.init.Orthogonal(scale=1.0), "fc_weight", (8, 20))
    np.testing.assert_allclose(w @ w.T, np.eye(8), atol=1e-5)


def test_load_reads_a_params_file(tmp_path):
    path = tmp_path / "net-0001.params"
    mx.nd.save(str(path), {"arg:fc_weight": mx.nd.full((2, 3), 1.5), "aux:bn_moving_var": mx.nd.ones((3,))})
    weight = mx.nd.zeros((2, 3))
    mx.init.Load(str(path))("fc_weight", weight)
    assert weight.asnumpy().sum() == 9.0
    with pytest.raises(ValueError, match=r"shape mismatch, target \(3, 2\) vs loaded \(2, 3\)"):
        mx.init.Load(str(path))("fc_weight", mx.nd.zeros((3, 2)))
