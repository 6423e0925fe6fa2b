"""Pieces of the Classify view: header, footer, empty-state drop target, drag overlay."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QMenu, QProgressBar, QPushButton,
                               QToolButton, QVBoxLayout, QWidget)

from .. import theme
from ..resources import icon
from ..widgets.view_header import title_block
from .model_selector import ModelSelector


class ClassifyHeader(QWidget):
    """Title, the Open/Paste/Export/Clear buttons, and the model row under them."""

    def __init__(self, settings, parent=None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(12)
        row = QHBoxLayout()
        row.addLayout(title_block("Classify", "Drop photos anywhere on this page to see what "
                                              "the model recognises."), 1)
        self.open_button = QToolButton(self)
        self.open_button.setText("Open…")
        self.open_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.open_button.setMenu(QMenu(self.open_button))
        self.paste_button = QPushButton("Paste")
        self.export_button = QPushButton("Export CSV…")
        self.clear_button = QPushButton("Clear")
        for button in (self.open_button, self.paste_button, self.export_button, self.clear_button):
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        outer.addLayout(row)
        outer.addLayout(self._model_row(settings))

    def _model_row(self, settings) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        label = QLabel("Model")
        label.setObjectName("ViewSubtitle")
        self.selector = ModelSelector(settings, self)
        self.model_state = QLabel("")
        self.model_state.setObjectName("ViewSubtitle")
        row.addWidget(label)
        row.addWidget(self.selector)
        row.addWidget(self.model_state, 1)
        return row


class ProgressFooter(QWidget):
    """A summary line; while working, a progress bar and Cancel."""

    def __init__(self, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        self.summary = QLabel("No images yet.")
        self.summary.setObjectName("ViewSubtitle")
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(260)
        self.cancel_button = QPushButton("Cancel")
        # the footer keeps its height when the button hides, so the list does not jump
        self.setFixedHeight(self.cancel_button.sizeHint().height() + 4)
        row.addWidget(self.summary, 1)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)


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
        # opaque: the page underneath would show through the message otherwise
        painter.fillPath(path, QColor(theme.color("accent_tint")))
        painter.setPen(QPen(QColor(theme.color("accent")), 2, Qt.PenStyle.DashLine))
        painter.drawPath(path)
        glyph = QRectF(0, 0, 56, 56)
        glyph.moveCenter(rect.center() - QPointF(0, 36))
        icon("drop", "#2563eb").paint(painter, glyph.toRect())
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() + 4)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#1d4ed8"))
        text = QRectF(rect.left(), rect.center().y() + 4, rect.width(), 40)
        painter.drawText(text, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                         "Drop to classify")
        painter.end()
