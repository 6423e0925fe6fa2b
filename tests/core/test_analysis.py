"""The editor's live analysis: shapes, parameters and errors per node."""
import core as mx
from core.symbol.analysis import analyse


def test_counts_parameters_and_macs_per_node():
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data, num_hidden=100, name="fc1")
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(fc1, num_hidden=10, name="fc2"), name="softmax")
    report = analyse(net, {"data": (1, 784)})
    assert report.nodes["fc1"].params == 784 * 100 + 100
    assert report.nodes["fc2"].out_shapes == [(1, 10)]
    assert report.total_params == 78500 + 1010
    assert report.total_macs == 78400 + 1000
    assert report.errors == {}


def test_failing_node_is_marked_and_the_rest_still_analysed():
    data = mx.sym.Variable("data")
    left = mx.sym.FullyConnected(data, num_hidden=8, name="left")
    broken = mx.sym.FullyConnected(data, num_hidden=4, name="broken")
    after = mx.sym.Activation(broken, act_type="relu", name="after")
    report = analyse(mx.sym.Group([left, after]), {"data": (1, 20), "broken_weight": (4, 3)})
    assert "broken" in report.errors and "weight" in report.errors["broken"]
    assert report.nodes["left"].out_shapes == [(1, 8)]
    assert report.nodes["after"].out_shapes == [None] and report.nodes["after"].error is None
