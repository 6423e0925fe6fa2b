"""The two kinds of Ray work: decoding tasks (a picture's bytes to the network's input,
on any free CPU) and the predictor actors (each loads the network once, then runs batch
after batch). A picture that cannot be read becomes a row with its error, never a failure.

Decoding returns NumPy batches ``{"path", "pixels", "error"}`` (plus the letterbox
placement for detection); a predictor returns a pyarrow Table with the result columns,
``error`` (null when the picture was read) and the two bookkeeping columns
``worker``/``seconds`` that the summary counts and the shards leave out.
"""
from __future__ import annotations

import os
import socket
import time

import numpy as np

from ..errors import NetStudioError
from .sources import is_uri, read_bytes

BOOKKEEPING = ("worker", "seconds")


def _picture(path):
    from ..image import load_image
    if not is_uri(path):
        return load_image(path)  # its own messages name the file
    return load_image(read_bytes(path))


def _error(path, error):
    text = str(error)
    if isinstance(error, NetStudioError) and str(path) in text:
        return text
    return f"{path}: {text or type(error).__name__}"


def decode_for_classifier(batch, rule, input_size):
    """Paths to (N, C, H, W) inputs for ImageClassifier (its preprocessing rule)."""
    from ..zoo.preprocess import prepare
    paths = [str(p) for p in batch["path"]]
    pixels = np.zeros((len(paths),) + tuple(input_size), np.float32)
    errors = [""] * len(paths)
    for i, path in enumerate(paths):
        try:
            pixels[i] = prepare(_picture(path), rule, input_size)
        except (NetStudioError, OSError, ValueError) as error:
            errors[i] = _error(path, error)
    return {"path": np.array(paths, dtype=object), "pixels": pixels, "error": np.array(errors, dtype=object)}


def decode_for_detector(batch, rule, size):
    """Paths to letterboxed (N, 3, size, size) inputs and each picture's placement."""
    from ..zoo.detector import network_input
    paths = [str(p) for p in batch["path"]]
    pixels = np.zeros((len(paths), 3, size, size), np.float32)
    placement = np.zeros((len(paths), 6), np.int64)   # original w h, scaled w h, offset x y
    errors = [""] * len(paths)
    for i, path in enumerate(paths):
        try:
            pixels[i], where = network_input(_picture(path), rule, size)
        except (NetStudioError, OSError, ValueError) as error:
            errors[i] = _error(path, error)
            continue
        placement[i] = (*where.original, *where.scaled, *where.offset)
    return {"path": np.array(paths, dtype=object), "pixels": pixels, "placement": placement,
            "error": np.array(errors, dtype=object)}


class Predictor:
    """A Ray actor holding one network (``ModelSpec.load``); called on decoded batches."""

    def __init__(self, spec, top=5, threshold=None):
        self.spec = spec
        self.top = int(top)
        self.threshold = threshold
        self.model = spec.load()
        self.worker = f"{socket.gethostname()}:{os.getpid()}"

    def __call__(self, batch):
        import pyarrow as pa
        start = time.perf_counter()
        errors = [str(e) for e in batch["error"]]
        ok = [i for i, e in enumerate(errors) if not e]
        results = self._predict(batch, ok) if ok else []
        columns = {"path": pa.array([str(p) for p in batch["path"]], pa.string()),
                   "error": pa.array([e or None for e in errors], pa.string())}
        columns.update(_columns(self.spec.kind, _spread(results, ok, len(errors))))
        seconds = (time.perf_counter() - start) / max(1, len(errors))
        columns["worker"] = pa.array([self.worker] * len(errors), pa.string())
        columns["seconds"] = pa.array([seconds] * len(errors), pa.float64())
        return pa.table(columns)

    def _predict(self, batch, ok):
        pixels = np.ascontiguousarray(batch["pixels"][ok], dtype=np.float32)
        kind = self.spec.kind
        if kind == "classify":
            return [([p.index for p in top], [p.label for p in top], [p.probability for p in top])
                    for top in self.model.topk_of_batch(pixels, self.top)]
        if kind == "features":
            return list(self.model.features_of_batch(pixels, self.spec.top_layer))
        from ..zoo.letterbox import Placement
        placements = [Placement(tuple(p[0:2]), tuple(p[2:4]), tuple(p[4:6])) for p in batch["placement"][ok]]
        found = self.model.detect_prepared(pixels, placements, self.threshold)
        return [([d["box"] for d in boxes[:self.top]], [d["label"] for d in boxes[:self.top]],
                 [d["index"] for d in boxes[:self.top]], [d["score"] for d in boxes[:self.top]]) for boxes in found]


def bind_predictor(spec, top, threshold):
    """A Predictor class with its arguments built in: a restarted actor (after a crash)
    needs nothing from the object store to load its network again."""
    class BoundPredictor(Predictor):
        def __init__(self):
            super().__init__(spec, top, threshold)
    BoundPredictor.__name__ = BoundPredictor.__qualname__ = f"Predictor[{spec.kind}]"
    return BoundPredictor


def _spread(results, ok, count):
    """Per-row results (None for a row with an error)."""
    rows = [None] * count
    for position, result in zip(ok, results):
        rows[position] = result
    return rows


RESULT_COLUMNS = {
    "classify": ("top_index", "top_label", "top_probability"),
    "detect": ("boxes", "labels", "indices", "scores"),
    "features": ("feature",),
}


def _columns(kind, rows):
    import pyarrow as pa
    if kind == "features":
        return {"feature": pa.array([None if r is None else np.asarray(r, np.float32) for r in rows],
                                    pa.list_(pa.float32()))}
    types = {"top_index": pa.list_(pa.int32()), "top_label": pa.list_(pa.string()),
             "top_probability": pa.list_(pa.float64()), "boxes": pa.list_(pa.list_(pa.float64())),
             "labels": pa.list_(pa.string()), "indices": pa.list_(pa.int32()), "scores": pa.list_(pa.float64())}
    names = RESULT_COLUMNS[kind]
    return {name: pa.array([None if r is None else r[n] for r in rows], types[name]) for n, name in enumerate(names)}
