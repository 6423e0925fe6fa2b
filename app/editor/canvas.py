"""The view onto the scene: wheel zoom, middle-button or Space-drag pan (a tap of Space
asks for quick add), rubber-band selection, fit-to-view, palette drops, a hint while the
document is empty, and a focus ring while it has the keyboard focus."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsView

from . import theme

OP_MIME = "application/x-netstudio-op"
MIN_ZOOM, MAX_ZOOM = 0.08, 2.5
GRID = 24.0
FOCUS_WIDTH = 2.0


class CanvasView(QGraphicsView):
    sigDropped = Signal(str, QPointF)     # op name, scene position
    sigZoomChanged = Signal(float)
    sigContextMenu = Signal(QPoint, QPointF)  # global position, scene position
    sigFilesDropped = Signal(list)        # local paths dropped from a file manager
    sigRefused = Signal(str)              # a drop the canvas cannot use, and why
    sigQuickAdd = Signal()                # Space was tapped (pressed and released without a drag)

    def __init__(self, scene, parent=None):
        super().__init__(scene, parent)
        self.setObjectName("EditorCanvas")
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setAcceptDrops(True)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSceneRect(QRectF(-5000, -5000, 10000, 10000))
        self.empty_hint = ("Drag a layer from the palette onto the canvas, or press Tab\n"
                           "and type its name; or start from a template with New.")
        self._pan_from = None
        self._space_down = False
        self._space_panned = False
        self.pointer: QPoint | None = None    # where the mouse is over the viewport, if it is

    # ---- zoom and pan ----
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        scale = factor / self.zoom()
        if anchor is None:
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.scale(scale, scale)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.sigZoomChanged.emit(self.zoom())

    def update_scene_rect(self) -> None:
        """Room to pan around the network, whatever its size."""
        content = self._content_rect()
        margin = max(2000.0, 2 * max(content.width(), content.height()))
        wanted = content.adjusted(-margin, -margin, margin, margin)
        if wanted != self.sceneRect():
            # the scroll range changes: keep what is under the eye where it is
            centre = self.mapToScene(self.viewport().rect().center())
            self.setSceneRect(wanted)
            self.centerOn(centre)

    def wheelEvent(self, event) -> None:
        """A mouse wheel zooms; a touchpad's two-finger scroll pans (Ctrl + scroll zooms)."""
        pixels = event.pixelDelta()
        if not pixels.isNull() and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.pan(pixels.x(), pixels.y())
            event.accept()
            return
        steps = event.angleDelta().y() / 120.0
        if steps == 0:
            return super().wheelEvent(event)
        self.set_zoom(self.zoom() * (1.15 ** steps), event.position())
        event.accept()

    def pan(self, dx: float, dy: float) -> None:
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(dx))
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(dy))

    def fit(self, rect: QRectF | None = None, max_zoom: float = 1.0, min_zoom: float = MIN_ZOOM,
            top: bool = False) -> None:
        """Show ``rect`` (all nodes by default) whole, no larger than ``max_zoom``; if that
        would go below ``min_zoom``, keep ``min_zoom`` and show the top (the inputs)."""
        rect = rect if rect is not None else self._content_rect()
        if rect.isEmpty():
            self.resetTransform()
            self.centerOn(0, 0)
            return
        self.update_scene_rect()
        rect = rect.adjusted(-24, -24, 24, 24)
        view = self.viewport().rect()
        wanted = min(view.width() / rect.width(), view.height() / rect.height())
        factor = max(min_zoom, min(max_zoom, wanted))
        self.resetTransform()
        self.scale(factor, factor)
        if top and wanted < factor:
            visible_height = view.height() / factor
            self.centerOn(rect.center().x(), rect.top() + visible_height / 2)
        else:
            self.centerOn(rect.center())
        self.sigZoomChanged.emit(self.zoom())

    def _content_rect(self) -> QRectF:
        items = getattr(self.scene(), "node_items", {})
        rect = QRectF()
        for item in items.values():
            rect = rect.united(item.sceneBoundingRect())
        return rect

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.MiddleButton or (
                self._space_down and event.button() == Qt.MouseButton.LeftButton):
            self._pan_from = event.position()
            self._space_panned = self._space_down
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        self.pointer = event.position().toPoint()
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.pan(delta.x(), delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down, self._space_panned = True, False
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat() and self._space_down:
            self._space_down = False
            self.viewport().unsetCursor()
            if not self._space_panned:
                self.sigQuickAdd.emit()
            return
        super().keyReleaseEvent(event)

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.Leave and self.pointer is not None:
            over = self.childAt(self.pointer + self.viewport().pos())
            if over is None or over is self.viewport() or self.viewport().isAncestorOf(over):
                self.pointer = None       # gone, not just under a popup of the canvas
        return super().viewportEvent(event)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if self.hasFocus() or not getattr(self.scene(), "node_items", None):
            self.viewport().update()      # the ring and the hint stay put while the scene moves

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.viewport().update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.viewport().update()

    def contextMenuEvent(self, event) -> None:
        self.sigContextMenu.emit(event.globalPos(), self.mapToScene(event.pos()))
        event.accept()

    # ---- palette drops ----
    def dragEnterEvent(self, event) -> None:
        # anything dropped gets an answer: layers are added, files opened or refused with a reason
        if event.mimeData().hasFormat(OP_MIME) or event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(OP_MIME) or event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        if event.mimeData().hasFormat(OP_MIME):
            op = bytes(event.mimeData().data(OP_MIME)).decode("utf-8")
            self.sigDropped.emit(op, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
        elif event.mimeData().hasUrls():
            paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
            if paths:
                self.sigFilesDropped.emit(paths)
            else:
                self.sigRefused.emit("Build opens files from this computer; download the network first.")
            event.acceptProposedAction()
        elif event.mimeData().hasText():
            self.sigRefused.emit("Build cannot use dropped text: drag a layer from the palette, "
                                 "or drop an MXNet symbol file (*-symbol.json).")
            event.acceptProposedAction()
        else:
            super().dropEvent(event)

    # ---- painting ----
    def drawBackground(self, painter, rect) -> None:
        painter.fillRect(rect, theme.CANVAS)
        if self.zoom() < 0.5:
            return
        painter.setPen(theme.GRID_DOT)
        left = int(rect.left() // GRID) * GRID
        top = int(rect.top() // GRID) * GRID
        points = []
        y = top
        while y < rect.bottom():
            x = left
            while x < rect.right():
                points.append(QPointF(x, y))
                x += GRID
            y += GRID
        painter.drawPoints(QPolygonF(points))

    def drawForeground(self, painter, rect) -> None:
        painter.save()
        painter.resetTransform()
        if self.hasFocus():
            painter.setPen(QPen(theme.FOCUS_RING, FOCUS_WIDTH))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            inset = FOCUS_WIDTH / 2
            painter.drawRect(QRectF(self.viewport().rect()).adjusted(inset, inset, -inset, -inset))
        if not getattr(self.scene(), "node_items", None):
            painter.setPen(theme.TEXT_MUTED)
            painter.setFont(theme.font(11))
            painter.drawText(QRectF(self.viewport().rect()), Qt.AlignmentFlag.AlignCenter, self.empty_hint)
        painter.restore()
