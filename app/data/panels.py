"""The Data view's side panels: the class histogram (train and test side by side, one
horizontal bar pair per class, names readable on the left axis) and a sample's detail."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout

from ..widgets.plot_style import BLUE, ORANGE, make_plot
from ..widgets.thumbnail import Thumbnail
from .grid_model import pixelated, qimage_from_picture


def card(title: str, parent=None) -> tuple[QFrame, QVBoxLayout]:
    """A white rounded card with a small bold heading; returns (frame, its layout)."""
    frame = QFrame(parent)
    frame.setObjectName("Card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 12, 14, 12)
    layout.setSpacing(8)
    if title:
        heading = QLabel(title)
        heading.setStyleSheet("font-weight: 600;")
        layout.addWidget(heading)
    return frame, layout


class ClassHistogram(QFrame):
    """Examples per class for each split, as grouped horizontal bars."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.legend = QLabel("")      # a text legend: never covers a bar
        self.legend.setObjectName("ViewSubtitle")
        layout.addWidget(self.legend)
        self.plot = make_plot(bottom="examples")
        self.plot.setMinimumHeight(110)
        self.plot.getPlotItem().getViewBox().setMouseEnabled(x=False, y=False)
        self.plot.getPlotItem().getViewBox().invertY(True)
        layout.addWidget(self.plot)
        self.counts: dict[str, np.ndarray] = {}
        self._bars: list = []

    def set_counts(self, classes, counts: dict) -> None:
        """``counts``: {"train": array, "test": array} (test optional)."""
        plot = self.plot.getPlotItem()
        for bar in self._bars:
            plot.removeItem(bar)
        self._bars, self.counts = [], {k: np.asarray(v) for k, v in counts.items()}
        positions = np.arange(len(classes), dtype=float)
        colours = {"train": BLUE, "test": ORANGE}
        height = 0.8 / max(len(counts), 1)
        for n, (split, values) in enumerate(self.counts.items()):
            centre = positions - 0.4 + height * (n + 0.5)
            bar = pg.BarGraphItem(x0=0, y=centre, height=height * 0.9, width=values.astype(float),
                                  brush=colours.get(split, BLUE), pen=pg.mkPen(None))
            plot.addItem(bar)
            self._bars.append(bar)
        self.legend.setText("&nbsp;&nbsp;&nbsp;".join(
            f"<span style='color:{colours.get(split, BLUE)};font-size:12pt'>■</span> {split} ({int(v.sum()):,})"
            for split, v in self.counts.items()))
        plot.getAxis("left").setTicks([[(i, name) for i, name in enumerate(classes)]])
        top = max((v.max() for v in self.counts.values() if len(v)), default=1)
        plot.setXRange(0, top * 1.05, padding=0)
        plot.setYRange(-0.6, len(classes) - 0.4, padding=0)


class SampleDetail(QFrame):
    """One example large, with its class, index and file name."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        self.picture = Thumbnail(self, minimum=104)
        self.picture.setFixedSize(112, 112)
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        facts = QGridLayout()
        facts.setVerticalSpacing(4)
        self.label = QLabel("—")
        self.label.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.label.setWordWrap(True)
        facts.addWidget(self.label, 0, 0, 1, 2)
        self.fields = {}
        for row, name in enumerate(("Class", "Example", "Size", "File"), start=1):
            key = QLabel(name)
            key.setObjectName("ViewSubtitle")
            value = QLabel("—")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            facts.addWidget(key, row, 0, Qt.AlignmentFlag.AlignTop)
            facts.addWidget(value, row, 1)
            self.fields[name] = value
        facts.setColumnStretch(1, 1)
        facts.setRowStretch(5, 1)
        layout.addLayout(facts, 1)

    def show_example(self, split, classes, position: int | None, split_name: str = "train") -> None:
        if split is None or position is None:
            self.picture.set_image(None)
            self.label.setText("Select a picture")
            for value in self.fields.values():
                value.setText("—")
            return
        label = int(split.labels[position])
        try:
            pixels = split.picture(position)
            image, error, size = pixelated(qimage_from_picture(pixels), 112), False, pixels.shape
        except Exception as failure:  # noqa: BLE001 - shown in place of the picture
            image, error, size = None, True, str(failure)
        self.picture.set_image(image, error)
        self.label.setText(classes[label])
        self.fields["Class"].setText(f"{label} · {classes[label]}")
        self.fields["Example"].setText(f"#{position:,} of {len(split):,} ({split_name})")
        self.fields["Size"].setText("×".join(str(v) for v in size[:2]) + (" RGB" if len(size) == 3 else " grey")
                                    if not isinstance(size, str) else size)
        path = Path(split.paths[position]) if split.paths is not None else None
        self.fields["File"].setText(f"{path.parent.name}/{path.name}" if path else "in memory")
        self.fields["File"].setToolTip(str(path) if path else "")
