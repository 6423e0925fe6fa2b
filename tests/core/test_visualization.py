"""``mx.viz``: MXNet's summary table (plus FLOPs) and network drawing, as Graphviz Digraph
when the graphviz package is there and as DOT text otherwise."""
import math
import sys
import types

import pytest

import core as mx
from core.errors import GraphError
from core.symbol.analysis import analyse
from core.zoo.builtin import get_symbol


def summary_lines(capsys, *args, **kwargs):
    mx.viz.print_summary(*args, **kwargs)
    return capsys.readouterr().out.splitlines()


def test_the_summary_lists_layers_shapes_parameters_and_flops(capsys):
    net = get_symbol("lenet")
    lines = summary_lines(capsys, net, shape={"data": (1, 1, 28, 28)})
    assert lines[1].split()[:5] == ["Layer", "(type)", "Output", "Shape", "Param"]
    rows = {line.split()[0]: line.split() for line in lines if "(" in line.split()[0] and "Layer" not in line}
    assert list(rows)[:3] == ["data(null)", "conv1(Convolution)", "relu1(Activation)"]
    # 6 filters of 5x5 on 24x24 positions: 2 FLOPs per multiply-add
    assert rows["conv1(Convolution)"][1:] == ["6x24x24", "156", str(2 * 6 * 5 * 5 * 24 * 24), "data"]
    assert rows["fc1(FullyConnected)"][1:] == ["120", str(400 * 120 + 120), str(2 * 400 * 120), "flatten"]
    args, _, _ = net.infer_shape(data=(1, 1, 28, 28))
    params = sum(math.prod(s) for n, s in zip(net.list_arguments(), args) if n not in ("data", "softmax_label"))
    assert lines[-3] == f"Total params: {params}"
    assert lines[-2] == f"Total FLOPs: {2 * analyse(net, {'data': (1, 1, 28, 28)}).total_macs} per example"


def test_mxnet_s_four_positions_print_mxnet_s_four_columns(capsys):
    lines = summary_lines(capsys, get_symbol("resnet18_v1"), shape={"data": (1, 3, 224, 224)},
                          positions=[.44, .64, .74, 1.])
    assert lines[1].split() == ["Layer", "(type)", "Output", "Shape", "Param", "#", "Previous", "Layer"]
    plus = lines.index(next(line for line in lines if line.startswith("resnetv10_stage1_plus0")))
    assert lines[plus].split()[1:] == ["64x56x56", "0", "resnetv10_pool0_fwd"]
    assert lines[plus + 1].split() == ["resnetv10_stage1_batchnorm1_fwd"]      # second input, own line
    assert lines[-2] == "Total params: 11689512"


def test_shapes_that_do_not_fit_are_a_clear_error():
    with pytest.raises(GraphError, match="do not go through the network"):
        mx.viz.print_summary(get_symbol("lenet"), shape={"data": (1, 3, 5, 5)})


def test_without_graphviz_the_drawing_is_dot_text(tmp_path):
    net = get_symbol("lenet")
    dot = mx.viz.plot_network(net, shape={"data": (1, 1, 28, 28)}, graphviz=False)
    source = dot.source
    assert source.startswith("digraph plot {") and source.rstrip().endswith("}")
    assert 'conv1 [label="Convolution\\n5x5/1, 6"' in source
    assert 'pool1 [label="Pooling\\nmax, 2x2/2x2"' in source
    assert 'conv1 -> data [arrowtail=open dir=back label="1x28x28"]' in source
    assert "conv1_weight" not in source                                   # weights hidden
    shown = mx.viz.plot_network(net, hide_weights=False, graphviz=False).source
    assert "conv1 -> conv1_weight" in shown
    assert dot.save(tmp_path / "lenet.dot").read_text() == source


def test_with_graphviz_it_is_a_digraph(monkeypatch):
    calls = []

    class Digraph:                      # records what plot_network asks the graphviz package for
        def __init__(self, name, format):
            calls.append(("graph", name, format))

        def node(self, name, label, **attrs):
            calls.append(("node", name, label, attrs["fillcolor"]))

        def edge(self, tail_name, head_name, **attrs):
            calls.append(("edge", tail_name, head_name, attrs["label"]))

    monkeypatch.setitem(sys.modules, "graphviz", types.SimpleNamespace(Digraph=Digraph))
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=3, name="fc"), name="sm")
    dot = mx.viz.plot_network(net, title="tiny", save_format="png", shape={"data": (2, 5)})
    assert isinstance(dot, Digraph) and calls[0] == ("graph", "tiny", "png")
    assert ("node", "fc", "FullyConnected\n3", "#fb8072") in calls
    assert ("edge", "fc", "data", "5") in calls and ("edge", "sm", "fc", "3") in calls
    monkeypatch.setitem(sys.modules, "graphviz", None)          # not installed: import fails
    assert isinstance(mx.viz.plot_network(net), mx.viz.DotGraph)
    with pytest.raises(ImportError, match="pip install graphviz"):
        mx.viz.plot_network(net, graphviz=True)


def test_viz_and_attribute_are_importable_by_their_mxnet_names():
    assert mx.viz.print_summary and mx.visualization.plot_network
    with mx.attribute.AttrScope(group="stage1"):
        net = mx.sym.Variable("x")
    assert "stage1" in net.list_attr().values()
