"""Pieces of the Classify view: the empty-state drop target and the drag overlay."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..resources import icon


class EmptyState(QFrame):
    """Shown before anything was dropped: says what to do, offers the bundled samples."""

    sigTrySamples = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("Placeholder")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.setSpacing(10)
        layout.addStretch(1)
        glyph = QLabel()
        glyph.setPixmap(icon("drop", "#94a3b8").pixmap(56, 56))
        glyph.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("Drop images or a folder here")
        title.setObjectName("PlaceholderTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("Or use Open… (Ctrl+O), or paste an image (Ctrl+V).\n"
                      "Each image gets its five most likely classes.")
        hint.setObjectName("DropHint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        samples = QPushButton("Try the sample images")
        samples.clicked.connect(self.sigTrySamples)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(samples)
        row.addStretch(1)
        for widget in (glyph, title, hint):
            layout.addWidget(widget)
        layout.addSpacing(6)
        layout.addLayout(row)
        layout.addStretch(1)
        self.samples_button = samples


class DropOverlay(QWidget):
    """A translucent frame over the whole view while files are dragged over it."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        path = QPainterPath()
        path.addRoundedRect(rect, 14, 14)
        painter.fillPath(path, QColor(37, 99, 235, 36))
        pen = QPen(QColor("#2563eb"), 2, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawPath(path)
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() + 4)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#1d4ed8"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "Drop to classify")
        painter.end()
