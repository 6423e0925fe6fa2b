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


def activation_net():
    """NanoDet's conv → leaky relu, ResNet's conv → BatchNorm → relu, a relu read twice
    (must not run in place) and a leaky relu as the network's output."""
    data = mx.sym.Variable("data")
    x = mx.sym.Convolution(data, kernel=(3, 3), pad=(1, 1), num_filter=4, name="c1")
    x = mx.sym.LeakyReLU(x, act_type="leaky", slope=0.1, name="leaky1")           # in place
    y = mx.sym.Convolution(x, kernel=(3, 3), pad=(1, 1), num_filter=4, no_bias=True, name="c2")
    y = mx.sym.BatchNorm(y, fix_gamma=False, name="bn2")
    y = mx.sym.Activation(y, act_type="relu", name="relu2")                      # in place
    z = mx.sym.Convolution(y, kernel=(1, 1), num_filter=4, name="c3")
    shared = mx.sym.relu(z, name="relu3")                                        # in place
    w = mx.sym.Convolution(shared, kernel=(1, 1), num_filter=4, name="c4")
    both = w + shared                                                            # c4's relu input read twice
    return mx.sym.LeakyReLU(mx.sym.Convolution(both, kernel=(1, 1), num_filter=2, name="c5"),
                            act_type="leaky", slope=0.2, name="head")            # a head: in place too


def _fused_and_plain(exe):
    fused = exe.forward(is_train=False)[0].asnumpy()
    exe.set_monitor_callback(lambda name, array: None)   # every layer on its own
    plain = exe.forward(is_train=False)[0].asnumpy()
    exe.set_monitor_callback(None)
    return fused, plain


def test_relu_and_leaky_relu_run_in_place_on_the_convolution_output():
    exe = bound(activation_net())
    names = sorted(exe._steps[i].node.name for i in exe._in_place)
    assert names == ["head", "leaky1", "relu2", "relu3"]
    fused, plain = _fused_and_plain(exe)
    np.testing.assert_allclose(fused, plain, rtol=1e-5, atol=1e-5)
    again = exe.forward(is_train=False)[0].asnumpy()     # the in-place pass left no trace
    np.testing.assert_array_equal(again, fused)


def test_activation_read_by_two_layers_or_after_a_non_convolution_is_not_in_place():
    data = mx.sym.Variable("data")
    c = mx.sym.Convolution(data, kernel=(1, 1), num_filter=2, name="c")
    net = mx.sym.relu(c, name="a") + mx.sym.relu(c, name="b")    # c read twice
    net = mx.sym.relu(net, name="after_add")                      # not a convolution's output
    exe = bound(net)
    assert exe._in_place == set()
    fused, plain = _fused_and_plain(exe)
    np.testing.assert_array_equal(fused, plain)


def test_in_place_activations_without_compiled_kernels(monkeypatch):
    from core.backend.cpu import jit
    monkeypatch.setattr(jit, "ENABLED", False)            # the NETSTUDIO_JIT=0 path
    exe = bound(activation_net())
    fused, plain = _fused_and_plain(exe)
    np.testing.assert_allclose(fused, plain, rtol=1e-5, atol=1e-5)


def test_in_place_leaky_relu_keeps_nan_and_matches_numpy():
    from core.backend.cpu.relu_kernels import activate_in_place
    x = np.array([-2.0, -0.0, 0.0, 3.0, np.nan, -np.inf, np.inf], np.float32)
    expected = np.maximum(x, x * np.float32(0.1))
    np.testing.assert_array_equal(activate_in_place(np, x.copy(), 0.1), expected)
    np.testing.assert_array_equal(activate_in_place(np, x.copy()), np.maximum(x, 0))


def test_one_picture_convolution_split_over_the_cores_gives_the_plain_result(monkeypatch):
    """One sample: its GEMM is cut into one piece per core (parallel.matmul)."""
    from core.backend.cpu import parallel
    from core.ops.registry import OPS
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 8, 40, 40)).astype(np.float32)
    w = rng.standard_normal((16, 8, 3, 3)).astype(np.float32)
    b = rng.standard_normal(16).astype(np.float32)
    op = OPS.get("Convolution")(node_name="c", kernel=(3, 3), pad=(1, 1), num_filter=16)
    monkeypatch.setattr(parallel, "THREADS", 1)
    (one,), _ = op.forward(np, [x, w, b], [], False)
    monkeypatch.setattr(parallel, "THREADS", 2)
    monkeypatch.setattr(parallel, "SPLIT_MACS", 1000)     # split even this small GEMM
    (two,), _ = op.forward(np, [x, w, b], [], False)
    np.testing.assert_allclose(two, one, rtol=1e-5, atol=1e-5)
