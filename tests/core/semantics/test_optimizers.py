"""Issue 23 points 8 and 9: custom optimizers are called; multi_precision keeps a master copy."""
import numpy as np
import pytest

import core as mx
from tests.core.semantics.mxnet_answers import array, cases


def test_a_registered_optimizer_overriding_update_trains_as_in_mxnet():
    weight, bias = cases.fit_with_custom_optimizer(mx)
    np.testing.assert_allclose(weight, array("custom_optimizer/fc_weight"), rtol=1e-5)
    np.testing.assert_allclose(bias, array("custom_optimizer/fc_bias"), rtol=1e-5)


@pytest.mark.parametrize("name, options", [("sgd", {"momentum": 0.9}), ("sgd", {}),
                                           ("nag", {"momentum": 0.9}), ("adam", {}),
                                           ("rmsprop", {}), ("adagrad", {})])
def test_multi_precision_updates_a_float32_master_copy_of_float16_weights(name, options):
    opt = mx.optimizer.create(name, learning_rate=1e-4, multi_precision=True, **options)
    updater = mx.optimizer.get_updater(opt)
    w = mx.nd.ones((3,), dtype="float16")
    for _ in range(10):
        updater(0, mx.nd.array([1.0, 0.5, -2.0], dtype="float16"), w)
    expected = array(f"multi_precision/{name}{'_mom' if options else ''}")
    assert w.dtype == np.float16
    np.testing.assert_array_equal(w.asnumpy(), expected)
    restored = mx.optimizer.get_updater(mx.optimizer.create(name, multi_precision=True, **options))
    restored.set_states(updater.get_states())
    master = restored.states[0][0]          # (float32 master copy, the rule's own state)
    assert master.dtype == np.float32
    np.testing.assert_allclose(master.asnumpy(), expected, rtol=1e-3)
