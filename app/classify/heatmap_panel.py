"""The card's "Why?" controls: a toggle that lays the Grad-CAM heat map over the picture,
the class it explains (one of the top-5, the first by default), Export PNG…, and under
them the caption ("why: espresso (96%)") with the colour scale's legend."""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPainterPath
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from core.zoo.draw_heatmap import COLOUR_STOPS, LEGEND

from ..widgets.probability_bar import format_percent


BAR_WIDTH = 60
TOGGLE_TIP = "Show where in the picture the model found its answer (Alt+W)"


def _row(*widgets) -> QHBoxLayout:
    """(widget, stretch) pairs side by side, centred vertically."""
    row = QHBoxLayout()
    row.setSpacing(8)
    for widget, stretch in widgets:
        row.addWidget(widget, stretch, Qt.AlignmentFlag.AlignVCenter)
    return row


class HeatLegend(QWidget):
    """The colour scale, "less" at its cold end and "more evidence" at its hot end."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Heat map colours")
        self.setAccessibleDescription("blue: little evidence for the class; red: the most")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        low, high = LEGEND
        return QSize(metrics.horizontalAdvance(low) + metrics.horizontalAdvance(high) + 12 + BAR_WIDTH,
                     metrics.height() + 4)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        low, high = LEGEND
        rect = QRectF(self.rect())
        low_width, high_width = metrics.horizontalAdvance(low) + 6, metrics.horizontalAdvance(high) + 6
        bar = QRectF(rect.left() + low_width, rect.center().y() - 5, rect.width() - low_width - high_width, 10)
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        for position, (red, green, blue) in COLOUR_STOPS:
            gradient.setColorAt(position, QColor(red, green, blue))
        path = QPainterPath()
        path.addRoundedRect(bar, 3, 3)
        painter.fillPath(path, gradient)
        painter.setPen(self.palette().placeholderText().color())
        align = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRectF(rect.left(), rect.top(), low_width - 6, rect.height()),
                         align | Qt.AlignmentFlag.AlignRight, low)
        painter.drawText(QRectF(bar.right() + 6, rect.top(), high_width, rect.height()),
                         align | Qt.AlignmentFlag.AlignLeft, high)
        painter.end()


class HeatmapControls(QWidget):
    sigToggled = Signal(bool)
    sigClassChosen = Signal(int)        # the rank (0 = top-1) of the class to explain
    sigExport = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.toggle = QPushButton("Show &why")
        self.toggle.setObjectName("HeatToggle")
        self.toggle.setCheckable(True)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.toggle.setAccessibleName("Why this answer: heat map")
        self.toggle.setAccessibleDescription("Colours the parts of the picture that led the model to the "
                                             "chosen class (Grad-CAM)")
        self.toggle.setToolTip(TOGGLE_TIP)
        self.classes = QComboBox(self)
        self.classes.setAccessibleName("Class to explain")
        self.classes.setToolTip("Which of the top-5 classes the heat map explains")
        self.classes.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.classes.setMinimumContentsLength(12)
        self.export_button = QPushButton("Export PNG…")
        self.export_button.setAccessibleName("Export the heat map as PNG")
        self.caption = QLabel("")
        self.caption.setObjectName("HeatCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.legend = HeatLegend(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        outer.addLayout(_row((self.toggle, 0), (self.classes, 1), (self.export_button, 0)))
        outer.addLayout(_row((self.caption, 1), (self.legend, 0)))
        self.toggle.toggled.connect(self._on_toggled)
        self.classes.activated.connect(self.sigClassChosen)
        self.export_button.clicked.connect(self.sigExport)
        self.show_state(None)

    def _on_toggled(self, on: bool) -> None:
        self.toggle.setText("Hide &why" if on else "Show &why")
        self.sigToggled.emit(on)

    @property
    def on(self) -> bool:
        return self.toggle.isChecked()

    def set_available(self, available: bool, why_not: str = "") -> None:
        """Whether the selected item can be explained (classified, not an error)."""
        self.toggle.setEnabled(available)
        self.toggle.setToolTip(TOGGLE_TIP if available else why_not)

    def show_state(self, classes, rank: int = 0, caption: str = "", ready: bool = False) -> None:
        """The classes to choose from ((index, label, probability), ...), the chosen rank,
        the caption, and whether a map is there to export."""
        if classes is not None:
            self.classes.blockSignals(True)
            self.classes.clear()
            for row, (_, label, probability) in enumerate(classes):
                self.classes.addItem(label)
                self.classes.setItemData(row, f"{label}: {format_percent(probability)}",
                                         Qt.ItemDataRole.ToolTipRole)
            self.classes.setCurrentIndex(min(rank, max(0, len(classes) - 1)))
            self.classes.blockSignals(False)
        on = self.on
        self.classes.setVisible(on)
        self.classes.setEnabled(ready)
        self.export_button.setVisible(on)
        self.export_button.setEnabled(ready)
        self.caption.setVisible(on and bool(caption))
        self.caption.setText(caption)
        self.legend.setVisible(on and ready)
