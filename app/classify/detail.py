"""The selected image, large, with its top-5 and where it came from; "Show why" lays the
heat map of the chosen class over the picture (heatmap_panel.py, heatmap_flow.py)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..widgets.probability_bar import ProbabilityBar
from ..widgets.thumbnail import Thumbnail
from core.zoo.draw_heatmap import why_caption

from .heatmap_panel import HeatmapControls
from .results_model import CANCELLED, DONE, ERROR, QUEUED, ClassifyItem

STATE_LINES = {QUEUED: "Waiting to be classified…", CANCELLED: "Cancelled before it was classified."}


class DetailPanel(QFrame):
    sigHeatmapWanted = Signal(object)     # a ClassifyItem whose heat maps are to be made
    sigExportHeatmap = Signal()

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
        self.heat = HeatmapControls(self)
        self.heat.sigToggled.connect(lambda _on: self._show_heat())
        self.heat.sigClassChosen.connect(self._choose_class)
        self.heat.sigExport.connect(self.sigExportHeatmap)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.heat)
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
            self._show_heat()
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
        self._show_heat()

    def _choose_class(self, rank: int) -> None:
        if self.current is not None:
            self.current.extra["heatmap_rank"] = rank
            self._show_heat()

    def _show_heat(self) -> None:
        """The picture plain, or with the chosen class's heat map; the controls to match."""
        item = self.current
        self.heat.setVisible(item is not None)
        if item is None:
            return
        done = item.state == DONE
        self.heat.set_available(done, "Only a classified picture has an answer to explain.")
        result = item.extra.get("heatmap")
        if not (done and self.heat.on):
            self.image.set_image(item.thumbnail, error=item.state == ERROR)
            self.heat.show_state(None)
            return
        if result is None or result.model != item.model:
            self.sigHeatmapWanted.emit(item)
        if result is None:
            self.heat.show_state((), caption="Working out why…")
        elif result.error:
            self.image.set_image(item.thumbnail)
            self.heat.show_state((), caption=f"No heat map: {result.error}")
        else:
            rank = min(item.extra.get("heatmap_rank", 0), len(result.classes) - 1)
            _, label, probability = result.classes[rank]
            caption = why_caption(label, probability)
            if result.model != item.model:
                caption += f" — as {result.model} sees it"
            self.image.set_image(item.extra["heatmap_images"][rank])
            self.heat.show_state(result.classes, rank, caption, ready=True)

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
