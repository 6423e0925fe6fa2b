"""Hostile symbol files (generated here, tiny): whatever is wrong with one, loading it
raises one SymbolFormatError naming the file and, where there is one, the node and the
field -- never a raw OverflowError, TypeError, AttributeError, RecursionError,
UnicodeDecodeError or KeyError."""
import json

import pytest

import core as mx
from core.errors import SymbolFormatError

DATA = {"op": "null", "name": "data", "inputs": []}


def conv(**changes):
    node = {"op": "Convolution", "name": "conv1", "attrs": {"kernel": "(3, 3)", "num_filter": "8"},
            "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]}
    node.update(changes)
    return node


def network(*nodes, heads=None):
    nodes = [DATA, {"op": "null", "name": "conv1_weight", "inputs": []},
             {"op": "null", "name": "conv1_bias", "inputs": []}, *nodes]
    return json.dumps({"nodes": nodes, "heads": [[len(nodes) - 1, 0, 0]] if heads is None else heads})


def with_attrs(**attrs):
    return network(conv(attrs={"kernel": "(3, 3)", "num_filter": "8", **attrs}))


# (file content, words the message must hold besides the file name)
HOSTILE = {
    "num_filter_overflow": (with_attrs(num_filter="1e400"), ["conv1", "num_filter"]),
    "num_filter_huge_digits": (with_attrs(num_filter="9" * 5000), ["conv1", "num_filter"]),
    "pad_negative": (with_attrs(pad="(-1, -1)"), ["conv1", "pad"]),
    "kernel_deep_brackets": (with_attrs(kernel="(" * 20000 + ")" * 20000), ["conv1", "kernel"]),
    "heads_an_int": (json.dumps({"nodes": [DATA], "heads": 7}), ["heads"]),
    "heads_empty": (json.dumps({"nodes": [DATA], "heads": []}), ["heads"]),
    "heads_out_of_range": (network(conv(), heads=[[99, 0, 0]]), ["heads", "99"]),
    "heads_negative": (network(conv(), heads=[[-1, 0, 0]]), ["heads", "-1"]),
    "nodes_an_object": ('{"nodes": {"op": "null"}, "heads": [[0, 0, 0]]}', ["nodes"]),
    "node_a_string": (json.dumps({"nodes": ["data"], "heads": [[0, 0, 0]]}), ["node 0"]),
    "name_a_number": (json.dumps({"nodes": [dict(DATA, name=5)], "heads": [[0, 0, 0]]}), ["node 0", "name"]),
    "op_a_list": (network(conv(op=["Convolution"])), ["conv1", "op"]),
    "attrs_a_list": (network(conv(attrs=["kernel", "(3, 3)"])), ["conv1", "attrs"]),
    "attrs_a_string": (network(conv(attrs="kernel=(3,3)")), ["conv1", "attrs"]),
    "attr_value_an_object": (with_attrs(stride={"h": 1}), ["conv1", "stride"]),
    "inputs_an_object": (network(conv(inputs={"data": 0})), ["conv1", "inputs"]),
    "input_a_string": (network(conv(inputs=["data", [1, 0], [2, 0]])), ["conv1", "data"]),
    "input_float_overflow": (network(conv(inputs=[[1e400, 0], [1, 0], [2, 0]])).replace("Infinity", "1e400"),
                             ["conv1"]),
    "input_negative": (network(conv(inputs=[[-1, 0], [1, 0], [2, 0]])), ["conv1", "-1"]),
    "deep_nesting": ('{"nodes": ' + "[" * 100_000 + "]" * 100_000 + ', "heads": []}', ["nested"]),
    "not_json": ("{nodes: [", ["JSON"]),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_symbol_file_is_one_format_error_naming_node_and_field(name, tmp_path):
    text, words = HOSTILE[name]
    path = tmp_path / f"{name}-symbol.json"
    path.write_text(text)
    with pytest.raises(SymbolFormatError) as caught:
        mx.sym.load(str(path))
    message = str(caught.value)
    assert message.startswith(str(path)) and len(message) < 500, message
    for word in words:
        assert word in message, message


def test_non_utf8_bytes_name_the_file(tmp_path):
    path = tmp_path / "latin1-symbol.json"
    path.write_bytes(network(conv()).replace("conv1", "conv\xe9").encode("latin-1"))
    with pytest.raises(SymbolFormatError, match="not UTF-8"):
        mx.sym.load(str(path))
    with pytest.raises(SymbolFormatError, match="not UTF-8"):
        mx.sym.load_json(path.read_bytes())


def test_a_folder_is_not_a_symbol_file(tmp_path):
    with pytest.raises(SymbolFormatError, match="cannot read symbol file"):
        mx.sym.load(str(tmp_path))


def test_the_well_formed_file_these_are_made_from_loads():
    net = mx.sym.load_json(network(conv()))
    assert net.list_arguments() == ["data", "conv1_weight", "conv1_bias"]
    assert net.infer_shape(data=(1, 1, 8, 8))[1] == [(1, 8, 6, 6)]
