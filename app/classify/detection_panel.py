"""The Classify view's detection page: each dropped picture with its labelled boxes.

The threshold slider re-filters the boxes the detector already found (it ran once at
its lowest threshold: see detect_jobs.py); hovering a box highlights it and its row in
the list; Export writes the boxes shown as CSV or JSON.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QListWidget, QPushButton, QSlider,
                               QSplitter, QVBoxLayout, QWidget)

from core.zoo.draw_detections import class_colour

from .detection_export import visible, write_detections

DEFAULT_THRESHOLD = 0.25


class BoxCanvas(QWidget):
    """A picture scaled to fit, with boxes drawn over it; ``hovered`` is the box under
    the mouse (the smallest one containing it), or -1."""
    sigHovered = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(240, 180)
        self._image = None
        self.boxes: list = []
        self.hovered = -1

    def show_picture(self, pixels, boxes) -> None:
        if pixels is None:
            self._image = None
        else:
            pixels = np.ascontiguousarray(pixels)
            height, width = pixels.shape[:2]
            self._image = QImage(pixels.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
        self.set_boxes(boxes)

    def set_boxes(self, boxes) -> None:
        self.boxes = list(boxes)
        self.hovered = -1
        self.update()

    def highlight(self, index: int) -> None:
        if index != self.hovered:
            self.hovered = index
            self.update()
            self.sigHovered.emit(index)

    def _frame(self) -> tuple[float, float, float]:
        """(scale, left, top) of the picture in the widget."""
        scale = min(self.width() / self._image.width(), self.height() / self._image.height())
        return (scale, (self.width() - self._image.width() * scale) / 2,
                (self.height() - self._image.height() * scale) / 2)

    def _widget_rect(self, box) -> QRectF:
        scale, left, top = self._frame()
        x0, y0, x1, y1 = box
        return QRectF(left + x0 * scale, top + y0 * scale, (x1 - x0) * scale, (y1 - y0) * scale)

    def box_at(self, point) -> int:
        inside = [(r.width() * r.height(), i) for i, r in enumerate(self._widget_rect(b["box"]) for b in self.boxes)
                  if r.contains(point)]
        return min(inside)[1] if inside else -1

    def mouseMoveEvent(self, event) -> None:
        if self._image is not None:
            self.highlight(self.box_at(event.position()))

    def leaveEvent(self, event) -> None:
        self.highlight(-1)

    def paintEvent(self, event) -> None:
        if self._image is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        scale, left, top = self._frame()
        painter.drawImage(QRectF(left, top, self._image.width() * scale, self._image.height() * scale), self._image)
        # the best box (first) is drawn last, on top; the hovered one above everything
        for index in sorted(range(len(self.boxes)), key=lambda i: (i == self.hovered, -i)):
            box = self.boxes[index]
            rect = self._widget_rect(box["box"])
            colour = QColor(*class_colour(box["index"]))
            if index == self.hovered:
                painter.fillRect(rect, QColor(colour.red(), colour.green(), colour.blue(), 60))
            painter.setPen(QPen(colour, 4 if index == self.hovered else 2))
            painter.drawRect(rect)
            text = f"{box['label']} {box['score']:.2f}"
            tag = painter.fontMetrics().boundingRect(text).adjusted(-4, -2, 4, 2)
            tag.moveTopLeft(rect.topLeft().toPoint() - tag.bottomLeft() + tag.topLeft())
            painter.fillRect(tag, colour)
            painter.setPen(Qt.GlobalColor.black if sum(class_colour(box["index"])) > 400 else Qt.GlobalColor.white)
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()


class DetectionPanel(QWidget):
    sigStatus = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.results: list = []
        self.threshold = DEFAULT_THRESHOLD
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.pictures = QListWidget(splitter)
        self.canvas = BoxCanvas(splitter)
        side = QWidget(splitter)
        column = QVBoxLayout(side)
        self.threshold_label = QLabel(side)
        self.slider = QSlider(Qt.Orientation.Horizontal, side)
        self.slider.setRange(5, 95)
        self.slider.setValue(round(DEFAULT_THRESHOLD * 100))
        self.boxes = QListWidget(side)
        self.export_button = QPushButton("Export detections…", side)
        for widget in (self.threshold_label, self.slider, self.boxes, self.export_button):
            column.addWidget(widget)
        splitter.setSizes([160, 560, 220])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.slider.valueChanged.connect(lambda value: self.set_threshold(value / 100))
        self.pictures.currentRowChanged.connect(self._show_row)
        self.canvas.sigHovered.connect(self._on_hovered)
        self.boxes.currentRowChanged.connect(lambda row: self.canvas.highlight(row))
        self.export_button.clicked.connect(self.export_dialog)
        self._label_threshold()

    def add_result(self, result) -> None:
        self.results.append(result)
        count = "could not be read" if result.error else f"{len(visible(result.detections, self.threshold))} found"
        self.pictures.addItem(f"{result.name} · {count}")
        if self.pictures.currentRow() < 0:
            self.pictures.setCurrentRow(0)

    def clear(self) -> None:
        self.results.clear()
        self.pictures.clear()
        self.canvas.show_picture(None, [])
        self.boxes.clear()

    def set_threshold(self, threshold: float) -> None:
        """Re-filter what is shown; the detector does not run again."""
        self.threshold = float(threshold)
        self._label_threshold()
        for row, result in enumerate(self.results):
            if result.error is None:
                self.pictures.item(row).setText(f"{result.name} · {len(visible(result.detections, self.threshold))} found")
        self._show_row(self.pictures.currentRow())

    def shown_boxes(self) -> list:
        return list(self.canvas.boxes)

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export detections", "detections.csv",
                                              "CSV files (*.csv);;JSON files (*.json)")
        if path:
            self.export(path)

    def export(self, path) -> None:
        try:
            count = write_detections(path, self.results, self.threshold)
        except OSError as error:
            self.sigStatus.emit(f"Could not write {path}: {error.strerror}")
            return
        self.sigStatus.emit(f"Exported {count} boxes to {path}")

    def _label_threshold(self) -> None:
        self.threshold_label.setText(f"Threshold {self.threshold:.2f}")

    def _show_row(self, row: int) -> None:
        result = self.results[row] if 0 <= row < len(self.results) else None
        shown = visible(result.detections, self.threshold) if result is not None else []
        self.canvas.show_picture(result.pixels if result is not None else None, shown)
        self.boxes.clear()
        if result is not None and result.error:
            self.boxes.addItem(result.error)
        for box in shown:
            x0, y0, x1, y1 = (round(v) for v in box["box"])
            self.boxes.addItem(f"{box['label']} {box['score']:.2f}  [{x0}, {y0}, {x1}, {y1}]")

    def _on_hovered(self, index: int) -> None:
        self.boxes.blockSignals(True)
        self.boxes.setCurrentRow(index)
        self.boxes.blockSignals(False)
