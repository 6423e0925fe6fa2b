""""Why this answer": Grad-CAM heat maps of a classified picture, made on the Classify
view's worker thread (``core.zoo.gradcam`` does the engine's part), and written as PNG.

A ``HeatmapWorker`` explains the picture's top-5 classes at once (one forward pass and a
small backward per class), so choosing another class on the card is instant; it hands
back each class's overlay at thumbnail size and the ``Explanation`` itself (plain NumPy),
from which ``ExportHeatmapWorker`` draws the full-size PNG.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from core.errors import Cancelled, NetStudioError

from ..labels import readable_label
from ..model_spec import ModelSpec
from ..workers import Worker, describe_error
from .worker import ClassifierCache, ImageRequest, ModelLoadingWorker, load_pixels

log = logging.getLogger(__name__)
TOP = 5


@dataclass(frozen=True)
class HeatmapResult:
    item_id: int
    model: str                            # the title of the model that answered
    classes: tuple = ()                   # ((class index, readable label, probability), ...)
    overlays: tuple = ()                  # per class: the thumbnail with its map, HxWx3 uint8
    explanation: object = None            # core.zoo.gradcam.Explanation, for the full-size export
    seconds: float = 0.0
    error: str | None = None


class HeatmapWorker(ModelLoadingWorker):
    """Grad-CAM maps of one picture for its top-5 classes under the current model."""

    def __init__(self, cache: ClassifierCache, spec: ModelSpec, ctx, request: ImageRequest):
        super().__init__()
        self.cache, self.spec, self.ctx, self.request = cache, spec, ctx, request

    def work(self) -> None:
        try:
            result = explain_one(self.classifier(self.cache, self.spec, self.ctx), self.request, self.spec.title)
        except Cancelled:
            raise
        except Exception as error:  # noqa: BLE001 - said on the card, like a classification's error
            if not isinstance(error, NetStudioError):
                log.exception("explaining %s", self.request.name)
            result = HeatmapResult(self.request.item_id, self.spec.title, error=describe_error(error))
        self.sigResult.emit(result)


def explain_one(classifier, request: ImageRequest, model: str) -> HeatmapResult:
    from core.zoo.draw_heatmap import overlay

    from ..widgets.thumbnail import thumbnail_array
    started = time.perf_counter()
    pixels = load_pixels(request)
    explanation = classifier.explain(pixels, k=TOP)
    thumb = thumbnail_array(pixels)
    scale_x, scale_y = thumb.shape[1] / pixels.shape[1], thumb.shape[0] / pixels.shape[0]
    x0, y0, x1, y1 = explanation.box
    seen = (x0 * scale_x, y0 * scale_y, x1 * scale_x, y1 * scale_y)
    overlays = tuple(overlay(thumb, explanation.heatmap(rank, (thumb.shape[1], thumb.shape[0])), seen)
                     for rank in range(len(explanation.maps)))
    classes = tuple((m.index, readable_label(m.label), m.probability) for m in explanation.maps)
    return HeatmapResult(request.item_id, model, classes, overlays, explanation, time.perf_counter() - started)


class ExportHeatmapWorker(Worker):
    """Writes the picture with one class's map, full size, as PNG (atomically)."""

    def __init__(self, request: ImageRequest, result: HeatmapResult, rank: int, path: str):
        super().__init__()
        self.request, self.result, self.rank, self.path = request, result, rank, str(path)

    def work(self) -> None:
        from core.zoo.draw_heatmap import draw_heatmap, why_caption
        explanation = self.result.explanation
        _, label, probability = self.result.classes[self.rank]
        draw_heatmap(load_pixels(self.request), explanation.heatmap(self.rank), why_caption(label, probability),
                     self.path, seen=explanation.box)
        self.sigResult.emit(self.path)
