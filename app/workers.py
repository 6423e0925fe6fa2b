"""Background work for the views: QObject workers run on QThreads and report by signal.

Every worker has the same four signals -- sigResult, sigProgress, sigError, sigFinished --
and a cancel token (threading.Event) checked between items. Everything a signal carries is
plain data (numbers, strings, tuples, small uint8 numpy arrays), never an engine NDArray.
An exception inside a worker becomes a sigError message and a log entry, never a crash:
the GUI shows ``str(error)`` in place, the traceback only goes to the log.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, Signal, Slot

from core.errors import Cancelled, NetStudioError

from .labels import readable_label
from .model_spec import ModelSpec, load_classifier

log = logging.getLogger(__name__)


def describe_error(error: BaseException) -> str:
    """One readable line for the GUI; our own errors already name the item at fault."""
    if isinstance(error, NetStudioError):
        return str(error)
    if isinstance(error, MemoryError):
        return "Not enough memory for this item."
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class Worker(QObject):
    """Subclasses implement ``work()``; ``run()`` turns failures into sigError."""

    sigResult = Signal(object)
    sigProgress = Signal(object)
    sigError = Signal(str)
    sigFinished = Signal()

    def __init__(self):
        super().__init__()
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    @Slot()
    def run(self) -> None:
        try:
            if not self.cancelled:
                self.work()
        except Cancelled:
            pass
        except Exception as error:  # noqa: BLE001 - the point is that nothing escapes
            log.exception("%s failed", type(self).__name__)
            self.sigError.emit(describe_error(error))
        finally:
            self.sigFinished.emit()

    def work(self) -> None:
        raise NotImplementedError


class WorkerThread(QObject):
    """One QThread that runs submitted workers one after another, in submission order."""

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._workers: list[Worker] = []
        self._thread.start()

    def submit(self, worker: Worker) -> Worker:
        self._workers.append(worker)          # keeps the Python object alive while queued
        worker.sigFinished.connect(self._forget)
        worker.moveToThread(self._thread)
        QMetaObject.invokeMethod(worker, "run", Qt.ConnectionType.QueuedConnection)
        return worker

    @Slot()
    def _forget(self) -> None:
        worker = self.sender()
        if worker in self._workers:
            self._workers.remove(worker)
            worker.deleteLater()

    def busy(self) -> bool:
        return bool(self._workers)

    def cancel_all(self) -> None:
        for worker in list(self._workers):
            worker.cancel()

    def stop(self) -> None:
        """Cancel everything, then wait: a running model load cannot be interrupted."""
        self.cancel_all()
        self._thread.quit()
        self._thread.wait()
        self._workers.clear()


# ---- classification ----------------------------------------------------------------

@dataclass(frozen=True)
class ImageRequest:
    item_id: int
    name: str
    path: str | None = None
    pixels: np.ndarray | None = None      # HxWx3 uint8, e.g. pasted from the clipboard


@dataclass(frozen=True)
class ImageResult:
    item_id: int
    predictions: tuple = ()               # ((class index, readable label, probability), ...)
    error: str | None = None
    thumbnail: np.ndarray | None = None
    width: int = 0
    height: int = 0
    seconds: float = 0.0


class ClassifierCache:
    """Keeps the loaded classifier between jobs; used only from the worker thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._spec: ModelSpec | None = None
        self._classifier = None

    def get(self, spec: ModelSpec, ctx):
        with self._lock:
            if self._classifier is None or self._spec != spec:
                self._classifier = None  # free the old model before building the new one
                self._classifier = load_classifier(spec, ctx)
                self._spec = spec
            elif self._classifier.ctx != ctx:
                moved = self._classifier.to(ctx)
                self._classifier = moved if moved is not None else self._classifier
            return self._classifier


class LoadModelWorker(Worker):
    """Loads (or moves) the model and runs it once, so the first image waits neither for
    the files nor for the kernels' compilation."""

    def __init__(self, cache: ClassifierCache, spec: ModelSpec, ctx):
        super().__init__()
        self.cache, self.spec, self.ctx = cache, spec, ctx

    def work(self) -> None:
        classifier = self.cache.get(self.spec, self.ctx).warm_up()
        self.sigResult.emit({"model": self.spec.title, "device": str(classifier.ctx),
                             "classes": len(classifier.labels)})


class ClassifyWorker(Worker):
    """Top-k for each image, one image per call so a bad file spoils only itself."""

    def __init__(self, cache: ClassifierCache, spec: ModelSpec, ctx, requests, k=5):
        super().__init__()
        self.cache, self.spec, self.ctx, self.k = cache, spec, ctx, k
        self.requests = list(requests)

    def work(self) -> None:
        classifier = self.cache.get(self.spec, self.ctx)
        total = len(self.requests)
        for done, request in enumerate(self.requests, start=1):
            if self.cancelled:
                return
            self.sigResult.emit(classify_one(classifier, request, self.k))
            self.sigProgress.emit({"done": done, "total": total})


def classify_one(classifier, request: ImageRequest, k: int) -> ImageResult:
    from .widgets.thumbnail import thumbnail_array
    started = time.perf_counter()
    try:
        pixels = request.pixels if request.pixels is not None else _load(request.path)
        top = classifier.predict_topk([pixels], k=k)[0]
    except Exception as error:  # noqa: BLE001 - shown inline on the item
        if not isinstance(error, NetStudioError):
            log.exception("classifying %s", request.name)
        return ImageResult(request.item_id, error=describe_error(error),
                           seconds=time.perf_counter() - started)
    predictions = tuple((int(p.index), readable_label(p.label), float(p.probability)) for p in top)
    return ImageResult(request.item_id, predictions, None, thumbnail_array(pixels),
                       int(pixels.shape[1]), int(pixels.shape[0]), time.perf_counter() - started)


def _load(path: str) -> np.ndarray:
    from core.image import load_image
    return load_image(path)


# ---- downloads ---------------------------------------------------------------------

class DownloadWorker(Worker):
    """Downloads a zoo model; progress at most ~10 times a second to keep the GUI calm."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self._last_report = 0.0

    def work(self) -> None:
        from core.zoo import download_model
        self.sigProgress.emit({"name": self.name, "done": 0, "total": 0, "speed": 0.0})
        try:
            download_model(self.name, progress=self._progress, cancel=self.cancel_event)
        except Cancelled:
            pass  # the partial file stays, so the next Download resumes it
        state = "cancelled" if self.cancelled else "installed"
        self.sigResult.emit({"name": self.name, "state": state})

    def _progress(self, done, total=None, speed=None) -> None:
        now = time.monotonic()
        if now - self._last_report < 0.1 and done != total:
            return
        self._last_report = now
        self.sigProgress.emit({"name": self.name, "done": int(done), "total": int(total or 0),
                               "speed": float(speed or 0.0)})
