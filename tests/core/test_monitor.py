"""Monitor: statistics of outputs, weights and gradients every `interval` batches."""
import logging
import math

import numpy as np
import pytest

import core as mx


def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((60, 6)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.float32)


def test_monitor_in_fit_reports_outputs_weights_and_gradients_every_interval(caplog):
    x, y = data()
    mon = mx.monitor.Monitor(2, pattern=r".*(output|weight|_grad)$", sort=True)
    mod = mx.mod.Module(mx.mlp(hidden_node=[4], out_node=2))
    with caplog.at_level(logging.INFO):
        mod.fit(mx.io.NDArrayIter(x, y, 20), num_epoch=2, monitor=mon, initializer=mx.init.Xavier())
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Batch:")]
    steps = sorted({int(line.split()[1]) for line in lines})
    assert steps == [1, 3, 5]                       # 6 batches, reported on every second one
    names = {line.split()[2] for line in lines}
    assert {"fc1_output", "softmax_output", "fc1_weight", "fc2_weight", "fc1_weight_grad"} <= names
    assert "fc1_bias" not in names                  # the pattern filters


def test_default_statistic_is_rms_and_matches_the_weights():
    x, y = data()
    mod = mx.mod.Module(mx.mlp(hidden_node=[4], out_node=2))
    mod.bind(data_shapes=[("data", (20, 6))], label_shapes=[("softmax_label", (20,))])
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer()
    mon = mx.monitor.Monitor(1, pattern="fc1_weight$")
    mod.install_monitor(mon)
    mon.tic()
    mod.forward_backward(mx.io.DataBatch([mx.nd.array(x[:20])], [mx.nd.array(y[:20])]))
    mod.update()
    (step, name, text), = mon.toc()
    weight = mod.get_params()[0]["fc1_weight"].asnumpy()
    assert (step, name) == (1, "fc1_weight")
    assert float(text) == pytest.approx(np.linalg.norm(weight) / math.sqrt(weight.size), rel=1e-6)
    assert mon.toc() == []                          # nothing until the next tic


def test_custom_stat_func_on_an_executor():
    net = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=3, name="fc")
    exe = net.simple_bind(mx.cpu(), data=(2, 4))
    exe.arg_dict["fc_weight"][:] = 1.0
    mon = mx.monitor.Monitor(1, stat_func=lambda a: a.max(), pattern="fc_")
    mon.install(exe)
    mon.tic()
    exe.forward(data=mx.nd.ones((2, 4)))
    result = dict((name, text) for _, name, text in mon.toc())
    assert float(result["fc_output"]) == 4.0 and float(result["fc_weight"]) == 1.0
