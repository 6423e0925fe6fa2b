"""The editor's Qt-free document: edits, Symbol/JSON round trips, analysis, layout, palette."""
import json
import subprocess
from pathlib import Path

import pytest

from core.errors import CycleError, GraphError
from core.graphdoc import (POS_ATTR, Edge, GraphDocument, document_from_json, document_from_symbol,
                           to_json, to_symbol)
from core.graphdoc.check import analyse_document
from core.graphdoc.layout import layout_document
from core.graphdoc.palette import palette_groups
from core.graphdoc.templates import template, templates
from core.ops import OPS
from core.symbol import load
from core.zoo.builtin import get_symbol

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mxnet"
MXNET_PYTHON = Path("/work/mxvenv/bin/python")


def _strip_positions(text):
    doc = json.loads(text)
    for node in doc["nodes"]:
        node.get("attrs", {}).pop(POS_ATTR, None)
        if node.get("attrs") == {}:
            del node["attrs"]
    return doc


def _names(doc, ids):
    return sorted(doc.nodes[i].name for i in ids)


@pytest.mark.parametrize("name", ["lenet", "mlp", "resnet18_v1", "inception-bn", "mobilenetv2_1.0"])
def test_builtin_networks_round_trip_through_the_document(name):
    symbol = get_symbol(name)
    doc = document_from_symbol(symbol)
    assert json.loads(to_symbol(doc, positions=False).tojson()) == json.loads(symbol.tojson())


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*-symbol.json")), ids=lambda p: p.stem)
def test_mxnet_written_files_round_trip_with_their_parameter_names(path):
    symbol = load(path)
    doc = document_from_json(path.read_text(), str(path))
    assert [n.name for n in doc.nodes.values() if n.is_variable] == ["data"]
    again = to_symbol(doc, positions=False)
    assert again.list_arguments() == symbol.list_arguments()
    assert again.list_auxiliary_states() == symbol.list_auxiliary_states()
    assert json.loads(again.tojson()) == json.loads(symbol.tojson())


def test_positions_are_saved_as_node_attributes_and_read_back():
    doc = template("lenet").document()
    for number, node in enumerate(doc.nodes.values()):
        doc.move(node.id, (10.0 * number, 90.0 * number))
    text = to_json(doc)
    assert json.loads(text)["nodes"][0]["attrs"][POS_ATTR] == "(0, 0)"
    again = document_from_json(text)
    assert [n.pos for n in again.nodes.values()] == [n.pos for n in doc.nodes.values()]
    assert _strip_positions(text) == _strip_positions(to_json(again))


