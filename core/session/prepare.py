"""From a dataset choice to batches: the validation split, pictures fitted to the
network's input (image folders are decoded once, here), and the three iterators.

>>> from core.io.datasets import bundled_subset_dir, open_fashion_mnist
>>> from core.session.inputs import choose_input
>>> source = open_fashion_mnist(bundled_subset_dir())
>>> data = prepare_data(DataChoice(source, choose_input(source, "scale"), 0.1), batch_size=128)
>>> data.train_iter.num_examples, data.val_iter.num_examples, data.val_name, data.final_name
(5400, 600, 'validation (10% of train)', 'test')
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import Cancelled, DataError
from ..io.dataset import split_train_val
from ..io.picture_iter import PictureIter
from .inputs import InputSpec, fit_files, fit_pictures


@dataclass
class DataChoice:
    """The dataset, what the network gets of it, and how much of train validates."""
    source: object          # a DataSource
    input: InputSpec
    val_fraction: float = 0.0   # 0: validate on the test split (when there is one)

    def validation_text(self):
        if self.val_fraction > 0:
            return f"{self.val_fraction:.0%} of train held out"
        return "the test set" if self.source.test is not None else "none"

    def describe(self):
        return f"{self.source.summary()} · {self.input.describe()} · validation: {self.validation_text()}"

    def to_dict(self):
        source = self.source
        return {"name": source.name, "kind": source.kind, "location": source.location,
                "classes": list(source.classes), "train": len(source.train),
                "test": len(source.test) if source.test is not None else 0,
                "input": self.input.to_dict(), "val_fraction": float(self.val_fraction)}


@dataclass
class PreparedData:
    train_iter: PictureIter
    val_iter: PictureIter | None
    val_name: str
    final_iter: PictureIter | None      # what the confusion matrix is made on
    final_name: str                     # "test", "validation" or "train"
    final_labels: np.ndarray
    final_indices: np.ndarray           # per evaluated example: its position in split ``final_split``
    final_split: str


def zoo_input(input_size, rule):
    """A zoo model's own preprocessing, ``(p * scale - mean) / std``, as an InputSpec."""
    channels, height, width = (int(v) for v in input_size)
    factor = 255.0 * float(rule.scale)
    mean = tuple(float(m) / factor for m in rule.mean)
    std = tuple(float(s) / factor for s in rule.std)
    return InputSpec(channels, height, width, "standardize", mean[:channels] or (0.0,) * channels,
                     std[:channels] or (1.0,) * channels, False)


def _pictures(split, spec, cancel, progress, what):
    """(uint8 pictures at the input size, their labels, their positions in the split).
    Unreadable files are left out and reported through ``progress``."""
    if split.in_memory:
        return fit_pictures(split.images, spec), split.labels, np.arange(len(split))
    chunks, positions, errors, step = [], [], [], 256
    for start in range(0, len(split), step):
        if cancel is not None and cancel.cancelled:
            raise Cancelled("stopped while reading the pictures")
        pictures, kept, bad = fit_files(split.paths[start:start + step], spec)
        chunks.append(pictures)
        positions.append(kept + start)
        errors += bad
        if progress is not None:
            progress(f"Reading {what} pictures: {min(start + step, len(split)):,} of {len(split):,}")
    if progress is not None:
        for error in errors[:20]:
            progress(f"Skipped: {error}")
    positions = np.concatenate(positions)
    if not len(positions):
        raise DataError(f"none of the {len(split):,} {what} pictures could be read")
    return np.concatenate(chunks), split.labels[positions], positions


def prepare_data(choice, batch_size, seed=0, spec=None, cancel=None, progress=None):
    """Iterators for training, per-epoch validation and the final evaluation."""
    source, spec = choice.source, spec or choice.input
    train_pictures, labels, train_positions = _pictures(source.train, spec, cancel, progress, "training")
    if choice.val_fraction > 0:
        train_idx, val_idx = split_train_val(labels, choice.val_fraction, seed)
    else:
        train_idx, val_idx = np.arange(len(labels)), np.zeros(0, np.int64)
    train_iter = PictureIter(train_pictures, labels, train_idx, spec, batch_size, shuffle=True, seed=seed)
    val_iter = PictureIter(train_pictures, labels, val_idx, spec, batch_size) if len(val_idx) else None
    val_name = f"validation ({choice.val_fraction:.0%} of train)" if val_iter is not None else ""
    if source.test is not None:
        test_pictures, test_labels, test_positions = _pictures(source.test, spec, cancel, progress, "test")
        test_idx = np.arange(len(test_labels))
        test_iter = PictureIter(test_pictures, test_labels, test_idx, spec, batch_size)
        if val_iter is None:
            val_iter, val_name = test_iter, "test"
        return PreparedData(train_iter, val_iter, val_name, test_iter, "test", test_labels, test_positions, "test")
    if val_iter is not None:
        return PreparedData(train_iter, val_iter, val_name, val_iter, "validation",
                            labels[val_idx], train_positions[val_idx], "train")
    every = np.arange(len(labels))
    return PreparedData(train_iter, None, "", PictureIter(train_pictures, labels, every, spec, batch_size),
                        "train", labels, train_positions, "train")
