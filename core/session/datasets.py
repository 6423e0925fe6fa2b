"""Datasets as the Data and Train views see them: class names, a train and a test split,
labels in memory and each picture on demand (no Qt, no network).

A split holds its pictures either as one uint8 array (IDX and CSV files: 60,000
Fashion-MNIST images are 47 MB) or as file paths decoded when asked (image folders).

>>> from core.session.datasets import open_fashion_mnist
>>> from core.io.datasets import bundled_subset_dir
>>> data = open_fashion_mnist(bundled_subset_dir())
>>> len(data.train), len(data.test), data.classes[9], data.train.picture(0).shape
(6000, 1000, 'Ankle boot', (28, 28))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..io.datasets import (FASHION_MNIST_CLASSES, bundled_subset_dir, find_fashion_mnist,
                           is_bundled_subset, load_fashion_mnist)
from ..io.image_folder import IMAGE_SUFFIXES

MNIST_CLASSES = [str(digit) for digit in range(10)]


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
    """A labelled dataset: ``train`` and (optionally) ``test`` splits over ``classes``."""
    name: str
    kind: str                          # "idx", "folder" or "csv"
    location: str
    classes: list
    train: Split
    test: Split | None = None
    notes: dict = field(default_factory=dict)

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


# ---- IDX (Fashion-MNIST, MNIST) -----------------------------------------------------

def fashion_mnist_choices():
    """[(title, folder)] for every Fashion-MNIST on this machine: the full set when one
    is found (Debian package, NETSTUDIO_DATA, shared or downloaded copy), and the bundled subset."""
    choices = []
    full = find_fashion_mnist(include_subset=False)
    if full is not None:
        choices.append(("Fashion-MNIST", full))
    choices.append(("Fashion-MNIST (bundled subset)", bundled_subset_dir()))
    return choices


def open_fashion_mnist(root=None, name=None):
    """Fashion-MNIST from ``root`` (default: the best folder found)."""
    root = Path(root) if root is not None else find_fashion_mnist()
    if root is None:
        raise DataError("no Fashion-MNIST found; download it or open another dataset")
    return open_idx(root, FASHION_MNIST_CLASSES,
                    name or ("Fashion-MNIST (bundled subset)" if is_bundled_subset(root) else "Fashion-MNIST"))


def open_idx(root, classes=None, name=None):
    """An MNIST-format folder (train-images-idx3-ubyte[.gz] and friends). Without
    ``classes``: Fashion-MNIST's names when the folder says 'fashion', else digits."""
    root = Path(root)
    train_x, train_y = load_fashion_mnist("train", root)
    test_x, test_y = load_fashion_mnist("test", root)
    if classes is None:
        classes = FASHION_MNIST_CLASSES if "fashion" in str(root).lower() else MNIST_CLASSES
    top = int(max(train_y.max(initial=0), test_y.max(initial=0)))
    if top >= len(classes):
        classes = list(classes) + [str(i) for i in range(len(classes), top + 1)]
    return DataSource(name or root.name, "idx", str(root), list(classes),
                      Split(train_y, train_x), Split(test_y, test_x))


# ---- image folders ------------------------------------------------------------------

def _folder_split(folder, classes=None):
    """A Split of a class-per-subfolder tree (``core.io``'s scan); with ``classes``,
    labels follow that list and other subfolders are ignored."""
    from ..io.image_folder import scan_image_folder
    found, samples = scan_image_folder(folder)
    classes = classes or found
    position = {name: i for i, name in enumerate(classes)}
    kept = [(str(path), position[found[label]]) for path, label in samples if found[label] in position]
    return classes, Split(np.array([label for _, label in kept], np.int64), paths=[p for p, _ in kept])


def open_image_folder(folder):
    """One subfolder per class (``cats/``, ``dogs/`` …), or ``train/`` and ``test/``
    folders that each hold the class subfolders. Pictures are read when needed."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: not a folder; choose a folder holding one subfolder per class")
    parts = {p.name.lower(): p for p in folder.iterdir() if p.is_dir()}
    test = None
    if "train" in parts:
        classes, train = _folder_split(parts["train"])
        test_dir = parts.get("test") or parts.get("val") or parts.get("validation")
        if test_dir is not None:
            test = _folder_split(test_dir, classes)[1]
    else:
        classes, train = _folder_split(folder)
    empty = [c for c, n in zip(classes, train.counts(len(classes))) if n == 0]
    if empty:
        raise DataError(f"{folder}: class folder(s) {', '.join(empty)} hold no images "
                        f"(looked for {', '.join(sorted(IMAGE_SUFFIXES))})")
    if test is not None and not len(test):
        test = None
    return DataSource(folder.name, "folder", str(folder), list(classes), train, test)
