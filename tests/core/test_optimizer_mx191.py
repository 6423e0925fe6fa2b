"""SGLD (issue 23 point 16): its noise cannot match MXNet's generator, so its rule is
checked by its statistics; every MXNet 1.9.1 optimizer name is creatable. The other new
optimizers are compared with MXNet's own updates in tests/core/ops/test_mx191_fixtures.py."""
import numpy as np

import core as mx


def test_sgld_drifts_by_half_a_gradient_step_and_adds_noise_of_variance_lr():
    opt = mx.optimizer.create("sgld", learning_rate=0.04, wd=0.5)
    weight = mx.nd.array(np.full(20000, 2.0))
    grad = mx.nd.array(np.full(20000, 1.0))
    mx.random.seed(7)
    opt.update(0, weight, grad, opt.create_state(0, weight))
    change = weight.asnumpy() - 2.0
    drift = -0.04 / 2 * (1.0 + 0.5 * 2.0)
    assert abs(change.mean() - drift) < 3 * 0.2 / np.sqrt(20000)
    assert abs(change.std() - 0.2) < 0.005          # sqrt(lr)


def test_sgld_repeats_under_the_same_seed():
    runs = []
    for _ in range(2):
        mx.random.seed(3)
        weight = mx.nd.array([1.0, 2.0, 3.0])
        opt = mx.optimizer.create("sgld", learning_rate=0.1)
        opt.update(0, weight, mx.nd.array([0.1, 0.2, 0.3]), None)
        runs.append(weight.asnumpy())
    np.testing.assert_array_equal(*runs)


def test_mxnet_1_9_1_optimizer_names_create_and_round_trip():
    for name in ("adamax", "nadam", "ftml", "ftrl", "lamb", "sgld", "signum"):
        opt = mx.optimizer.create(name, learning_rate=0.05)
        assert type(mx.optimizer.create(opt.dumps())) is type(opt)
        assert mx.optimizer.create(opt.dumps()).lr == 0.05
