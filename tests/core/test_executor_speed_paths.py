"""The executor's inference shortcuts give the plain results: BatchNorm folded into the
convolution before it (a clip after it applied in place), intermediates dropped after
their last reader."""
import numpy as np

import core as mx
from core import executor_passes


def conv_bn_net():
    data = mx.sym.Variable("data")
    x = mx.sym.Convolution(data, kernel=(3, 3), pad=(1, 1), num_filter=4, no_bias=True, name="c1")
    x = mx.sym.BatchNorm(x, fix_gamma=False, name="bn1")
    x = mx.sym.clip(x, a_min=0.0, a_max=6.0, name="relu6")                       # in place
    x = mx.sym.Convolution(x, kernel=(1, 1), num_filter=3, name="c2")            # with bias
    x = mx.sym.BatchNorm(x, fix_gamma=True, name="bn2")
    return mx.sym.Convolution(x, kernel=(3, 3), num_filter=3, num_group=3, name="dw")


def bound(net):
    rng = np.random.default_rng(5)
    exe = net.simple_bind(mx.cpu(), grad_req="null", data=(2, 3, 8, 8))
    for name, array in list(exe.arg_dict.items()) + list(exe.aux_dict.items()):
        values = rng.uniform(0.5, 1.5, array.shape) if name.endswith("var") else rng.normal(0, 1, array.shape)
        array[:] = values.astype(np.float32)
    return exe


def test_batchnorm_folded_into_the_convolution_gives_the_same_output(monkeypatch):
    exe = bound(conv_bn_net())
    assert len(exe._conv_bn) == 2
    assert [clip is not None for _, clip in exe._conv_bn.values()] == [True, False]
    monkeypatch.setattr(executor_passes, "FOLD_RATIO", 0)            # fold whatever the sizes
    fused = exe.forward(is_train=False)[0].asnumpy()
    seen = []
    exe.set_monitor_callback(lambda name, array: seen.append(name))   # every layer: no folding
    plain = exe.forward(is_train=False)[0].asnumpy()
    assert "bn1_output" in seen and "c1_output" in seen and "relu6_output" in seen
    # float32 sums in another order: values up to ~30, so 1e-4 absolute
    np.testing.assert_allclose(fused, plain, rtol=1e-5, atol=1e-4)


def test_training_forward_is_not_folded():
    exe = bound(conv_bn_net())
    before = exe.aux_dict["bn1_moving_mean"].asnumpy().copy()
    train = exe.forward(is_train=True)[0].asnumpy()
    infer = exe.forward(is_train=False)[0].asnumpy()
    assert not np.allclose(train, infer)        # batch statistics, not the running ones
    np.testing.assert_array_equal(exe.aux_dict["bn1_moving_mean"].asnumpy(), before)


def test_inference_outputs_survive_dropped_intermediates():
    exe = bound(conv_bn_net())
    first = exe.forward(is_train=False)[0].asnumpy()
    again = exe.forward(is_train=False)[0].asnumpy()
    np.testing.assert_array_equal(first, again)
    assert exe._values is None
