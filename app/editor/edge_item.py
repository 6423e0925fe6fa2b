"""A connection from an output port to an input port, labelled with the shape it carries
(one sample: ``6×24×24``). An edge that would cross other nodes goes round them in a lane
beside them (the layout leaves such lanes free)."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem

from . import theme

LABEL_FONT = theme.font(8)
STUB = 14.0          # straight run out of / into a port before bending
LANE_MARGIN = 20.0


class EdgeItem(QGraphicsItem):
    def __init__(self, edge, src_item, dst_item):
        super().__init__()
        self.edge = edge
        self.src_item, self.dst_item = src_item, dst_item
        self.label = ""
        self.label_at_source = False
        self.show_label = True
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0)
        self._path = QPainterPath()
        self._label_anchor = QPointF()
        self._bounds = QRectF()
        self._label_left = False

    # ---- geometry ----
    def endpoints(self) -> tuple[QPointF, QPointF]:
        src_port = self.src_item.port("out", self.edge.src_index)
        dst_port = self.dst_item.port("in", self.edge.slot)
        start = src_port.scenePos() if src_port is not None else self.src_item.sceneBoundingRect().center()
        end = dst_port.scenePos() if dst_port is not None else self.dst_item.sceneBoundingRect().center()
        return start, end

    def update_path(self) -> None:
        self.prepareGeometryChange()
        start, end = self.endpoints()
        lane = self._lane(start, end)
        path = QPainterPath(start)
        if lane is None and end.y() - start.y() > 0:
            bend = max(min(24.0, abs(end.x() - start.x()) / 2 + 8), (end.y() - start.y()) * 0.45)
            path.cubicTo(start + QPointF(0, bend), end - QPointF(0, bend), end)
            self._label_anchor = path.pointAtPercent(0.5)
        else:
            if lane is None:
                lane = max(self.src_item.sceneBoundingRect().right(),
                           self.dst_item.sceneBoundingRect().right()) + LANE_MARGIN
            top, bottom = start.y() + STUB, end.y() - STUB
            path.lineTo(start.x(), top)
            path.cubicTo(QPointF(start.x(), top + 16), QPointF(lane, top), QPointF(lane, top + 24))
            path.lineTo(lane, bottom - 24)
            path.cubicTo(QPointF(lane, bottom), QPointF(end.x(), bottom - 16), QPointF(end.x(), bottom))
            path.lineTo(end)
            self._label_anchor = QPointF(lane, (top + bottom) / 2)
        if self.label_at_source:      # one label for all users of this output, by the port
            self._label_anchor = start + QPointF(3, 9)
        self._path = path
        self._label_left = False
        self._label_left = self._label_blocked(self._label_rect()) and not self._label_blocked(self._left_rect())
        self._arrow = self._arrow_head(end)
        self._bounds = path.boundingRect().united(self._label_rect()).adjusted(-6, -6, 6, 6)
        self.update()

    def _lane(self, start, end):
        """None when the straight run is free, else the x of a free lane beside the obstacles."""
        scene = self.scene()
        if scene is None or end.y() - start.y() <= 2 * STUB:
            return None
        skip = {self.src_item.node_id, self.dst_item.node_id}
        corridor = QRectF(min(start.x(), end.x()) - 4, start.y() + STUB, abs(end.x() - start.x()) + 8,
                          end.y() - start.y() - 2 * STUB)
        blocking = scene.node_rects_in(corridor, skip)
        if not blocking:
            return None
        middle = (start.x() + end.x()) / 2
        right = max(r.right() for r in blocking) + LANE_MARGIN
        left = min(r.left() for r in blocking) - LANE_MARGIN
        for _ in range(6):
            span = QRectF(0, start.y() + STUB, 1, end.y() - start.y() - 2 * STUB)
            right_hits = scene.node_rects_in(span.adjusted(right - 6, 0, right + 6, 0), skip)
            left_hits = scene.node_rects_in(span.adjusted(left - 6, 0, left + 6, 0), skip)
            if not right_hits or not left_hits:
                if not right_hits and (left_hits or abs(right - middle) <= abs(left - middle)):
                    return right
                return left
            right = max(r.right() for r in right_hits) + LANE_MARGIN
            left = min(r.left() for r in left_hits) - LANE_MARGIN
        return right

    def _arrow_head(self, end) -> QPolygonF:
        return QPolygonF([end + QPointF(-4.5, -13), end + QPointF(4.5, -13), end + QPointF(0, -5.5)])

    def _label_rect(self) -> QRectF:
        if not (self.label and self.show_label):
            return QRectF()
        if self._label_left:
            return self._left_rect()
        width = QFontMetricsF(LABEL_FONT).horizontalAdvance(self.label) + 10
        return QRectF(self._label_anchor.x() + 7, self._label_anchor.y() - 8, width, 16)

    def _left_rect(self) -> QRectF:
        width = QFontMetricsF(LABEL_FONT).horizontalAdvance(self.label) + 10
        return QRectF(self._label_anchor.x() - 7 - width, self._label_anchor.y() - 8, width, 16)

    def _label_blocked(self, rect) -> bool:
        """Would the label cover a layer? (then it goes on the edge's other side)"""
        scene = self.scene()
        return bool(scene is not None and not rect.isEmpty() and scene.node_rects_in(rect, ()))

    def set_label(self, text: str, at_source: bool, visible: bool) -> None:
        if (text, at_source, visible) != (self.label, self.label_at_source, self.show_label):
            self.label, self.label_at_source, self.show_label = text, at_source, visible
            self.update_path()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self._path)

    # ---- painting ----
    def paint(self, painter, option, widget=None) -> None:
        selected = self.isSelected()
        color = theme.SELECTION if selected else theme.EDGE
        painter.setPen(QPen(color, 2.4 if selected else 1.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(self._arrow)
        if self.label and self.show_label and painter.worldTransform().m11() >= 0.45:
            rect = self._label_rect()
            painter.setPen(QPen(theme.LABEL_BORDER, 1))
            painter.setBrush(theme.NODE_FILL)
            painter.drawRoundedRect(rect, 8, 8)
            painter.setFont(LABEL_FONT)
            painter.setPen(theme.EDGE_LABEL)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.label)
