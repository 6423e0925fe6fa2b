"""The Build view without a mouse: quick add at the cursor (Tab, or a tap of Space),
connect the selected layer to the next one, step through the layers, jump into the
inspector and back. Every action is a QAction with its shortcut on the canvas, listed
in the main window's Edit menu (``edit_actions``); every edit is one named undo step.

Layers are visited in reading order (top to bottom, then left to right), which is the
order of the data in a network laid out downwards."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QKeySequence

from core.graphdoc import Edge
from core.graphdoc.palette import palette_groups

from .commands import AddNodesCommand
from .node_item import HEIGHT, MIN_WIDTH, NodeItem
from .quick_add import QuickAddPopup

GAP = 44.0              # between a layer and one added below it
ROW = 20.0              # layers whose tops are this close are one row of the reading order


def reading_order(items) -> list[NodeItem]:
    return sorted(items, key=lambda item: (round(item.pos().y() / ROW), item.pos().x(), item.node_id))


def upstream_of(doc, node_id: int) -> set[int]:
    """``node_id`` and every layer that feeds it, directly or not (a wire from one of
    these into ``node_id``'s producers would make a cycle)."""
    seen, todo = {node_id}, [node_id]
    while todo:
        for edge in doc.edges_into(todo.pop()):
            if edge.src not in seen:
                seen.add(edge.src)
                todo.append(edge.src)
    return seen


def open_inputs(item: NodeItem, scene) -> list:
    """The input ports of ``item`` nothing feeds yet, required ones first."""
    ports = [p for key, p in item.inputs.items() if (item.node_id, key) not in scene.edge_items]
    return sorted(ports, key=lambda p: p.optional)


class KeyboardMixin:
    """For EditorView: needs ``doc``, ``scene``, ``canvas``, ``inspector``, ``undo_stack``."""

    def _keyboard_setup(self) -> None:
        self.quick_add_popup = QuickAddPopup([e for _, entries in palette_groups() for e in entries], self.canvas)
        self.quick_add_popup.sigChosen.connect(self.quick_add)
        self.quick_add_popup.sigClosed.connect(lambda: self.canvas.setFocus(Qt.FocusReason.OtherFocusReason))
        self.canvas.sigQuickAdd.connect(self.open_quick_add)
        self._quick_add_spot: QPointF | None = None
        self._last_pointer: QPoint | None = None      # where the mouse was at the last quick add
        self._open_pointer: QPoint | None = None
        self.back_to_canvas_action = QAction("Back to the canvas", self.inspector)
        self.back_to_canvas_action.setShortcut(QKeySequence("Escape"))
        self.back_to_canvas_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.back_to_canvas_action.triggered.connect(self.focus_canvas)
        self.inspector.addAction(self.back_to_canvas_action)

    def keyboard_actions(self):
        """(text, slot, shortcuts, tip) of the canvas's keyboard actions; None separates."""
        return (
            ("Quick add layer…", self.open_quick_add, ["Tab"],
             "Search the layers and add one where the pointer is, after the selected layer "
             "(also: tap Space)"),
            ("Connect to next layer", self.connect_next, ["Ctrl+E"],
             "Wire the selected layer's output to the nearest open input below or to the right "
             "(or to the other selected layer)"),
            None,
            ("Select next layer", lambda: self.select_step(1), ["Down"], "Top to bottom, left to right"),
            ("Select previous layer", lambda: self.select_step(-1), ["Up"], "Bottom to top"),
            ("Add next layer to selection", lambda: self.select_step(1, extend=True), ["Shift+Down"], ""),
            ("Add previous layer to selection", lambda: self.select_step(-1, extend=True), ["Shift+Up"], ""),
            ("Select none", self.select_none, ["Escape"], ""),
            ("Edit layer properties", self.focus_inspector, ["Return", "Enter", "F2"],
             "Move the keyboard into the inspector; Escape comes back to the canvas"),
            None,
        )

    # ---- quick add ----
    def open_quick_add(self) -> None:
        """Open the search box where the pointer is (when it moved since the last quick
        add), else just below the selected layer, else in the middle of the view."""
        viewport = self.canvas.viewport()
        pointer = self.canvas.pointer
        fresh = pointer is not None and viewport.rect().contains(pointer) and pointer != self._last_pointer
        self._open_pointer = pointer
        if fresh:
            self._quick_add_spot = self.canvas.mapToScene(pointer)
        else:
            selected = self._focused_or_selected()
            start = (self._below(selected) if selected is not None
                     else self.canvas.mapToScene(viewport.rect().center()))
            self._quick_add_spot = self._free_spot(start)
            self.canvas.ensureVisible(QRectF(self._quick_add_spot - QPointF(MIN_WIDTH / 2, 40),
                                             self._quick_add_spot + QPointF(MIN_WIDTH / 2, 60)))
        at = self.canvas.mapFromScene(self._quick_add_spot) + viewport.pos()
        self.quick_add_popup.open_at(at)

    def quick_add(self, op: str) -> int | None:
        """Add ``op`` where quick add was opened, fed by the selected layer when their
        ports fit: one undo step ("Add convolution0 after data")."""
        spot = self._quick_add_spot if self._quick_add_spot is not None else self._free_spot(
            self.canvas.mapToScene(self.canvas.viewport().rect().center()))
        self._quick_add_spot = None
        self._last_pointer = self._open_pointer
        self.focus_canvas()            # first: the scene gives the new layer the focus only then
        source = self._focused_or_selected()
        return self.add_node_at(op, spot, source.node_id if source is not None else None)

    def add_node_at(self, op: str, scene_pos: QPointF, after: int | None = None, text: str | None = None) -> int:
        """A new ``op`` layer centred near ``scene_pos``, fed by ``after``'s first output when
        ``after`` is given and the new layer has a data input: one undo step, named after
        what it did ("Add convolution0 after data") unless ``text`` names it."""
        node = self.scene.new_node(op, scene_pos)
        spec = node.ports()
        required = [slot for slot in spec.inputs if slot not in spec.optional]
        source = self.doc.nodes.get(after) if after is not None else None
        edges = []
        if source is not None and source.ports().outputs and required:
            edges = [Edge(source.id, 0, node.id, required[0])]
        name = f"Add {node.name} after {source.name}" if edges else f"Add {node.name}"
        self.undo_stack.push(AddNodesCommand(self.doc, [node], edges, text=text or name))
        self.select_node(node.id)
        return node.id

    def _below(self, item: NodeItem) -> QPointF:
        return QPointF(item.sceneBoundingRect().center().x(), item.pos().y() + item.rect().height() + GAP + 25)

    def _free_spot(self, spot: QPointF) -> QPointF:
        """``spot``, or the first place below it where a new layer overlaps none."""
        for _ in range(60):
            box = QRectF(spot.x() - MIN_WIDTH / 2 - 10, spot.y() - 25 - 16, MIN_WIDTH + 20, HEIGHT + 32)
            if not any(item.sceneBoundingRect().intersects(box) for item in self.scene.node_items.values()):
                break
            spot = spot + QPointF(0, HEIGHT + GAP)
        return spot

    # ---- connect ----
    def connect_next(self) -> bool:
        """Wire the selected layer's output to the nearest open input of a layer below or
        to the right of it; with two layers selected, the upper one into the other."""
        selected = reading_order(self.scene.node_items[i] for i in self.scene.selected_node_ids())
        if not selected:
            self.sigStatus.emit("Select a layer to connect (Up/Down choose one).")
            return False
        source = selected[0] if len(selected) == 2 else self._focused_or_selected()
        if not source.outputs:
            self.sigStatus.emit(f"{self.doc.nodes[source.node_id].name} has no output to connect.")
            return False
        start = source.outputs[0].scenePos()
        upstream = upstream_of(self.doc, source.node_id)
        if len(selected) == 2:
            targets = [selected[1]]
        else:
            below = source.pos().y() + 1
            right = source.pos().x() + source.rect().width()
            targets = [item for item in self.scene.node_items.values()
                       if item.pos().y() >= below or item.pos().x() >= right]
        ports = [port for item in targets if item.node_id not in upstream
                 for port in open_inputs(item, self.scene)]
        if not ports:
            self.sigStatus.emit("No open input below or to the right of "
                                f"{self.doc.nodes[source.node_id].name} to connect to.")
            return False
        target = min(ports, key=lambda p: (p.optional, (p.scenePos() - start).manhattanLength()))
        names = self.doc.nodes[source.node_id].name, self.doc.nodes[target.node_id].name
        slot = f" ({target.key})" if len(target.node_item.inputs) > 1 else ""
        return self.scene.connect_ports(source.outputs[0], target,
                                        text=f"Connect {names[0]} to {names[1]}{slot}")

    # ---- moving around ----
    def _focused_or_selected(self) -> NodeItem | None:
        focus = self.scene.focusItem()
        if isinstance(focus, NodeItem) and focus.isSelected():
            return focus
        ids = self.scene.selected_node_ids()
        return self.scene.node_items[ids[-1]] if len(ids) == 1 else (
            reading_order(self.scene.node_items[i] for i in ids)[0] if ids else None)

    def select_step(self, step: int, extend: bool = False) -> None:
        """Select (or with ``extend`` add to the selection) the next or previous layer."""
        order = reading_order(self.scene.node_items.values())
        if not order:
            return
        current = self.scene.focusItem() if isinstance(self.scene.focusItem(), NodeItem) else None
        if current is None or current not in order:
            current = self._focused_or_selected()
        if current is None:
            target = order[0] if step > 0 else order[-1]
        else:
            target = order[max(0, min(len(order) - 1, order.index(current) + step))]
        self.select_node(target.node_id, extend=extend)

    def select_node(self, node_id: int, extend: bool = False) -> None:
        """Select one layer (or add it), give it the keyboard focus and bring it into view."""
        item = self.scene.node_items[node_id]
        if not extend:
            self.scene.select_nodes([node_id])
        item.setSelected(True)
        item.setFocus(Qt.FocusReason.TabFocusReason)
        self.canvas.ensureVisible(item, 40, 40)

    def select_none(self) -> None:
        self.scene.clearSelection()
        self.scene.setFocusItem(None)

    def focus_canvas(self) -> None:
        self.canvas.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_inspector(self) -> None:
        """The keyboard into the selected layer's first attribute (its name if it has none)."""
        item = self._focused_or_selected()
        if item is None:
            self.sigStatus.emit("Select a layer first (Up/Down), then Enter edits it.")
            return
        if self.scene.selected_node_ids() != [item.node_id]:
            self.scene.select_nodes([item.node_id])
        fields = [f for key, f in self.inspector.fields.items() if key != "__name__"] or \
            list(self.inspector.fields.values())
        if fields:
            self.inspector.ensureWidgetVisible(fields[0])
            fields[0].editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if hasattr(fields[0].editor, "selectAll"):
                fields[0].editor.selectAll()
