"""The Results tab: the final score, the checkpoint and "Use in Classify", the confusion
matrix and the gallery of the worst mistakes."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from ..data.panels import card
from .results import ConfusionView, MistakesGallery


class ResultsPage(QWidget):
    sigUseInClassify = Signal()
    sigExportOnnx = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(10)
        summary = QFrame(self)
        summary.setObjectName("Card")
        row = QHBoxLayout(summary)
        row.setContentsMargins(16, 10, 16, 10)
        self.score = QLabel("—")
        self.score.setStyleSheet("font-size: 20pt; font-weight: 700; color: #1d4ed8;")
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.headline = QLabel("No finished run yet.")
        self.headline.setStyleSheet("font-weight: 600;")
        self.headline.setWordWrap(True)
        self.detail = QLabel("Train a network: its test results appear here.")
        self.detail.setObjectName("ViewSubtitle")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        texts.addWidget(self.headline)
        texts.addWidget(self.detail)
        self.use_button = QPushButton("Use in Classify  →")
        self.use_button.setProperty("primary", True)
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(self.sigUseInClassify)
        self.onnx_button = QPushButton("Export to ONNX")
        self.onnx_button.setEnabled(False)
        self.onnx_button.clicked.connect(self.sigExportOnnx)
        row.addWidget(self.score)
        row.addSpacing(14)
        row.addLayout(texts, 1)
        row.addWidget(self.onnx_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.use_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(summary)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        frame, inner = card("Confusion matrix", splitter)
        axis = QLabel("rows: true class (its accuracy) · columns: predicted class")
        axis.setObjectName("ViewSubtitle")
        axis.setWordWrap(True)
        inner.addWidget(axis)
        self.confusion = ConfusionView(frame)
        inner.addWidget(self.confusion, 1)
        splitter.addWidget(frame)
        frame, inner = card("Most confident mistakes", splitter)
        self.gallery = MistakesGallery(frame)
        inner.addWidget(self.gallery, 1)
        splitter.addWidget(frame)
        splitter.setSizes([560, 250])
        splitter.setStretchFactor(0, 1)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

    def clear(self) -> None:
        self.score.setText("—")
        self.headline.setText("Training…")
        self.detail.setText("Results appear when the run finishes.")
        self.use_button.setEnabled(False)
        self.onnx_button.setEnabled(False)
        self.confusion.confusion.set_matrix([], [])
        self.gallery.mistakes.set_mistakes([], None, [])

    def show_evaluation(self, evaluation, source) -> None:
        classes = source.classes
        self.confusion.confusion.set_matrix(evaluation.matrix, classes)
        split = source.split(evaluation.source_split)
        self.gallery.mistakes.set_mistakes(evaluation.mistakes, split, classes)
        self.score.setText(f"{evaluation.accuracy:.1%}")
        self.headline.setText(f"{evaluation.split.capitalize()} accuracy on {len(evaluation.labels):,} pictures")

    def set_record(self, record: dict) -> None:
        epochs = record.get("epochs_saved") or []
        prefix = record["folder"] + "/model"
        if record["status"] != "completed":
            self.score.setText("—")
            self.headline.setText(f"Run {record['status']}")
        final = record.get("final", {})
        loss = next((v for k, v in final.items() if k.endswith("_loss")), None)
        parts = [f"{record['title']}"]
        if loss is not None:
            parts.append(f"loss {loss:.3f}")
        path = f"{prefix}-{max(epochs):04d}.params" if epochs else ""
        if epochs:
            parts.append(f"checkpoint …/{Path(path).parent.name[:24]}…/{Path(path).name}")
        self.detail.setText(" · ".join(parts))
        self.detail.setToolTip(path)
        self.use_button.setEnabled(bool(epochs))
        self.onnx_button.setEnabled(bool(epochs))
