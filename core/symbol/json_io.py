"""MXNet's symbol JSON read into a Symbol (json_write.py writes it).

A symbol file may hold anything: every way it can be wrong (not UTF-8, not JSON, nested
too deep, a field of the wrong type, an attribute out of its range, an input that points
nowhere) raises one ``SymbolFormatError`` naming the file, the node and the field.

>>> from_json('{"nodes": [{"op": "null", "name": "data", "inputs": []}], "heads": 7}', "net.json")
Traceback (most recent call last):
core.errors.SymbolFormatError: net.json: field 'heads' must be a list of [node, output] pairs, got int
"""
from __future__ import annotations

import json

from ..errors import GraphError, SymbolFormatError, UnknownOperator
from ..fileio import open_regular
from ..ops import OPS
from .graph import Node, mark_aux_init
from .symbol import Symbol

#: attribute values MXNet writes (all strings) and what older files hold
_ATTR_VALUE_TYPES = (str, int, float, bool)


def from_json(text, source="<json>"):
    """The Symbol in ``text`` (str, or UTF-8 bytes) read from ``source`` (for messages)."""
    doc = _parse(text, source)
    nodes = _field(doc, "nodes", list, source, "a list of nodes")
    heads = _field(doc, "heads", list, source, "a list of [node, output] pairs")
    if not heads:
        raise SymbolFormatError(f"{source}: field 'heads' is empty; a network needs at least one output")
    built = []
    for number, raw in enumerate(nodes):
        built.append(_node(raw, number, built, source))
    return Symbol([_entry(head, built, source, "field 'heads'") for head in heads])


def _parse(text, source):
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as error:
            raise SymbolFormatError(f"{source}: not UTF-8 text (byte {error.start}); a symbol file "
                                    f"is JSON as MXNet or Net Studio writes it") from None
    try:
        doc = json.loads(text)
    except RecursionError:
        raise SymbolFormatError(f"{source}: nested too deeply to be a symbol file") from None
    except ValueError as error:   # JSONDecodeError, or an integer with too many digits
        raise SymbolFormatError(f"{source}: not valid JSON ({error})") from None
    if not isinstance(doc, dict) or "nodes" not in doc or "heads" not in doc:
        raise SymbolFormatError(f"{source}: not an MXNet symbol file (expected keys 'nodes' and 'heads')")
    return doc


def _field(raw, key, kind, where, what):
    value = raw.get(key)
    if not isinstance(value, kind):
        raise SymbolFormatError(f"{where}: field {key!r} must be {what}, got {type(value).__name__}")
    return value


def _node(raw, number, built, source):
    if not isinstance(raw, dict) or "op" not in raw or "name" not in raw:
        raise SymbolFormatError(f"{source}: node {number} lacks 'op' or 'name'")
    where = f"{source}: node {number}"
    name = _field(raw, "name", str, where, "a string")
    where = f"{source}: node {name!r}"
    op_name = _field(raw, "op", str, where, "a string")
    attrs = {}
    for key in ("param", "attr", "attrs"):  # old files use param/attr, new ones attrs
        if raw.get(key) is None:
            continue
        for attr, value in _field(raw, key, dict, where, "an object of attribute strings").items():
            if not isinstance(value, _ATTR_VALUE_TYPES):
                raise SymbolFormatError(f"{where}: attribute {attr!r} must be a string, got "
                                        f"{type(value).__name__}")
            attrs[attr] = str(value)
    inputs = raw.get("inputs", [])
    if not isinstance(inputs, list):
        raise SymbolFormatError(f"{where}: field 'inputs' must be a list of [node, output] pairs, "
                                f"got {type(inputs).__name__}")
    inputs = [_entry(e, built, source, f"node {name!r}") for e in inputs]
    if op_name == "null":
        return Node(None, name, attrs)
    try:
        cls = OPS.get(op_name)
    except UnknownOperator:
        raise UnknownOperator(f"{source}: node {name!r} uses operator {op_name!r}, which Net Studio "
                              f"does not have") from None
    hidden = {k: v for k, v in attrs.items() if k.startswith("__") and k.endswith("__")}
    try:
        op = cls(node_name=name, **{k: v for k, v in attrs.items() if k not in hidden})
    except GraphError as error:
        raise SymbolFormatError(f"{source}: {error}") from None
    expected = len(op.list_arguments()) + len(op.list_auxiliary_states())
    if len(inputs) != expected:
        raise SymbolFormatError(f"{source}: node {name!r} ({op.name}) has {len(inputs)} inputs, "
                                f"expected {expected}: {op.list_arguments() + op.list_auxiliary_states()}")
    for (variable, _), aux in zip(inputs[len(op.list_arguments()):], op.list_auxiliary_states()):
        mark_aux_init(variable, aux)
    return Node(op, name, hidden, inputs)


def _entry(raw, built, source, where):
    """A ``[node, output]`` or ``[node, output, version]`` reference to an earlier node."""
    if (not isinstance(raw, list) or len(raw) not in (2, 3)
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in raw)):
        raise SymbolFormatError(f"{source}: {where} has input {_short(raw)}; expected "
                                f"[node, output] with whole numbers")
    node_id, index = raw[0], raw[1]
    if not 0 <= node_id < len(built):
        raise SymbolFormatError(f"{source}: {where} refers to node {node_id}, which does not come "
                                f"before it in the file")
    node = built[node_id]
    outputs = node.num_visible_outputs() + (node.op.hidden_outputs if node.op else 0)
    if not 0 <= index < outputs:
        raise SymbolFormatError(f"{source}: {where} uses output {index} of {node.name!r}, "
                                f"which has {node.num_visible_outputs()}")
    return (node, index)


def _short(value, limit=40):
    try:
        text = json.dumps(value)
    except RecursionError:
        return f"a deeply nested {type(value).__name__}"
    return text if len(text) <= limit else text[:limit] + "..."


def load_json(json_str):
    return from_json(json_str)


def load(fname):
    try:
        with open_regular(fname, "rb") as handle:
            text = handle.read()
    except OSError as error:
        raise SymbolFormatError(f"cannot read symbol file {fname}: {error.strerror}") from None
    return from_json(text, source=str(fname))
