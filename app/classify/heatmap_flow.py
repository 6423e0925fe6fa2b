"""Connects the card's "Why?" controls to the worker: asks for an item's heat maps when
they are wanted and not there yet, keeps them on the item, and exports the chosen one.

What an item holds (``ClassifyItem.extra``): ``heatmap`` (a HeatmapResult), ``heatmap_images`` (its overlays as QImages), ``heatmap_rank`` (the
class chosen, 0 = top-1) and ``heatmap_pending`` while the worker is at it.
"""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..widgets.thumbnail import qimage_from_array
from .heatmap import HeatmapResult
from .results_model import DONE, ClassifyItem
from .worker import ImageRequest


def heatmap_of(item: ClassifyItem | None) -> HeatmapResult | None:
    """The item's heat maps (made by the model in use when they were asked for; the card
    says so when that is not the model that answered), or None."""
    return item.extra.get("heatmap") if item is not None else None


def image_request(item: ClassifyItem) -> ImageRequest:
    pixels = item.extra.get("pixels")
    return ImageRequest(item.item_id, item.name, path=None if pixels is not None else item.source, pixels=pixels)


class HeatmapFlow(QObject):
    sigStatus = Signal(str)

    def __init__(self, detail, jobs, results, parent=None):
        super().__init__(parent)
        self.detail, self.jobs, self.results = detail, jobs, results
        detail.sigHeatmapWanted.connect(self.explain)
        detail.sigExportHeatmap.connect(self.export_dialog)
        jobs.sigHeatmap.connect(self._on_heatmap)
        jobs.sigHeatmapSaved.connect(lambda path: self.sigStatus.emit(f"Saved the heat map to {path}"))
        jobs.sigHeatmapError.connect(self._on_export_error)

    def explain(self, item: ClassifyItem) -> None:
        """Ask for the item's heat maps unless they are on their way, or there already and
        made by the model that answered it or at least by the one in use now."""
        if item.state != DONE or item.extra.get("heatmap_pending"):
            return
        made = heatmap_of(item)
        if made is not None and (made.model == item.model or item.model != self.jobs.spec.title):
            return
        item.extra["heatmap_pending"] = True
        self.jobs.explain(image_request(item))

    def export(self, path) -> bool:
        """Write the selected item's picture with the chosen class's map to ``path`` (PNG),
        on the worker thread; False when there is no map to write."""
        item = self.detail.current
        result = heatmap_of(item)
        if result is None or result.error:
            self.sigStatus.emit("No heat map to export: select a classified picture and press Show why.")
            return False
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".png")
        self.jobs.export_heatmap(image_request(item), result, item.extra.get("heatmap_rank", 0), str(path))
        return True

    def export_dialog(self) -> None:
        item = self.detail.current
        result = heatmap_of(item)
        if result is None or result.error:
            return
        label = result.classes[item.extra.get("heatmap_rank", 0)][1]
        suggested = f"{Path(item.name).stem}-why-{re.sub(r'[^A-Za-z0-9_-]+', '-', label).strip('-')}.png"
        path, _ = QFileDialog.getSaveFileName(self.detail, "Export heat map", suggested, "PNG images (*.png)")
        if path:
            self.export(path)

    def _on_heatmap(self, result: HeatmapResult) -> None:
        item = self.results.item_at(self.results.row_of(result.item_id))
        if item is None:
            return             # the list was cleared meanwhile
        item.extra["heatmap_pending"] = False
        item.extra["heatmap"] = result
        item.extra["heatmap_images"] = tuple(qimage_from_array(o) for o in result.overlays)
        item.extra["heatmap_rank"] = 0
        if self.detail.current is item:
            self.detail.show_item(item)

    def _on_export_error(self, message: str) -> None:
        self.sigStatus.emit(f"Could not export the heat map: {message}")
        QMessageBox.warning(self.detail, "Export failed", f"Could not export the heat map:\n{message}")
