"""The canvas's scene: one NodeItem per document node and one EdgeItem per edge, kept in
step with the document's events. Palette drops, port-to-port drags, moves and deletes
become undo commands here -- the same methods the tests call.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsScene

from core.errors import NetStudioError
from core.graphdoc import Edge
from core.graphdoc.palette import starter_attrs
from core.graphdoc.summary import shape_text

from . import theme
from .commands import AddNodesCommand, ConnectCommand, MoveNodesCommand, RemoveCommand
from .edge_item import EdgeItem
from .node_item import NodeItem
from .port_item import PortItem


_BAND = 160.0


class EditorScene(QGraphicsScene):
    sigMessage = Signal(str)        # something the user should read (a refused connection ...)

    def __init__(self, doc, undo_stack, parent=None):
        super().__init__(parent)
        self.doc, self.undo_stack = doc, undo_stack
        self.node_items: dict[int, NodeItem] = {}
        self.edge_items: dict[tuple, EdgeItem] = {}
        self.report = None
        self._drag_port: PortItem | None = None
        self._drag_line: QGraphicsPathItem | None = None
        self._hover_port: PortItem | None = None
        self._press_positions: dict[int, QPointF] = {}
        self._syncing = False
        self._bulk = False
        self._bands = None          # node rectangles by band, rebuilt after any node change
        doc.subscribe(self._on_doc_event)
        self._rebuild()

    # ---- following the document ----
    def _on_doc_event(self, kind: str, obj) -> None:
        if kind.startswith("node") or kind == "reset":
            self._bands = None
        if kind == "reset":
            self._rebuild()
        elif kind == "node_added":
            self._add_node_item(obj)
        elif kind == "node_removed":
            item = self.node_items.pop(obj.id)
            if self.focusItem() is item:
                self.setFocusItem(None)       # else Qt hands the focus to some other layer
            self.removeItem(item)
        elif kind == "node_changed":
            self.node_items[obj.id].update_from(obj)
            self._refresh_edges_of(obj.id)
        elif kind == "node_moved":
            item = self.node_items[obj.id]
            self._syncing = True
            item.setPos(QPointF(*obj.pos))
            self._syncing = False
            self._refresh_edges_of(obj.id)
        elif kind == "nodes_moved":
            self._syncing = True
            for node in obj:
                self.node_items[node.id].setPos(QPointF(*node.pos))
            self._syncing = False
            self.reroute_all()
        elif kind == "edge_added":
            self._add_edge_item(obj)
        elif kind == "edge_removed":
            item = self.edge_items.pop((obj.dst, obj.slot))
            self.removeItem(item)
            self._update_port_marks(obj)

    def _rebuild(self) -> None:
        self.clear()
        self.node_items.clear()
        self.edge_items.clear()
        self._drag_line = None
        for node in self.doc.nodes.values():
            self._add_node_item(node)
        self._bulk = True        # labels come with the next analysis, not edge by edge
        for edge in self.doc.edges:
            self._add_edge_item(edge)
        self._bulk = False

    def _add_node_item(self, node) -> None:
        item = NodeItem(node)
        self.node_items[node.id] = item
        item.setPos(QPointF(*node.pos))
        self.addItem(item)

    def _add_edge_item(self, edge) -> None:
        item = EdgeItem(edge, self.node_items[edge.src], self.node_items[edge.dst])
        self.edge_items[(edge.dst, edge.slot)] = item
        self.addItem(item)
        item.update_path()
        self._update_port_marks(edge)
        if not self._bulk:
            self.apply_report(self.report, only=[item])

    def _update_port_marks(self, edge) -> None:
        dst = self.node_items.get(edge.dst)
        if dst is not None and edge.slot in dst.inputs:
            dst.inputs[edge.slot].set_connected((edge.dst, edge.slot) in self.edge_items)
        src = self.node_items.get(edge.src)
        if src is not None and edge.src_index < len(src.outputs):
            used = any(e.src == edge.src and e.src_index == edge.src_index for e in self.doc.edges)
            src.outputs[edge.src_index].set_connected(used)

    def _refresh_edges_of(self, node_id: int) -> None:
        for item in self.edge_items.values():
            if node_id in (item.edge.src, item.edge.dst):
                item.update_path()
        for edge in self.doc.edges_touching([node_id]):
            self._update_port_marks(edge)

    def node_item_moved(self, item: NodeItem) -> None:
        self._bands = None
        if not self._syncing:
            self._refresh_edges_of(item.node_id)

    def node_rects_in(self, rect: QRectF, skip_ids) -> list[QRectF]:
        """Scene rectangles of the nodes overlapping ``rect`` (edge routing)."""
        if self._bands is None:
            self._index_rects()
        found, seen = [], set()
        first, last = int(rect.top() // _BAND), int(rect.bottom() // _BAND)
        for band in range(first, last + 1):
            for node_id, box in self._bands.get(band, ()):
                if node_id not in seen and node_id not in skip_ids and box.intersects(rect):
                    seen.add(node_id)
                    found.append(box)
        return found

    def _index_rects(self) -> None:
        """Node rectangles in horizontal bands: routing asks for them a lot."""
        self._bands = {}
        for node_id, item in self.node_items.items():
            box = QRectF(item.pos(), item.rect().size())
            for band in range(int(box.top() // _BAND), int(box.bottom() // _BAND) + 1):
                self._bands.setdefault(band, []).append((node_id, box))

    def reroute_all(self) -> None:
        for item in self.edge_items.values():
            item.update_path()

    # ---- analysis results ----
    def apply_report(self, report, only=None) -> None:
        self.report = report
        if only is None:
            for node_id, item in self.node_items.items():
                item.set_state(report.nodes.get(node_id) if report is not None else None)
        consumers = {}
        for edge in self.doc.edges:
            consumers.setdefault((edge.src, edge.src_index), []).append(edge)
        for item in (only if only is not None else self.edge_items.values()):
            shape = report.edge_shape(item.edge) if report is not None else None
            siblings = consumers.get((item.edge.src, item.edge.src_index), [item.edge])
            first = min(siblings, key=lambda e: (e.dst, e.slot))
            item.set_label(shape_text(shape) if shape is not None else "", len(siblings) > 1,
                           item.edge == first)

    # ---- edits the user makes on the canvas ----
    def new_node(self, op: str, scene_pos: QPointF, attrs=None):
        """A node (not yet added) with its starting attributes, centred near ``scene_pos``."""
        node = self.doc.make_node(op, attrs=starter_attrs(op) if attrs is None else dict(attrs))
        item_width = NodeItem(node).width
        node.pos = (round(scene_pos.x() - item_width / 2), round(scene_pos.y() - 25))
        return node

    def drop_operator(self, op: str, scene_pos: QPointF, attrs=None) -> int:
        """Add a layer where a palette entry was dropped; returns the new node's id."""
        node = self.new_node(op, scene_pos, attrs)
        self.undo_stack.push(AddNodesCommand(self.doc, [node], text=f"Add {node.name}"))
        return node.id

    def connect_ports(self, first: PortItem, second: PortItem, text: str = "Connect") -> bool:
        """Connect an output port to an input port (either order), as a drag release does;
        ``text`` names the undo step."""
        if first.kind == second.kind:
            self.sigMessage.emit("Connect an output (bottom) to an input (top).")
            return False
        out_port, in_port = (first, second) if first.kind == "out" else (second, first)
        if out_port.node_id == in_port.node_id:
            self.sigMessage.emit("A layer cannot feed itself.")
            return False
        edge = Edge(out_port.node_id, out_port.key, in_port.node_id, in_port.key)
        if self.doc.edge_into(edge.dst, edge.slot) == edge:
            return False
        try:
            self.undo_stack.push(ConnectCommand(self.doc, edge, text))
        except NetStudioError as error:
            self.sigMessage.emit(str(error))
            return False
        return True

    def delete_selection(self) -> None:
        nodes = [i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)]
        edges = [i.edge for i in self.selectedItems() if isinstance(i, EdgeItem)]
        if nodes or edges:
            text = "Disconnect" if not nodes else None
            self.undo_stack.push(RemoveCommand(self.doc, nodes, edges, text))

    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos):
            while item is not None and not isinstance(item, NodeItem):
                item = item.parentItem()
            if item is not None:
                return item
        return None

    def selected_node_ids(self) -> list[int]:
        return [i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)]

    def select_nodes(self, node_ids) -> None:
        self.clearSelection()
        for node_id in node_ids:
            if node_id in self.node_items:
                self.node_items[node_id].setSelected(True)

    # ---- mouse: connection drags and moves ----
    def _port_at(self, pos: QPointF) -> PortItem | None:
        for item in self.items(QRectF(pos.x() - 6, pos.y() - 6, 12, 12)):
            if isinstance(item, PortItem):
                return item
        return None

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            port = self._port_at(event.scenePos())
            if port is not None:
                self._start_drag(port)
                event.accept()
                return
        super().mousePressEvent(event)
        self._press_positions = {i.node_id: i.pos() for i in self.selectedItems() if isinstance(i, NodeItem)}

    def mouseMoveEvent(self, event) -> None:
        if self._drag_port is not None:
            self._update_drag(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._drag_port is not None:
            target = self._port_at(event.scenePos())
            source = self._drag_port
            self._end_drag()
            if target is not None:
                self.connect_ports(source, target)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        self.commit_moves()

    def commit_moves(self) -> None:
        """After a drag of nodes: one Move command with where they were and are now."""
        before, after = {}, {}
        for node_id, old in self._press_positions.items():
            item = self.node_items.get(node_id)
            if item is not None and item.pos() != old and node_id in self.doc.nodes:
                before[node_id] = tuple(self.doc.nodes[node_id].pos)
                after[node_id] = (round(item.pos().x()), round(item.pos().y()))
        self._press_positions = {}
        if after:
            count = len(after)
            self.undo_stack.push(MoveNodesCommand(self.doc, before, after,
                                                  "Move" if count == 1 else f"Move {count} layers"))

    def _start_drag(self, port: PortItem) -> None:
        self._drag_port = port
        self._drag_line = QGraphicsPathItem()
        pen = QPen(theme.SELECTION, 1.8, Qt.PenStyle.DashLine)
        self._drag_line.setPen(pen)
        self._drag_line.setZValue(10)
        self.addItem(self._drag_line)
        self._update_drag(port.scenePos())

    def _update_drag(self, pos: QPointF) -> None:
        start = self._drag_port.scenePos()
        a, b = (start, pos) if self._drag_port.kind == "out" else (pos, start)
        bend = max(20.0, abs(b.y() - a.y()) * 0.45)
        path = QPainterPath(a)
        path.cubicTo(a + QPointF(0, bend), b - QPointF(0, bend), b)
        self._drag_line.setPath(path)
        port = self._port_at(pos)
        if port is not self._hover_port:
            if self._hover_port is not None:
                self._hover_port.set_highlighted(False)
            self._hover_port = port if port is not None and port.kind != self._drag_port.kind else None
            if self._hover_port is not None:
                self._hover_port.set_highlighted(True)

    def _end_drag(self) -> None:
        if self._drag_line is not None:
            self.removeItem(self._drag_line)
        if self._hover_port is not None:
            self._hover_port.set_highlighted(False)
        self._drag_port = self._drag_line = self._hover_port = None
