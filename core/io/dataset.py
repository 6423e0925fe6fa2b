"""A labelled dataset as every format opens it (see ``core.io.formats``): class names, a
train and an optional test ``Split`` of labels with their pictures, the picture shape,
a stratified validation split and the iterator a model trains on.

A split holds its pictures either as one uint8 array (IDX and CSV files: 60,000
Fashion-MNIST images are 47 MB) or as file paths decoded when asked (image folders).

>>> from core.io.formats import open_dataset
>>> from core.io.datasets import bundled_subset_dir
>>> data = open_dataset(bundled_subset_dir())
>>> data.kind, len(data.train), len(data.test), data.classes[9], data.picture_shape()
('idx', 6000, 1000, 'Ankle boot', (28, 28))
>>> train, val = split_train_val(data.train.labels, 0.1)
>>> len(train), len(val), next(iter(data.make_iter("train", val, batch_size=50))).data[0].shape
(5400, 600, (50, 1, 28, 28))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import DataError

MAX_CLASSES = 100_000   # more than this from a file's labels is a broken file, not a dataset


def class_count(labels, where):
    """How many classes integer ``labels`` imply (largest + 1); DataError naming ``where``
    for a negative label or one that would make an absurd number of classes."""
    labels = np.asarray(labels)
    if not len(labels):
        return 0
    low, high = int(labels.min()), int(labels.max())
    if low < 0:
        raise DataError(f"{where}: label {low} is negative; labels must be 0, 1, 2 …")
    if high >= MAX_CLASSES:
        raise DataError(f"{where}: label {high} would make {high + 1:,} classes (at most {MAX_CLASSES:,}); "
                        "labels must number the classes 0, 1, 2 …")
    return high + 1


def numbered_classes(names, labels, where):
    """``names`` extended by numbers so that every label of ``labels`` has a class."""
    count = class_count(labels, where)
    return list(names) + [str(i) for i in range(len(names), count)]


@dataclass
class Split:
    """One part of a dataset: int64 labels plus the pictures, in memory or as files."""
    labels: np.ndarray
    images: np.ndarray | None = None      # uint8 (n, H, W) or (n, H, W, 3)
    paths: list | None = None             # or one file per example

    def __post_init__(self):
        self.labels = np.asarray(self.labels, dtype=np.int64)
        count = len(self.images) if self.images is not None else len(self.paths or [])
        if count != len(self.labels):
            raise DataError(f"a dataset split has {count} pictures but {len(self.labels)} labels")

    def __len__(self):
        return int(len(self.labels))

    @property
    def in_memory(self):
        return self.images is not None

    def picture(self, index):
        """Example ``index`` as uint8 HxW (grey) or HxWx3; DataError names a bad file."""
        if self.images is not None:
            return self.images[index]
        from ..image import load_image
        return load_image(self.paths[index])

    def name(self, index):
        """What to call one example in messages and tooltips."""
        return Path(self.paths[index]).name if self.paths is not None else f"#{index}"

    def counts(self, num_classes):
        return np.bincount(self.labels, minlength=num_classes)[:num_classes]


@dataclass
class DataSource:
    """A labelled dataset: ``train`` and (optionally) ``test`` splits over ``classes``;
    ``kind`` is the name of the format that opened it. Every label is checked to be a
    class index (0 … classes-1)."""
    name: str
    kind: str
    location: str
    classes: list
    train: Split
    test: Split | None = None
    notes: dict = field(default_factory=dict)

    def __post_init__(self):
        for which in self.splits():
            labels = self.split(which).labels
            if len(labels) and (labels.min() < 0 or labels.max() >= len(self.classes)):
                bad = int(labels.min()) if labels.min() < 0 else int(labels.max())
                raise DataError(f"{self.location}: {which} label {bad} is not one of the "
                                f"{len(self.classes)} classes (0 … {len(self.classes) - 1})")

    @property
    def num_classes(self):
        return len(self.classes)

    def split(self, which):
        if which == "train":
            return self.train
        if which == "test" and self.test is not None:
            return self.test
        raise DataError(f"dataset {self.name!r} has no {which!r} split")

    def splits(self):
        return ["train", "test"] if self.test is not None else ["train"]

    def picture_shape(self):
        """(H, W) or (H, W, 3) of the in-memory pictures; None when files vary."""
        return tuple(self.train.images.shape[1:]) if self.train.in_memory else None

    def summary(self):
        sizes = f"{len(self.train):,} train" + (f" / {len(self.test):,} test" if self.test else "")
        return f"{self.name} · {self.num_classes} classes · {sizes}"

    def make_iter(self, split="train", indices=None, batch_size=128, shuffle=False, seed=0, input=None):
        """A ``PictureIter`` over ``indices`` (default: all) of a split. ``input`` is what
        the network gets (e.g. ``core.session.choose_input(source)``: size, colour and
        normalisation); without one, in-memory pictures are scaled to 0..1 as they are."""
        from .picture_iter import PictureIter, ScaledPictures
        part = self.split(split)
        if input is None:
            if not part.in_memory:
                raise DataError(f"{self.location}: the pictures of an image folder vary in size; "
                                "say what the network gets (input=core.session.choose_input(source))")
            input = ScaledPictures(part.images.shape[1:])
        pictures = part.images if part.in_memory else np.asarray(part.paths, dtype=object)
        indices = np.arange(len(part)) if indices is None else indices
        return PictureIter(pictures, part.labels, indices, input, batch_size, shuffle=shuffle, seed=seed)


def sample_source(source, limit, seed=0):
    """``source`` with at most ``limit`` examples of each split, picked at random (the
    same for the same seed) and kept in their order: a quick run on a big dataset."""
    rng = np.random.RandomState(seed)

    def sample(part):
        if part is None or len(part) <= limit:
            return part
        keep = np.sort(rng.choice(len(part), int(limit), replace=False))
        return Split(part.labels[keep], part.images[keep] if part.in_memory else None,
                     None if part.in_memory else [part.paths[i] for i in keep])
    return DataSource(source.name, source.kind, source.location, list(source.classes),
                      sample(source.train), sample(source.test), dict(source.notes))


def split_train_val(labels, val_fraction, seed=0):
    """(train indices, validation indices): ``val_fraction`` of every class held out,
    so a small validation set still has all classes in proportion; the same for the
    same seed."""
    labels = np.asarray(labels)
    if not 0.0 <= float(val_fraction) < 1.0:
        raise DataError(f"validation fraction must be at least 0 and below 1, got {val_fraction}")
    rng = np.random.RandomState(seed)
    train, val = [], []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        rng.shuffle(members)
        held = int(round(len(members) * float(val_fraction)))
        val.append(members[:held])
        train.append(members[held:])
    train = np.sort(np.concatenate(train)) if train else np.zeros(0, np.int64)
    val = np.sort(np.concatenate(val)) if val else np.zeros(0, np.int64)
    return train, val
