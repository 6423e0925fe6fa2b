"""A layer on the canvas: op and name, key attributes, parameter count, ports on top
(inputs) and bottom (outputs), and -- when core rejects it -- a red outline with the
message beside it. The layer with the keyboard focus has a focus ring (not after a click:
the selection shows that)."""
from __future__ import annotations

import re

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from core.graphdoc.names import human_title
from core.graphdoc.palette import group_of
from core.graphdoc.summary import count_text, key_attributes

from . import theme
from .callout import ErrorCallout
from .port_item import PortItem

HEIGHT = 46.0
LABELLED_HEIGHT = 58.0     # nodes with several inputs name their ports
MIN_WIDTH, MAX_WIDTH = 196.0, 340.0
PAD = 12.0
ACCENT = 5.0
FOCUS_GAP, FOCUS_WIDTH = 5.0, 2.0     # the focus ring, outside the selection halo
_PREFIX = re.compile(r"^(?:.*?: )?node '[^']*' \([^)]*\): ")

TITLE_FONT = theme.font(10, bold=True)
SMALL_FONT = theme.font(9)
PORT_FONT = theme.font(7.5)


def node_size(node) -> tuple[float, float]:
    """(width, height) a node's item will have: the layout needs it before items exist."""
    title = human_title(node.op, node.attrs)
    width = _measure(title, node.name, key_attributes(node.op, node.attrs))
    return width, (LABELLED_HEIGHT if len(node.ports().inputs) > 1 else HEIGHT)


def _measure(title: str, name: str, detail: str) -> float:
    bold, small = QFontMetricsF(TITLE_FONT), QFontMetricsF(SMALL_FONT)
    row1 = bold.horizontalAdvance(title) + 14 + small.horizontalAdvance(name)
    row2 = small.horizontalAdvance(detail) + 14 + small.horizontalAdvance("888.8 k params")
    wanted = max(row1, row2) + 2 * PAD + ACCENT
    return float(min(MAX_WIDTH, max(MIN_WIDTH, round(wanted / 4) * 4)))


def is_unconnected(message: str | None) -> bool:
    """An open input is where every fresh layer starts, not a mistake: shown quietly."""
    return bool(message) and "not connected" in message


def strip_node_prefix(message: str) -> str:
    """Core names the node in its messages; beside the node that is already clear."""
    return _PREFIX.sub("", message, count=1)


