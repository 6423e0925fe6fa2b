"""A port: a small circle on a node's top (input) or bottom (output) edge. Dragging from
one to another connects them (the scene does the dragging)."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from . import theme

RADIUS = 5.0
HIT_RADIUS = 11.0


class PortItem(QGraphicsItem):
    def __init__(self, node_item, kind: str, key, optional: bool = False, output_name: str = ""):
        super().__init__(node_item)
        self.node_item = node_item
        self.kind = kind              # "in" or "out"
        self.key = key                # input slot name, or output index
        self.optional = optional
        self.connected = False
        self.highlighted = False
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setZValue(2)
        if kind == "in":
            tip = f"input '{key}'" + (" (optional: left open, MXNet makes it)" if optional else "")
        else:
            tip = f"output '{output_name}'" if output_name not in ("", "output") else "output"
        self.setToolTip(tip + " — drag to connect")

    @property
    def node_id(self) -> int:
        return self.node_item.node_id

    def boundingRect(self) -> QRectF:
        return QRectF(-HIT_RADIUS, -HIT_RADIUS, 2 * HIT_RADIUS, 2 * HIT_RADIUS)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addEllipse(self.boundingRect())
        return path

    def set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self.update()

    def set_highlighted(self, highlighted: bool) -> None:
        if highlighted != self.highlighted:
            self.highlighted = highlighted
            self.update()

    def hoverEnterEvent(self, event) -> None:
        self.set_highlighted(True)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self.set_highlighted(False)
        super().hoverLeaveEvent(event)

    def paint(self, painter, option, widget=None) -> None:
        color = self.node_item.color
        radius = RADIUS + (2.0 if self.highlighted else 0.0)
        pen = QPen(theme.SELECTION if self.highlighted else color, 1.6)
        if self.optional and not self.connected:
            pen.setStyle(Qt.PenStyle.DotLine)
        painter.setPen(pen)
        painter.setBrush(QBrush(color if self.connected else theme.NODE_FILL))
        painter.drawEllipse(QRectF(-radius, -radius, 2 * radius, 2 * radius))
