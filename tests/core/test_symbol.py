"""Symbols: MXNet's automatic names, shape inference, JSON, and errors that name the node."""
import json
import warnings

import numpy as np
import pytest

import core as mx
from core.errors import GraphError, ShapeError, SymbolFormatError, UnknownOperator, CycleError


def mlp():
    with mx.sym.NameManager():
        data = mx.sym.Variable("data")
        fc1 = mx.sym.FullyConnected(data=data, name="fc1", num_hidden=128)
        act1 = mx.sym.Activation(data=fc1, name="relu1", act_type="relu")
        fc2 = mx.sym.FullyConnected(data=act1, num_hidden=10)
        return mx.sym.SoftmaxOutput(data=fc2, name="softmax")


def test_automatic_and_explicit_names():
    net = mlp()
    assert net.list_arguments() == ["data", "fc1_weight", "fc1_bias", "fullyconnected0_weight",
                                    "fullyconnected0_bias", "softmax_label"]
    assert net.list_outputs() == ["softmax_output"]
    assert net.list_auxiliary_states() == []


def test_name_scopes_count_separately():
    with mx.sym.NameManager():
        a = mx.sym.Activation(mx.sym.Variable("x"), act_type="relu")
    with mx.sym.NameManager():
        b = mx.sym.Activation(mx.sym.Variable("x"), act_type="relu")
    assert a.name == b.name == "activation0"
    with mx.sym.Prefix("net_"):
        c = mx.sym.Activation(mx.sym.Variable("x"), act_type="relu")
    assert c.name == "net_activation0"


def test_infer_shape():
    arg, out, aux = mlp().infer_shape(data=(32, 784))
    assert arg == [(32, 784), (128, 784), (128,), (10, 128), (10,), (32,)]
    assert out == [(32, 10)] and aux == []


def test_infer_shape_unresolved_returns_none_and_names_what_is_missing():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert mlp().infer_shape() == (None, None, None)
    assert "data" in str(caught[0].message)


def test_internals_and_group():
    net = mlp()
    internals = net.get_internals()
    assert "fc1_output" in internals.list_outputs()
    fc1 = internals["fc1_output"]
    assert fc1.infer_shape(data=(2, 5))[1] == [(2, 128)]
    group = mx.sym.Group([fc1, net])
    assert group.list_outputs() == ["fc1_output", "softmax_output"]
    with pytest.raises(GraphError, match="no output named 'nope'"):
        internals["nope"]


def test_json_layout_is_mxnets():
    doc = json.loads(mlp().tojson())
    assert set(doc) >= {"nodes", "arg_nodes", "heads", "node_row_ptr", "attrs"}
    fc1 = next(n for n in doc["nodes"] if n["name"] == "fc1")
    assert fc1 == {"op": "FullyConnected", "name": "fc1", "attrs": {"num_hidden": "128"},
                   "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]}
    assert doc["arg_nodes"] == [i for i, n in enumerate(doc["nodes"]) if n["op"] == "null"]
    assert doc["heads"] == [[len(doc["nodes"]) - 1, 0, 0]]


def test_json_round_trip_and_files(tmp_path):
    net = mlp()
    again = mx.sym.load_json(net.tojson())
    assert again.list_arguments() == net.list_arguments()
    assert again.tojson() == net.tojson()
    path = tmp_path / "net-symbol.json"
    net.save(str(path))
    assert mx.sym.load(str(path)).infer_shape(data=(1, 3))[1] == [(1, 10)]


def test_old_json_with_param_key_loads():
    doc = {"nodes": [{"op": "null", "name": "data", "inputs": []},
                     {"op": "Activation", "name": "act", "param": {"act_type": "tanh"}, "inputs": [[0, 0]]}],
           "arg_nodes": [0], "heads": [[1, 0]]}
    net = mx.sym.load_json(json.dumps(doc))
    assert net.attr("act_type") == "tanh"


def test_unknown_operator_in_json_names_the_node():
    doc = {"nodes": [{"op": "null", "name": "data", "inputs": []},
                     {"op": "Frobnicate", "name": "frob1", "inputs": [[0, 0, 0]]}],
           "arg_nodes": [0], "heads": [[1, 0, 0]]}
    with pytest.raises(UnknownOperator, match="frob1.*Frobnicate"):
        mx.sym.load_json(json.dumps(doc))


def test_unknown_attribute_names_the_node():
    doc = {"nodes": [{"op": "null", "name": "data", "inputs": []},
                     {"op": "Activation", "name": "act9", "attrs": {"act_type": "relu", "colour": "red"},
                      "inputs": [[0, 0, 0]]}], "arg_nodes": [0], "heads": [[1, 0, 0]]}
    with pytest.raises(SymbolFormatError, match="act9.*colour"):
        mx.sym.load_json(json.dumps(doc))


def test_malformed_json_is_a_format_error():
    with pytest.raises(SymbolFormatError, match="not valid JSON"):
        mx.sym.load_json("{nodes: ")
    with pytest.raises(SymbolFormatError, match="not an MXNet symbol"):
        mx.sym.load_json("[1, 2]")
    bad_ref = {"nodes": [{"op": "Activation", "name": "a", "attrs": {"act_type": "relu"}, "inputs": [[5, 0, 0]]}],
               "arg_nodes": [], "heads": [[0, 0, 0]]}
    with pytest.raises(SymbolFormatError, match="node 'a'"):
        mx.sym.load_json(json.dumps(bad_ref))


def test_shape_mismatch_names_node_and_expectation():
    data = mx.sym.Variable("data")
    fc = mx.sym.FullyConnected(data, num_hidden=10, name="fc1")
    with pytest.raises(ShapeError, match=r"fc1.*weight"):
        fc.infer_shape(data=(32, 784), fc1_weight=(10, 100))


def test_missing_required_attribute():
    with pytest.raises(GraphError, match="num_hidden.*required"):
        mx.sym.FullyConnected(mx.sym.Variable("data"), name="fc")


def test_heads_are_the_outputs_as_graph_entries():
    data = mx.sym.Variable("data")
    split = mx.sym.SliceChannel(data, num_outputs=2, name="split")
    group = mx.sym.Group([split[1], data])
    assert [(node.name, index) for node, index in group.heads] == [("split", 1), ("data", 0)]
    assert group.list_outputs() == ["split_output1", "data"]
    assert isinstance(group.heads, tuple)   # a view: changing it cannot change the symbol


def test_cycle_is_detected():
    net = mlp()
    node = net.heads[0][0]
    node.inputs[0][0].inputs[0] = (node, 0)   # only a corrupt file could do this
    with pytest.raises(CycleError):
        net.list_arguments()


def test_composition_replaces_variables():
    head = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=3, name="head")
    body = mx.sym.Activation(mx.sym.Variable("x"), act_type="relu", name="body")
    net = head(data=body)
    assert net.list_arguments() == ["x", "head_weight", "head_bias"]


def test_symbol_arithmetic_builds_elementwise_nodes():
    a, b = mx.sym.Variable("a"), mx.sym.Variable("b")
    c = (a + b) * 2
    exe = c.bind(mx.cpu(), {"a": mx.nd.array([1, 2]), "b": mx.nd.array([3, 4])})
    np.testing.assert_allclose(exe.forward()[0].asnumpy(), [8, 12])
