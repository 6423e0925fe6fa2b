"""Object detection for the Classify view, on its own worker thread.

The detector runs once per picture at the lowest score NanoDet keeps (0.05); the view's
threshold slider then only filters. That is exactly what a run at the higher threshold
would give: a box is suppressed only by a better-scoring box of its class, which passes
any threshold the suppressed box passes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from ..model_spec import ModelSpec
from ..workers import Worker, WorkerThread, describe_error
from .worker import ImageRequest

FLOOR = 0.05
MAX_BOXES = 100


def is_detector(spec: ModelSpec | None) -> bool:
    """True for a zoo model whose task is object detection."""
    if spec is None or spec.kind != "zoo":
        return False
    try:
        from core.zoo.catalog import registry
        entry = registry().get(spec.name)
    except Exception:  # noqa: BLE001 - no registry: nothing is a detector
        return False
    return entry is not None and entry.task == "object-detection"


@dataclass(frozen=True)
class DetectionResult:
    item_id: int
    name: str
    pixels: np.ndarray | None = None            # the picture (H, W, 3) uint8, for drawing
    detections: tuple = field(default=())       # dicts: box, label, index, score (>= FLOOR)
    error: str | None = None


class DetectWorker(Worker):
    def __init__(self, jobs: "DetectJobs", spec: ModelSpec, requests: list[ImageRequest]):
        super().__init__()
        self.jobs, self.spec, self.requests = jobs, spec, list(requests)

    def work(self) -> None:
        detector = self.jobs.detector_for(self.spec)    # loaded here, on the worker thread
        for request in self.requests:
            if self.cancelled:
                return
            self.sigResult.emit(detect_one(detector, request))


def detect_one(detector, request: ImageRequest) -> DetectionResult:
    from core.image import load_image
    try:
        pixels = request.pixels if request.pixels is not None else load_image(request.path)
        found = detector.detect(pixels, k=MAX_BOXES, threshold=FLOOR)
    except Exception as error:  # noqa: BLE001 - shown on the item
        return DetectionResult(request.item_id, request.name, error=describe_error(error))
    return DetectionResult(request.item_id, request.name, pixels, tuple(found))


class DetectJobs(QObject):
    sigResult = Signal(object)      # DetectionResult
    sigError = Signal(str)
    sigIdle = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._thread = WorkerThread("detect", self)
        self._detectors = {}
        self._running = set()

    def detector_for(self, spec: ModelSpec):
        """The ImageDetector for ``spec``, loaded once (worker thread only)."""
        if spec.name not in self._detectors:
            from core.zoo.detector import ImageDetector
            self._detectors[spec.name] = ImageDetector.from_zoo(spec.name)
        return self._detectors[spec.name]

    def detect(self, spec: ModelSpec, requests: list[ImageRequest]) -> None:
        worker = DetectWorker(self, spec, requests)
        worker.sigResult.connect(self.sigResult)
        worker.sigError.connect(self.sigError)
        worker.sigFinished.connect(self._on_finished)
        self._running.add(worker)
        self._thread.submit(worker)

    def busy(self) -> bool:
        return bool(self._running)

    def cancel(self) -> None:
        for worker in self._running:
            worker.cancel()

    def shutdown(self) -> None:
        self.cancel()
        self._thread.stop()

    @Slot()
    def _on_finished(self) -> None:
        self._running.discard(self.sender())
        if not self._running:
            self.sigIdle.emit()