class NodeItem(QGraphicsItem):
    def __init__(self, node):
        super().__init__()
        self.node_id = node.id
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                      | QGraphicsItem.GraphicsItemFlag.ItemIsFocusable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        self.width, self.height = MIN_WIDTH, HEIGHT
        self.params_text, self.error, self.blocked, self.quiet = "", None, False, False
        self.inputs: dict[str, PortItem] = {}
        self.outputs: list[PortItem] = []
        self.callout = ErrorCallout(self)
        self._spec = None
        self.focus_visible = False     # focus that came from the keyboard, not a click
        self.update_from(node)

    # ---- content ----
    def update_from(self, node) -> None:
        self.prepareGeometryChange()
        self.is_variable, self.op = node.is_variable, node.op
        self.title = human_title(node.op, node.attrs)
        self.name = node.name
        self.detail = key_attributes(node.op, node.attrs)
        self.color = theme.group_color(group_of(node.op))
        spec = node.ports()
        self.height = LABELLED_HEIGHT if len(spec.inputs) > 1 else HEIGHT
        self.width = _measure(self.title, self.name, self.detail)
        if spec != self._spec:
            self._spec = spec
            self._build_ports(spec)
        self._place_ports()
        self.callout.setPos(self.width + 12, 0)
        self.setToolTip(self._tooltip())
        self.update()

    def _build_ports(self, spec) -> None:
        for port in list(self.inputs.values()) + self.outputs:
            port.setParentItem(None)
            if port.scene() is not None:
                port.scene().removeItem(port)
        self.inputs = {slot: PortItem(self, "in", slot, slot in spec.optional) for slot in spec.inputs}
        self.outputs = [PortItem(self, "out", index, False, name) for index, name in enumerate(spec.outputs)]

    def _place_ports(self) -> None:
        required = [p for p in self.inputs.values() if not p.optional]
        if len(required) == 1 and len(self.inputs) > 1:
            # one data input plus optional ones (a loss's label): data centred so a chain
            # stays straight, the optional ones towards the right
            required[0].setPos(self.width / 2, 0.0)
            optional = [p for p in self.inputs.values() if p.optional]
            for index, port in enumerate(optional):
                port.setPos(self.width - 30 - 40 * index, 0.0)
            self._place_row(self.outputs, self.height)
            return
        self._place_row(list(self.inputs.values()), 0.0)
        self._place_row(self.outputs, self.height)

    def _place_row(self, ports, y) -> None:
        count = len(ports)
        for index, port in enumerate(ports):
            port.setPos(self.width * (index + 1) / (count + 1), y)

    def set_state(self, state) -> None:
        """Analysis results: NodeState or None (not analysed)."""
        params = state.params if state is not None else 0
        self.params_text = f"{count_text(params)} params" if params else ""
        self.error = state.error if state is not None else None
        self.blocked = bool(state is not None and state.blocked)
        self.quiet = is_unconnected(self.error)
        message = strip_node_prefix(self.error) if self.error else None
        if self.quiet:
            slots = " and ".join(re.findall(r"'([^']+)'", message.split(" not connected", 1)[0]))
            message = f"not connected yet: drag a layer's output to {slots or 'its input'}"
        self.callout.set_message(message, quiet=self.quiet)
        self.setToolTip(self._tooltip())
        self.update()

    def _tooltip(self) -> str:
        lines = [f"<b>{self.title}</b> {self.name}" + ("" if self.is_variable else f" <i>(MXNet {self.op})</i>")]
        if self.detail:
            lines.append(self.detail)
        if self.params_text:
            lines.append(self.params_text)
        if self.error:
            lines.append(f"<span style='color:#fca5a5'>{self.error}</span>")
        elif self.blocked:
            lines.append("waits for a layer above that has an error")
        return "<br>".join(lines)

    # ---- geometry ----
    def rect(self) -> QRectF:
        return QRectF(0, 0, self.width, self.height)

    def boundingRect(self) -> QRectF:
        return self.rect().adjusted(-7, -10, 10, 7)   # selection halo, focus ring, error badge

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.rect(), 8, 8)
        return path

    def port(self, kind: str, key) -> PortItem | None:
        if kind == "in":
            return self.inputs.get(key)
        return self.outputs[key] if 0 <= key < len(self.outputs) else None

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged and self.scene() is not None:
            self.scene().node_item_moved(self)
        return super().itemChange(change, value)

    def focusInEvent(self, event) -> None:
        self.focus_visible = event.reason() != Qt.FocusReason.MouseFocusReason
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self.focus_visible = False
        self.update()
        super().focusOutEvent(event)

    def shows_focus_ring(self) -> bool:
        return self.focus_visible and self.hasFocus()

    # ---- painting ----
    def paint(self, painter, option, widget=None) -> None:
        self._paint_node(painter)
        if self.shows_focus_ring():
            painter.setPen(QPen(theme.FOCUS_RING, FOCUS_WIDTH))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self.rect().adjusted(-FOCUS_GAP, -FOCUS_GAP, FOCUS_GAP, FOCUS_GAP), 11, 11)

    def _paint_node(self, painter) -> None:
        rect = self.rect()
        selected = self.isSelected()
        if painter.worldTransform().m11() < 0.35:      # far out: coloured blocks show the shape
            loud = self.error and not self.quiet
            fill = QColor(theme.ERROR if loud else self.color)
            fill.setAlpha(255 if loud else 150)
            painter.setPen(QPen(theme.SELECTION, 4) if selected else Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 8, 8)
            return
        loud = bool(self.error) and not self.quiet
        border = theme.ERROR if loud else (theme.SELECTION if selected else theme.NODE_BORDER)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(37, 99, 235, 40))
            painter.drawRoundedRect(rect.adjusted(-4, -4, 4, 4), 11, 11)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(15, 23, 42, 18))
            painter.drawRoundedRect(rect.translated(0, 2), 8, 8)
        pen = QPen(border, 2.0 if (loud or selected) else 1.0)
        if self.quiet or (self.blocked and not self.error):
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(theme.ERROR_FILL if loud else theme.NODE_FILL)
        painter.drawRoundedRect(rect, 8, 8)
        accent = QPainterPath()
        accent.addRoundedRect(rect, 8, 8)
        painter.setClipPath(accent)
        painter.fillRect(QRectF(0, 0, ACCENT, self.height), self.color)
        painter.setClipping(False)
        if painter.worldTransform().m11() >= 0.35:
            self._paint_text(painter, rect)
        if loud:
            self._paint_badge(painter)

    def _paint_text(self, painter, rect) -> None:
        top = rect.top() + (12.0 if len(self.inputs) > 1 else 0.0)
        left, right = rect.left() + ACCENT + PAD, rect.right() - PAD
        muted = self.blocked and not self.error
        if len(self.inputs) > 1:
            painter.setFont(PORT_FONT)
            painter.setPen(theme.TEXT_MUTED)
            for slot, port in self.inputs.items():
                box = QRectF(port.x() - 40, 6, 80, 12)
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, slot)
        small, bold = QFontMetricsF(SMALL_FONT), QFontMetricsF(TITLE_FONT)
        room = right - left - min(bold.horizontalAdvance(self.title), (right - left) * 0.45) - 10
        name_width = min(small.horizontalAdvance(self.name), room)
        row1 = QRectF(left, top + 5, right - left, 18)
        painter.setFont(SMALL_FONT)
        painter.setPen(theme.TEXT_NAME)
        painter.drawText(row1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         small.elidedText(self.name, Qt.TextElideMode.ElideMiddle, name_width))
        painter.setFont(TITLE_FONT)
        painter.setPen(theme.TEXT_MUTED if muted else theme.TEXT)
        title_width = right - left - name_width - 10
        painter.drawText(row1, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         bold.elidedText(self.title, Qt.TextElideMode.ElideRight, title_width))
        row2 = QRectF(left, top + 23, right - left, 17)
        painter.setFont(SMALL_FONT)
        params_width = small.horizontalAdvance(self.params_text)
        painter.setPen(theme.TEXT_MUTED)
        painter.drawText(row2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.params_text)
        painter.setPen(theme.TEXT_MUTED if muted else theme.TEXT_SECONDARY)
        detail_width = right - left - params_width - (10 if params_width else 0)
        painter.drawText(row2, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         small.elidedText(self.detail, Qt.TextElideMode.ElideRight, detail_width))

    def _paint_badge(self, painter) -> None:
        center = QPointF(self.width - 2, 2)
        painter.setPen(QPen(QColor("#ffffff"), 1.5))
        painter.setBrush(QBrush(theme.ERROR))
        painter.drawEllipse(center, 8, 8)
        painter.setFont(theme.font(8, bold=True))
        painter.setPen(QColor("#ffffff"))
        painter.drawText(QRectF(center.x() - 8, center.y() - 8, 16, 16), Qt.AlignmentFlag.AlignCenter, "!")
