"""Every edit of the document as a QUndoCommand: add, remove, connect, disconnect, move,
set an attribute, rename. Each one calls the document's methods, both ways; the canvas
follows the document's events."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

_MERGE_ATTR, _MERGE_RENAME = 1001, 1002


class AddNodesCommand(QUndoCommand):
    """New nodes (a palette drop, a paste) and the edges among them."""

    def __init__(self, doc, nodes, edges=(), text="Add layer"):
        super().__init__(text)
        self.doc, self.nodes, self.edges = doc, [n.copy() for n in nodes], list(edges)

    def redo(self) -> None:
        for node in self.nodes:
            self.doc.add_node(node.copy())
        for edge in self.edges:
            self.doc.connect(edge)

    def undo(self) -> None:
        for node in reversed(self.nodes):
            self.doc.remove_node(node.id)


class RemoveCommand(QUndoCommand):
    """Delete nodes (with every edge touching them) and loose edges."""

    def __init__(self, doc, node_ids, edges=(), text=None):
        ids = [i for i in node_ids if i in doc.nodes]
        super().__init__(text or (f"Delete {len(ids)} layers" if len(ids) > 1 else "Delete"))
        self.doc = doc
        self.nodes = [doc.node(i).copy() for i in ids]
        touching = doc.edges_touching(ids)
        self.edges = touching + [e for e in edges if e not in touching]

    def redo(self) -> None:
        for edge in self.edges:
            if self.doc.edge_into(edge.dst, edge.slot) == edge:
                self.doc.disconnect(edge)
        for node in self.nodes:
            self.doc.remove_node(node.id)

    def undo(self) -> None:
        for node in self.nodes:
            self.doc.add_node(node.copy())
        for edge in self.edges:
            self.doc.connect(edge)


class ConnectCommand(QUndoCommand):
    def __init__(self, doc, edge, text="Connect"):
        super().__init__(text)
        self.doc, self.edge = doc, edge
        self.replaced = doc.edge_into(edge.dst, edge.slot)

    def redo(self) -> None:
        self.doc.connect(self.edge)

    def undo(self) -> None:
        self.doc.disconnect(self.edge)
        if self.replaced is not None:
            self.doc.connect(self.replaced)


class MoveNodesCommand(QUndoCommand):
    """Positions before and after ({id: (x, y)} each): a drag, or the automatic layout."""

    def __init__(self, doc, before, after, text="Move"):
        super().__init__(text)
        self.doc, self.before, self.after = doc, dict(before), dict(after)

    def redo(self) -> None:
        self.doc.move_many(self.after)

    def undo(self) -> None:
        self.doc.move_many(self.before)


class SetAttrCommand(QUndoCommand):
    """One attribute of one node (None = back to the default). Typing into one field
    merges into one step while ``session`` stays the same."""

    def __init__(self, doc, node_id, key, value, session=None):
        node = doc.node(node_id)
        super().__init__(f"Set {key.strip('_')} of {node.name}")
        self.doc, self.node_id, self.key, self.session = doc, node_id, key, session
        self.old, self.new = node.attrs.get(key), value
        self.dropped = []

    def id(self) -> int:
        return _MERGE_ATTR

    def mergeWith(self, other) -> bool:
        if self.session is None or (other.node_id, other.key, other.session) != (self.node_id, self.key, self.session):
            return False
        self.new = other.new
        self.dropped += other.dropped
        return True

    def redo(self) -> None:
        self.dropped = self.doc.set_attr(self.node_id, self.key, self.new)

    def undo(self) -> None:
        self.doc.set_attr(self.node_id, self.key, self.old)
        for edge in self.dropped:
            self.doc.connect(edge)


class RenameCommand(QUndoCommand):
    def __init__(self, doc, node_id, name, session=None):
        self.doc, self.node_id, self.session = doc, node_id, session
        self.old, self.new = doc.node(node_id).name, name
        super().__init__(f"Rename {self.old} to {name}")

    def id(self) -> int:
        return _MERGE_RENAME

    def mergeWith(self, other) -> bool:
        if self.session is None or (other.node_id, other.session) != (self.node_id, self.session):
            return False
        self.new = other.new
        self.setText(f"Rename {self.old} to {self.new}")
        return True

    def redo(self) -> None:
        self.doc.rename(self.node_id, self.new)

    def undo(self) -> None:
        self.doc.rename(self.node_id, self.old)
