"""ImageDetector: pictures in, labelled boxes out (seed 002's ``detect`` and
``visualize_detection``).

>>> import core as mx
>>> detector = mx.pretrained_model.load_model("nanodet-coco")          # doctest: +SKIP
>>> detector.detect("resources/samples/chelsea.png", k=1)              # doctest: +SKIP
[{'box': [1.0, 0.0, 440.4, 295.2], 'label': 'cat', 'index': 15, 'score': 0.578}]

Each detection is ``{"box": [x0, y0, x1, y1], "label", "index", "score"}`` in the
picture's own pixels, best first. The network sees the picture letterboxed to 416×416
(BGR, NanoDet's mean/std; README of resources/detector/nanodet says how this was
measured); NanoDet's head is decoded in ``nanodet.py``.
"""
from __future__ import annotations

import os

import numpy as np

from ..context import cpu
from ..errors import DataError
from . import nanodet
from .features import Runner, params_on
from .letterbox import letterbox

DEFAULT_THRESHOLD = 0.25
FLOOR = 0.05          # upstream's score_thr: below it nothing is kept


class ImageDetector:
    def __init__(self, symbol, arg_params, labels, input_size=(3, 416, 416), preprocess=None,
                 name="detector", ctx=None, threshold=DEFAULT_THRESHOLD):
        self.symbol = symbol
        self.name = name
        self.input_size = tuple(int(v) for v in input_size)
        self.preprocess = preprocess
        self.labels = list(labels)
        self.threshold = float(threshold)
        self._ctx = ctx or cpu()
        self.arg_params = params_on(arg_params, self._ctx)
        self.aux_params = {}
        self._runner = None

    @classmethod
    def from_zoo(cls, name="nanodet-coco", ctx=None, install=True, progress=None, cancel=None):
        from ..model.checkpoint import load_checkpoint
        from .installer import load_spec
        spec = load_spec(name, install=install, progress=progress, cancel=cancel)
        symbol, arg_params, _ = load_checkpoint(str(spec.prefix), spec.epoch)
        return cls(symbol, arg_params, spec.labels, spec.input_size, spec.preprocess, name=name, ctx=ctx)

    @property
    def ctx(self):
        return self._ctx

    # ----- detection ------------------------------------------------------------
    def detect(self, images, k=10, threshold=None):
        """Detections of one picture (path, PIL image or H×W×3 array), or a list of
        them per picture for a list; best first, at most ``k`` each, scores at least
        ``threshold`` (default 0.25). A picture that cannot be read raises DataError."""
        single = _is_single(images)
        results = []
        for _, outcome in self.iter_detect([images] if single else list(images), k, threshold):
            if isinstance(outcome, DataError):
                raise outcome
            results.append(outcome)
        return results[0] if single else results

    def iter_detect(self, images, k=10, threshold=None):
        """Yield ``(picture, detections or DataError)`` per picture, in order."""
        threshold = self.threshold if threshold is None else float(threshold)
        for source in images:
            try:
                picture = _load(source)
            except DataError as error:
                yield source, error
                continue
            yield source, self._detect_one(picture, threshold)[:max(0, int(k))]

    def _detect_one(self, picture, threshold):
        batch, placement = self.prepare(picture)
        return self.detect_prepared(batch, [placement], threshold)[0]

    def detect_prepared(self, batch, placements, threshold=None):
        """Detections per picture (best first) of an (N, 3, H, W) batch made by ``prepare``,
        each mapped back through its Placement; what a Ray actor runs on decoded batches."""
        threshold = self.threshold if threshold is None else float(threshold)
        outputs = self._network().outputs(batch)
        return [self._boxes([out[i] for out in outputs], placement, threshold)
                for i, placement in enumerate(placements)]

    def _boxes(self, outputs, placement, threshold):
        level_scores, level_boxes = nanodet.pair_levels(outputs, len(self.labels))
        boxes, scores, classes = nanodet.decode(level_scores, level_boxes, self.input_size[1:], max(threshold, FLOOR))
        boxes = placement.to_original(boxes)
        return [{"box": [round(float(v), 1) for v in box], "label": self.labels[int(c)], "index": int(c),
                 "score": round(float(s), 4)} for box, s, c in zip(boxes, scores, classes)]

    def prepare(self, picture):
        """(1, 3, H, W) float32 network input for an H×W×3 uint8 picture, and its Placement."""
        return network_input(picture, self.preprocess, self.input_size[1])

    def _network(self):
        if self._runner is None:
            self._runner = Runner(self.symbol, self.arg_params, self.aux_params, self._ctx)
        return self._runner

    def warm_up(self):
        """Run once on a blank picture (compiles kernels, sizes buffers); returns self."""
        self._detect_one(np.zeros((self.input_size[1], self.input_size[2], 3), np.uint8), 1.0)
        return self

    # ----- pictures ----------------------------------------------------------------
    def visualize_detection(self, image, prediction, path=None):
        """A Pillow image of ``image`` with ``prediction``'s boxes and labels drawn;
        saved to ``path`` too when given."""
        from .draw_detections import draw_detections
        return draw_detections(_load(image), prediction, path)

    def __repr__(self):
        return f"<ImageDetector {self.name} on {self._ctx}, {len(self.labels)} classes>"


def network_input(picture, rule, size):
    """A picture letterboxed to size × size and normalised by ``rule``: (1, 3, size, size)
    float32, and its Placement (runs in Ray's decoding tasks too, without the network)."""
    canvas, placement = letterbox(picture, size)
    x = canvas.astype(np.float32)
    if rule is not None:
        if rule.color == "BGR":
            x = x[..., ::-1]
        x = (x * rule.scale - np.asarray(rule.mean, np.float32)) / np.asarray(rule.std, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None], dtype=np.float32), placement


def _is_single(images):
    from PIL import Image
    return isinstance(images, (str, os.PathLike, bytes, Image.Image)) or (
        isinstance(images, np.ndarray) and images.ndim in (2, 3))


def _load(source):
    from ..image import load_image
    return load_image(source)
