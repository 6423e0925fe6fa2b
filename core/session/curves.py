"""Training curves as plain lists: what a run records per batch and per epoch, smoothing
for noisy per-batch values, and thinning long curves before they are stored.

>>> curves = Curves()
>>> curves.add_batch(epoch=0, nbatch=0, total=4, loss=2.3, accuracy=0.1, speed=900.0)
>>> curves.batch["x"], curves.batch["loss"]
([0.25], [2.3])
>>> ema([1.0, 0.0, 0.0], 0.5).round(3).tolist()
[1.0, 0.333, 0.143]
"""
from __future__ import annotations

import math

import numpy as np

BATCH_KEYS = ("x", "loss", "accuracy", "speed")
EPOCH_KEYS = ("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "speed", "seconds")
STORED_POINTS = 2000   # per-batch points kept in a run's history file


def ema(values, alpha=0.1):
    """Debiased exponential moving average (TensorBoard's smoothing): a zero start,
    divided by the weight so far, so early points are not pulled towards any one value.
    Non-finite values are skipped (the previous average repeats)."""
    values = np.asarray(values, np.float64)
    out = np.empty_like(values)
    running = weight = 0.0
    for i, value in enumerate(values):
        if math.isfinite(value):
            running = (1 - alpha) * running + alpha * value
            weight = (1 - alpha) * weight + alpha
        out[i] = running / weight if weight else value
    return out


def thin(x, *series, max_points=STORED_POINTS):
    """Average neighbouring points so at most ``max_points`` remain (keeps the shape)."""
    x = np.asarray(x, np.float64)
    if len(x) <= max_points:
        return [x.tolist()] + [np.asarray(s, np.float64).tolist() for s in series]
    edges = np.linspace(0, len(x), max_points + 1).astype(int)
    def pool(values):
        values = np.asarray(values, np.float64)
        return [float(values[a:b].mean()) for a, b in zip(edges[:-1], edges[1:])]
    return [pool(x)] + [pool(s) for s in series]


def _number(value):
    value = float(value) if value is not None else float("nan")
    return value if math.isfinite(value) else None   # JSON has no NaN


class Curves:
    """Per-batch points (x = fractional epoch) and per-epoch summaries."""

    def __init__(self):
        self.batch = {key: [] for key in BATCH_KEYS}
        self.epoch = {key: [] for key in EPOCH_KEYS}

    def add_batch(self, epoch, nbatch, total, loss, accuracy, speed):
        x = epoch + (nbatch + 1) / total if total else epoch + nbatch
        for key, value in zip(BATCH_KEYS, (x, loss, accuracy, speed)):
            self.batch[key].append(_number(value))

    def add_epoch(self, epoch, train_loss, train_accuracy, val_loss, val_accuracy, speed, seconds):
        values = (epoch + 1, train_loss, train_accuracy, val_loss, val_accuracy, speed, seconds)
        for key, value in zip(EPOCH_KEYS, values):
            self.epoch[key].append(_number(value))

    def to_dict(self):
        columns = thin(*[[v if v is not None else float("nan") for v in self.batch[k]] for k in BATCH_KEYS])
        batch = {k: [_number(v) for v in col] for k, col in zip(BATCH_KEYS, columns)}
        return {"batch": batch, "epoch": {k: list(v) for k, v in self.epoch.items()}}

    @classmethod
    def from_dict(cls, raw):
        curves = cls()
        for part, keys in (("batch", BATCH_KEYS), ("epoch", EPOCH_KEYS)):
            stored = (raw or {}).get(part, {})
            getattr(curves, part).update({k: list(stored.get(k, [])) for k in keys})
        return curves
