"""The red note beside a node that core rejected: the message, wrapped, with a pointer."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainterPath, QPen, QPolygonF
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QGraphicsItem

from . import theme

WIDTH = 250.0
MAX_LINES = 5
FONT = theme.font(8.5)


class ErrorCallout(QGraphicsItem):
    def __init__(self, parent):
        super().__init__(parent)
        self.message = ""
        self.quiet = False          # a hint (an input not connected yet), not an error
        self._text_rect = QRectF()
        self.setZValue(5)
        self.hide()

    def set_message(self, message: str | None, quiet: bool = False) -> None:
        self.prepareGeometryChange()
        self.quiet = quiet
        self.message = message or ""
        metrics = QFontMetricsF(FONT)
        flags = int(Qt.TextFlag.TextWordWrap)
        bound = metrics.boundingRect(QRectF(0, 0, WIDTH - 20, 10_000), flags, self.message)
        height = min(bound.height(), metrics.lineSpacing() * MAX_LINES)
        self._text_rect = QRectF(10, 7, WIDTH - 20, height)
        self.setVisible(bool(message))
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(-8, 0, WIDTH + 8, self._text_rect.height() + 14)

    def paint(self, painter, option, widget=None) -> None:
        if painter.worldTransform().m11() < 0.35:
            return
        box = QRectF(0, 0, WIDTH, self._text_rect.height() + 14)
        path = QPainterPath()
        path.addRoundedRect(box, 6, 6)
        pointer = QPolygonF([QPointF(0.5, 10), QPointF(-7, 16), QPointF(0.5, 22)])
        tip = QPainterPath()
        tip.addPolygon(pointer)
        path = path.united(tip)
        painter.setPen(QPen(theme.NODE_BORDER if self.quiet else theme.ERROR_BORDER, 1))
        painter.setBrush(theme.NODE_FILL if self.quiet else theme.ERROR_FILL)
        painter.drawPath(path)
        painter.setFont(FONT)
        painter.setPen(theme.TEXT_SECONDARY if self.quiet else theme.ERROR_TEXT)
        painter.drawText(self._text_rect, int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft),
                         self.message)
