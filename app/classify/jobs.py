"""Runs the Classify view's work on one worker thread and keeps the books.

Jobs run in order on a single thread (the classifier is not shared between threads).
Every dropped item ends in exactly one state: a result, an error, or cancelled -- items a
job never reached are settled when the job finishes, so nothing stays "waiting" forever.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from ..model_spec import DEFAULT_MODEL, ModelSpec
from ..workers import WorkerThread
from .heatmap import ExportHeatmapWorker, HeatmapWorker
from .worker import ClassifierCache, ClassifyWorker, ImageRequest, LoadModelWorker
from .results_model import CANCELLED, ERROR


class ClassifyJobs(QObject):
    sigResult = Signal(object, str)          # ImageResult, model title
    sigSettled = Signal(object, str, object)  # item ids, state, message
    sigProgress = Signal(int, int)           # done, total of the work queued so far
    sigIdle = Signal()
    sigModelLoading = Signal(str)
    sigModelReady = Signal(object)           # {"model", "device", "classes"}
    sigModelError = Signal(str)
    sigModelProgress = Signal(str, float)    # "Loading EfficientNet-Lite0… reading the weights", fraction
    sigHeatmap = Signal(object)              # HeatmapResult
    sigHeatmapSaved = Signal(object)         # the path of the PNG written
    sigHeatmapError = Signal(str)            # why it could not be written

    def __init__(self, parent=None):
        super().__init__(parent)
        self._thread = WorkerThread("classify", self)
        self._cache = ClassifierCache()
        self.spec: ModelSpec = DEFAULT_MODEL
        self.ctx = None
        self._waiting: dict[ClassifyWorker, set[int]] = {}
        self._errors: dict[ClassifyWorker, str] = {}
        self._done = self._total = 0

    def _context(self):
        if self.ctx is None:
            from core.context import cpu
            self.ctx = cpu()
        return self.ctx

    # ---- requests from the view ----
    def set_model(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.preload()

    def set_device(self, ctx) -> None:
        self.ctx = ctx
        self.preload()

    def preload(self) -> None:
        worker = LoadModelWorker(self._cache, self.spec, self._context())
        worker.sigResult.connect(self.sigModelReady)
        worker.sigError.connect(self.sigModelError)
        self._report_stages(worker)
        self.sigModelLoading.emit(f"Loading {self.spec.title} on {self._context()}…")
        self._thread.submit(worker)

    def classify(self, requests: list[ImageRequest]) -> None:
        if not requests:
            return
        worker = ClassifyWorker(self._cache, self.spec, self._context(), requests)
        self._waiting[worker] = {r.item_id for r in requests}
        worker.sigResult.connect(self._on_result)
        worker.sigError.connect(self._on_error)
        worker.sigFinished.connect(self._on_finished)
        self._report_stages(worker)
        self._total += len(requests)
        self.sigProgress.emit(self._done, self._total)
        self._thread.submit(worker)

    def explain(self, request: ImageRequest) -> None:
        """Heat maps of one classified picture's top-5 under the current model (sigHeatmap)."""
        worker = HeatmapWorker(self._cache, self.spec, self._context(), request)
        worker.sigResult.connect(self.sigHeatmap)
        self._report_stages(worker)
        self._thread.submit(worker)

    def export_heatmap(self, request: ImageRequest, result, rank: int, path: str) -> None:
        worker = ExportHeatmapWorker(request, result, rank, path)
        worker.sigResult.connect(self.sigHeatmapSaved)
        worker.sigError.connect(self.sigHeatmapError)
        self._thread.submit(worker)

    def cancel(self) -> None:
        for worker in self._waiting:
            worker.cancel()

    def busy(self) -> bool:
        return bool(self._waiting)

    def shutdown(self) -> None:
        self.cancel()
        self._thread.stop()

    # ---- reports from the workers (GUI thread) ----
    def _report_stages(self, worker) -> None:
        worker.sigStage.connect(self.sigModelProgress)

    @Slot(object)
    def _on_result(self, result) -> None:
        worker = self.sender()
        self._waiting.get(worker, set()).discard(result.item_id)
        self._done += 1
        self.sigResult.emit(result, worker.spec.title)
        self.sigProgress.emit(self._done, self._total)

    @Slot(str)
    def _on_error(self, message: str) -> None:
        self._errors[self.sender()] = message

    @Slot()
    def _on_finished(self) -> None:
        worker = self.sender()
        leftover = self._waiting.pop(worker, set())
        message = self._errors.pop(worker, None)
        if leftover:
            if worker.cancelled:
                self.sigSettled.emit(sorted(leftover), CANCELLED, None)
            else:
                reason = f"Not classified: {message}" if message else "Not classified."
                self.sigSettled.emit(sorted(leftover), ERROR, reason)
            self._done += len(leftover)
        self.sigProgress.emit(self._done, self._total)
        if not self._waiting:
            self._done = self._total = 0
            self.sigIdle.emit()
