"""The selected image, large, with its top-5 and where it came from."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..widgets.probability_bar import ProbabilityBar
from ..widgets.thumbnail import Thumbnail
from .results_model import CANCELLED, DONE, ERROR, QUEUED, ClassifyItem

STATE_LINES = {QUEUED: "Waiting to be classified…", CANCELLED: "Cancelled before it was classified."}


class DetailPanel(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("Card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)
        self.image = Thumbnail(self, minimum=160)
        self.title = QLabel("No image selected")
        self.title.setObjectName("PlaceholderTitle")
        self.title.setWordWrap(True)
        self.meta = QLabel("Select an image in the list to see its details here.")
        self.meta.setObjectName("ViewSubtitle")
        self.meta.setWordWrap(True)
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel()
        self.error.setObjectName("ErrorBanner")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        layout.addWidget(self.image, 1)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addWidget(self.error)
        layout.addWidget(self._predictions_block())
        self.show_item(None)

    def _predictions_block(self) -> QWidget:
        block = QWidget(self)
        grid = QGridLayout(block)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self.heading = QLabel("Top 5")
        self.heading.setObjectName("SidebarSection")
        grid.addWidget(self.heading, 0, 0, 1, 2)
        self.ranks, self.bars = [], []
        for rank in range(5):
            number = QLabel(f"{rank + 1}.")
            number.setObjectName("ViewSubtitle")
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            bar = ProbabilityBar(parent=block)
            grid.addWidget(number, rank + 1, 0)
            grid.addWidget(bar, rank + 1, 1)
            self.ranks.append(number)
            self.bars.append(bar)
        grid.setColumnStretch(1, 1)
        block.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.block = block
        return block

    def show_item(self, item: ClassifyItem | None) -> None:
        self.current = item
        if item is None:
            self.image.set_image(None)
            self.title.setText("No image selected")
            self.meta.setText("Select an image in the list to see its details here.")
            self.error.hide()
            self.block.hide()
            return
        self.image.set_image(item.thumbnail, error=item.state == ERROR)
        self.title.setText(item.name)
        self.meta.setText(self._meta_text(item))
        self.error.setVisible(item.state == ERROR)
        self.error.setText(item.short_error)
        self.error.setToolTip(item.error or "")
        self.block.setVisible(item.state == DONE)
        for rank, bar in enumerate(self.bars):
            if rank < len(item.predictions):
                _, label, probability = item.predictions[rank]
                bar.set_value(label, probability, strong=rank == 0)
            else:
                bar.set_value("", 0.0)

    @staticmethod
    def _meta_text(item: ClassifyItem) -> str:
        parts = [item.source]
        if item.width and item.height:
            parts.append(f"{item.width} × {item.height} px")
        if item.state == DONE:
            parts.append(f"classified by {item.model} in {item.seconds:.2f} s")
        elif item.state in STATE_LINES:
            parts.append(STATE_LINES[item.state])
        return "\n".join(parts)