@pytest.mark.skipif(not MXNET_PYTHON.exists(), reason="needs the throwaway MXNet 1.9.1 venv")
def test_a_saved_document_loads_in_mxnet(tmp_path):
    doc = template("resnet18_v1").document()
    positions = layout_document(doc, lambda node: (180, 50))
    for node_id, pos in positions.items():
        doc.move(node_id, pos)
    path = tmp_path / "resnet-symbol.json"
    path.write_text(to_json(doc))
    script = ("import mxnet as mx, sys; s = mx.sym.load(sys.argv[1]); "
              "print(s.infer_shape(data=(2, 3, 224, 224))[1][0], len(s.list_arguments()))")
    out = subprocess.run([str(MXNET_PYTHON), "-c", script, str(path)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-3:] == ["(2,", "1000)", str(len(to_symbol(doc).list_arguments()))]


def test_analysis_of_lenet_gives_shapes_parameters_and_multiply_adds():
    doc = template("lenet").document()
    report = analyse_document(doc)
    conv1 = doc.by_name("conv1")
    assert report.nodes[conv1.id].out_shapes == [(1, 6, 24, 24)]
    assert report.nodes[conv1.id].params == 6 * 25 + 6
    assert report.total_params == 60170
    assert report.total_macs == 231720
    assert report.errors == {}


def test_a_kernel_too_large_marks_that_node_and_blocks_only_what_follows():
    doc = template("lenet").document()
    doc.set_attr(doc.by_name("conv2").id, "kernel", "(13, 13)")
    report = analyse_document(doc)
    assert _names(doc, report.errors) == ["conv2"]
    assert "conv2" in report.errors[doc.by_name("conv2").id]
    assert report.nodes[doc.by_name("pool1").id].out_shapes == [(1, 6, 12, 12)]
    assert report.nodes[doc.by_name("softmax").id].blocked


def test_a_fully_connected_layer_fed_the_wrong_shape_is_the_one_marked():
    doc = template("lenet").document()
    fc2 = doc.by_name("fc2")
    doc.node(fc2.id).param_vars["weight"] = ("fc2_weight", {"__shape__": "(84, 100)"})
    report = analyse_document(doc)
    assert _names(doc, report.errors) == ["fc2"]
    assert "(84, 100)" in report.errors[fc2.id]


def test_open_inputs_invalid_attributes_cycles_and_missing_shapes_are_reported():
    doc = GraphDocument()
    data = doc.add_node(doc.make_node("null", "data"))
    fc = doc.add_node(doc.make_node("FullyConnected", attrs={"num_hidden": "ten"}))
    act = doc.add_node(doc.make_node("Activation", attrs={"act_type": "relu"}))
    doc.connect(Edge(data.id, 0, fc.id, "data"))
    report = analyse_document(doc)
    assert "no shape" in report.errors[data.id]
    assert "not connected" in report.errors[act.id]
    doc.set_attr(data.id, "__shape__", "(1, 784)")
    assert "num_hidden" in analyse_document(doc).errors[fc.id]
    doc.set_attr(fc.id, "num_hidden", "10")
    doc.connect(Edge(fc.id, 0, act.id, "data"))
    assert analyse_document(doc).errors == {}
    add = doc.add_node(doc.make_node("elemwise_add"))
    doc.connect(Edge(act.id, 0, add.id, "lhs"))
    doc.connect(Edge(add.id, 0, add.id, "rhs"))
    report = analyse_document(doc)
    assert _names(doc, report.errors) == [add.name]
    assert "cycle" in report.errors[add.id]
    with pytest.raises(CycleError):
        to_symbol(doc)


def test_connect_replaces_the_slot_and_fewer_inputs_drop_their_edges():
    doc = GraphDocument()
    a, b = (doc.add_node(doc.make_node("null", name)) for name in ("a", "b"))
    concat = doc.add_node(doc.make_node("Concat", attrs={"num_args": "3"}))
    assert concat.ports().inputs == ("arg0", "arg1", "arg2")
    doc.connect(Edge(a.id, 0, concat.id, "arg0"))
    replaced = doc.connect(Edge(b.id, 0, concat.id, "arg0"))
    assert replaced == Edge(a.id, 0, concat.id, "arg0")
    doc.connect(Edge(a.id, 0, concat.id, "arg2"))
    dropped = doc.set_attr(concat.id, "num_args", "2")
    assert dropped == [Edge(a.id, 0, concat.id, "arg2")]
    with pytest.raises(GraphError):
        doc.connect(Edge(a.id, 0, concat.id, "weight"))
    with pytest.raises(GraphError):
        doc.rename(a.id, "b")


def test_every_zoo_network_lays_out_without_overlaps():
    for key in ("resnet18_v1", "inception-bn", "squeezenet1.1"):
        doc = template(key).document()
        sizes = {n.id: (140 + 6 * len(n.name) % 90, 50 + 10 * (n.id % 2)) for n in doc.nodes.values()}
        positions = layout_document(doc, lambda node: sizes[node.id])
        rects = [(x, y, x + sizes[i][0], y + sizes[i][1]) for i, (x, y) in positions.items()]
        for i, a in enumerate(rects):
            for b in rects[i + 1:]:
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (key, a, b)
        for edge in doc.edges:      # every edge points down the page
            assert positions[edge.dst][1] > positions[edge.src][1]


def test_the_palette_offers_every_registered_operator_and_an_input():
    offered = [entry.op for _, entries in palette_groups() for entry in entries]
    assert sorted(offered) == sorted(["null"] + OPS.names())
    groups = [group for group, _ in palette_groups()]
    assert groups[:6] == ["Input", "Convolution", "Pooling", "Dense", "Activation", "Normalization"]
    assert "Merge" in groups and "Output" in groups


def test_templates_list_lenet_mlp_and_every_builtin_network():
    from core.zoo.builtin import list_networks
    found = templates()
    assert [t.key for t in found[:2]] == ["lenet", "mlp"]
    assert sorted(t.key for t in found) == sorted(list_networks())
    assert analyse_document(template("mlp").document()).errors == {}


def test_an_explicit_label_input_is_kept_and_needs_no_shape():
    doc = template("mlp").document()
    label = doc.add_node(doc.make_node("null", "label"))
    softmax = doc.by_name("softmax")
    doc.connect(Edge(label.id, 0, softmax.id, "label"))
    report = analyse_document(doc)
    assert report.errors == {} and report.nodes[label.id].out_shapes == [(1,)]
    symbol = to_symbol(doc)
    assert "label" in symbol.list_arguments() and "softmax_label" not in symbol.list_arguments()
    again = document_from_json(symbol.tojson())
    assert again.by_name("label").is_variable
    assert [e.slot for e in again.edges_from(again.by_name("label").id)] == ["label"]
