"""NanoDet's detection head decoded, as upstream NanoDet (GFL head) does it.

Per feature level of stride s (8, 16, 32 on a 416 picture: 52², 26², 13² cells, in
row-major order): ``scores`` (cells, classes) are already sigmoids; ``boxes`` (cells,
4 × (reg_max + 1)) hold, for each side (left, top, right, bottom), logits over the
distances 0..reg_max in units of s. A side's distance is the expectation of the softmax
of its bins, times s, measured from the cell's centre ((x + 0.5)·s, (y + 0.5)·s).

Then class-aware non-maximum suppression: boxes of different classes never suppress each
other.

>>> import numpy as np
>>> logits = np.full((1, 44), -50.0); logits[0, [2, 11 + 2, 22 + 2, 33 + 2]] = 50.0   # 2 cells each side
>>> decode_level(np.array([[0.9]]), logits, stride=8, width=1, threshold=0.5)[0].round(2).tolist()
[[-12.0, -12.0, 20.0, 20.0]]
"""
from __future__ import annotations

import numpy as np

from ..errors import GraphError

REG_MAX = 10
PRE_NMS = 1000        # best candidates per level kept before NMS (upstream's nms_pre)
IOU_THRESHOLD = 0.6   # upstream's test config


def softmax(x, axis=-1):
    shifted = np.exp(x - x.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


def decode_level(scores, distributions, stride, width, threshold, reg_max=REG_MAX):
    """(boxes (k, 4) x0 y0 x1 y1 in network-input pixels, scores (k,), classes (k,)) for
    the (cell, class) pairs of one level scoring at least ``threshold``."""
    cells, classes = np.nonzero(scores >= threshold)
    if cells.size > PRE_NMS:
        keep = np.argsort(-scores[cells, classes], kind="stable")[:PRE_NMS]
        cells, classes = cells[keep], classes[keep]
    bins = distributions[cells].reshape(-1, 4, reg_max + 1)
    distance = (softmax(bins) * np.arange(reg_max + 1)).sum(axis=-1) * stride
    cx = (cells % width + 0.5) * stride
    cy = (cells // width + 0.5) * stride
    boxes = np.stack([cx - distance[:, 0], cy - distance[:, 1], cx + distance[:, 2], cy + distance[:, 3]], axis=1)
    return boxes, scores[cells, classes], classes


def iou(box, others):
    """Intersection over union of one box with each of ``others`` (x0, y0, x1, y1)."""
    x0 = np.maximum(box[0], others[:, 0])
    y0 = np.maximum(box[1], others[:, 1])
    x1 = np.minimum(box[2], others[:, 2])
    y1 = np.minimum(box[3], others[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-12)


def class_aware_nms(boxes, scores, classes, iou_threshold=IOU_THRESHOLD):
    """Indices kept, best score first; a box is dropped only by a better box of its class
    overlapping it by more than ``iou_threshold``."""
    order = np.argsort(-scores, kind="stable")
    kept = []
    alive = np.ones(len(order), bool)
    for rank, index in enumerate(order):
        if not alive[rank]:
            continue
        kept.append(int(index))
        rest = order[rank + 1:]
        same = classes[rest] == classes[index]
        overlap = np.zeros(len(rest), bool)
        overlap[same] = iou(boxes[index], boxes[rest[same]]) > iou_threshold
        alive[rank + 1:] &= ~overlap
    return kept


def pair_levels(outputs, num_classes, reg_max=REG_MAX):
    """([scores per level], [box distributions per level]), finest level first, from a
    network's outputs in any order: (cells, num_classes) arrays are scores, (cells,
    4·(reg_max + 1)) arrays the box distributions of the level with as many cells."""
    scores = {o.shape[0]: o for o in outputs if o.shape[1] == num_classes}
    boxes = {o.shape[0]: o for o in outputs if o.shape[1] == 4 * (reg_max + 1)}
    if not scores or sorted(scores) != sorted(boxes) or len(scores) + len(boxes) != len(outputs):
        shapes = [tuple(o.shape) for o in outputs]
        raise GraphError(f"expected per level a (cells, {num_classes}) score output and a (cells, "
                         f"{4 * (reg_max + 1)}) box output; the network gives {shapes}")
    cells = sorted(scores, reverse=True)
    return [scores[c] for c in cells], [boxes[c] for c in cells]


def decode(level_scores, level_boxes, input_size, threshold, iou_threshold=IOU_THRESHOLD):
    """All levels of one picture: (boxes, scores, classes) after NMS, best first.
    ``level_scores``/``level_boxes`` are per level, finest first; strides follow from
    ``input_size`` (h, w) and each level's cell count."""
    height, width = input_size
    found = []
    for scores, distributions in zip(level_scores, level_boxes):
        stride = int(round((height * width / scores.shape[0]) ** 0.5))
        found.append(decode_level(scores, distributions, stride, width // stride, threshold))
    boxes = np.concatenate([f[0] for f in found]) if found else np.zeros((0, 4))
    scores = np.concatenate([f[1] for f in found]) if found else np.zeros(0)
    classes = np.concatenate([f[2] for f in found]) if found else np.zeros(0, int)
    kept = class_aware_nms(boxes, scores, classes, iou_threshold)
    return boxes[kept], scores[kept], classes[kept]
