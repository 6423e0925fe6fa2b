"""The offer shown after the model changes: re-run the pictures already in the list."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from .results_model import CANCELLED, DONE, ERROR, ClassifyItem


def rerunnable(items: list[ClassifyItem], model_title: str) -> list[ClassifyItem]:
    """The items answered (or failed) with another model whose picture is still a file on
    disk; a pasted picture is not kept, so it cannot be re-run."""
    return [item for item in items
            if item.state in (DONE, ERROR, CANCELLED) and item.model != model_title
            and item.source and Path(item.source).is_file()]


class RerunBanner(QFrame):
    """Non-modal: "Re-run 3 pictures with ResNet-18" and a way to say no."""

    sigRerun = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("RerunBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 6, 4)
        self.message = QLabel("", self)
        self.button = QPushButton("", self)
        self.dismiss_button = QPushButton("Not now", self)
        row.addWidget(self.message, 1)
        row.addWidget(self.button)
        row.addWidget(self.dismiss_button)
        self.button.clicked.connect(self._accept)
        self.dismiss_button.clicked.connect(self.hide)
        self.hide()

    def offer(self, count: int, model_title: str) -> None:
        pictures = f"{count} picture{'s' if count != 1 else ''}"
        self.message.setText("The list was classified with another model.")
        self.button.setText(f"Re-run {pictures} with {model_title}")
        self.show()

    def _accept(self) -> None:
        self.hide()
        self.sigRerun.emit()
