"""The Classify view's background work: loading the model once and classifying images,
one per call so a bad file spoils only itself. Runs on the view's WorkerThread."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np

from core.errors import NetStudioError

from ..labels import readable_label
from ..model_spec import ModelSpec, load_classifier
from PySide6.QtCore import Signal

from ..workers import Worker, describe_error

log = logging.getLogger(__name__)

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


READING, COMPILING = "reading the weights", "compiling the kernels"


class ClassifierCache:
    """Keeps the loaded classifier between jobs; used only from the worker thread.

    A fresh (or moved) classifier is warmed up before it is handed out; ``on_stage(text,
    fraction)`` hears each stage of that: reading the weights, compiling the kernels, done."""

    def __init__(self):
        self._lock = threading.Lock()
        self._spec: ModelSpec | None = None
        self._classifier = None

    def get(self, spec: ModelSpec, ctx, on_stage=None):
        report = on_stage or (lambda _text, _fraction: None)
        with self._lock:
            if self._classifier is None or self._spec != spec:
                self._classifier = self._spec = None  # free the old model before building the new one
                report(READING, 0.0)
                classifier = load_classifier(spec, ctx)
            elif self._classifier.ctx != ctx:
                moved = self._classifier.to(ctx)
                classifier = moved if moved is not None else self._classifier
            else:
                return self._classifier
            report(COMPILING, 0.5)
            self._classifier, self._spec = classifier.warm_up(), spec
            report("ready", 1.0)
            return self._classifier


class ModelLoadingWorker(Worker):
    """A worker that may have to load the model first: says which stage it is in."""

    sigStage = Signal(str, float)        # "Loading efficientnet-lite0… reading the weights", fraction done

    def classifier(self, cache: ClassifierCache, spec: ModelSpec, ctx):
        return cache.get(spec, ctx, lambda stage, fraction: self.sigStage.emit(
            f"Loading {spec.title}… {stage}", fraction))


class LoadModelWorker(ModelLoadingWorker):
    """Loads (or moves) the model and runs it once, so the first image waits neither for
    the files nor for the kernels' compilation."""

    def __init__(self, cache: ClassifierCache, spec: ModelSpec, ctx):
        super().__init__()
        self.cache, self.spec, self.ctx = cache, spec, ctx

    def work(self) -> None:
        classifier = self.classifier(self.cache, self.spec, self.ctx)
        self.sigResult.emit({"model": self.spec.title, "device": str(classifier.ctx),
                             "classes": len(classifier.labels)})


class ClassifyWorker(ModelLoadingWorker):
    """Top-k for each image, one image per call so a bad file spoils only itself."""

    def __init__(self, cache: ClassifierCache, spec: ModelSpec, ctx, requests, k=5):
        super().__init__()
        self.cache, self.spec, self.ctx, self.k = cache, spec, ctx, k
        self.requests = list(requests)

    def work(self) -> None:
        classifier = self.classifier(self.cache, self.spec, self.ctx)
        total = len(self.requests)
        for done, request in enumerate(self.requests, start=1):
            if self.cancelled:
                return
            self.sigResult.emit(classify_one(classifier, request, self.k))
            self.sigProgress.emit({"done": done, "total": total})


def classify_one(classifier, request: ImageRequest, k: int) -> ImageResult:
    from ..widgets.thumbnail import thumbnail_array
    started = time.perf_counter()
    try:
        pixels = load_pixels(request)
        top = classifier.predict_topk([pixels], k=k)[0]
    except Exception as error:  # noqa: BLE001 - shown inline on the item
        if not isinstance(error, NetStudioError):
            log.exception("classifying %s", request.name)
        return ImageResult(request.item_id, error=describe_error(error),
                           seconds=time.perf_counter() - started)
    predictions = tuple((int(p.index), readable_label(p.label), float(p.probability)) for p in top)
    return ImageResult(request.item_id, predictions, None, thumbnail_array(pixels),
                       int(pixels.shape[1]), int(pixels.shape[0]), time.perf_counter() - started)


def load_pixels(request: ImageRequest) -> np.ndarray:
    """The request's picture as HxWx3 uint8: decoded from its file, or pasted pixels held
    to the same limits as a decoded file."""
    if request.pixels is None:
        from core.image import load_image
        return load_image(request.path)
    from core.image.decode import check_geometry
    check_geometry(int(request.pixels.shape[1]), int(request.pixels.shape[0]), request.name)
    return request.pixels
