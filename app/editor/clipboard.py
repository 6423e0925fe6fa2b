"""Copy and paste of layers through the system clipboard, as a small JSON fragment (its
own MIME type, plus the JSON as text so it can be inspected)."""
from __future__ import annotations

import json
import math

from PySide6.QtCore import QByteArray, QMimeData
from PySide6.QtWidgets import QApplication

from core.graphdoc import Edge

from .commands import AddNodesCommand

MIME = "application/x-netstudio-layers"
OFFSET = 40.0


def fragment(doc, node_ids) -> dict:
    """The nodes and the edges among them, with positions; learned-input names are left
    out so a pasted copy gets its own weights instead of sharing the original's."""
    ids = [i for i in node_ids if i in doc.nodes]
    chosen = set(ids)
    nodes = [{"key": i, "op": doc.nodes[i].op, "name": doc.nodes[i].name, "attrs": dict(doc.nodes[i].attrs),
              "pos": list(doc.nodes[i].pos), "hidden": dict(doc.nodes[i].hidden)} for i in ids]
    edges = [{"src": e.src, "src_index": e.src_index, "dst": e.dst, "slot": e.slot}
             for e in doc.edges if e.src in chosen and e.dst in chosen]
    return {"netstudio_layers": 1, "nodes": nodes, "edges": edges}


def copy_nodes(doc, node_ids) -> None:
    text = json.dumps(fragment(doc, node_ids))
    mime = QMimeData()
    mime.setData(MIME, QByteArray(text.encode("utf-8")))
    mime.setText(text)
    QApplication.clipboard().setMimeData(mime)


def _read_clipboard() -> dict | None:
    mime = QApplication.clipboard().mimeData()
    if mime is None:
        return None
    try:
        if mime.hasFormat(MIME):
            raw = bytes(mime.data(MIME)).decode("utf-8")
        elif mime.hasText():
            raw = mime.text()
        else:
            return None
        data = json.loads(raw)
    except (ValueError, RecursionError):      # not UTF-8, not JSON, nested too deep
        return None
    if not isinstance(data, dict) or data.get("netstudio_layers") != 1:
        return None
    return data


def paste_command(doc, data=None, offset=OFFSET):
    """An AddNodesCommand for the clipboard's layers (fresh ids, unused names, shifted a
    little), or None when the clipboard holds none -- or text that only looks like ours
    (the clipboard is anyone's: any field of the wrong type means nothing to paste)."""
    data = data if data is not None else _read_clipboard()
    if not data or not data.get("nodes"):
        return None
    try:
        return _paste(doc, data, offset)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, RecursionError):
        return None


def _paste(doc, data, offset):
    mapping, nodes = {}, []
    taken = set()
    for raw in data["nodes"]:
        node = doc.make_node(str(raw["op"]), attrs={str(k): str(v) for k, v in raw.get("attrs", {}).items()})
        node.name = _fresh_name(doc, str(raw.get("name") or node.name), taken)
        taken.add(node.name)
        x, y = (float(v) for v in raw.get("pos", (0, 0)))
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"position {raw['pos']!r}")
        node.pos = (x + offset, y + offset)
        node.hidden = {str(k): str(v) for k, v in raw.get("hidden", {}).items()}
        mapping[raw["key"]] = node.id
        nodes.append(node)
    edges = [Edge(mapping[e["src"]], int(e["src_index"]), mapping[e["dst"]], str(e["slot"]))
             for e in data.get("edges", []) if e["src"] in mapping and e["dst"] in mapping]
    count = len(nodes)
    return AddNodesCommand(doc, nodes, edges, "Paste" if count == 1 else f"Paste {count} layers")


def _fresh_name(doc, wanted, taken):
    name = doc.unique_name(wanted)
    count = 1
    while name in taken:
        name = doc.unique_name(f"{wanted}_{count}")
        count += 1
    return name
