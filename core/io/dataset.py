"""Datasets as the Data view sees them: numbered examples with a picture (or a row), a
label and class names, plus a train/validation split and the iterator a model trains on.

>>> ds = open_fashion_mnist("test", root=datasets.bundled_subset_dir())
>>> len(ds), ds.image(0).shape, ds.classes[ds.label(0)], ds.class_counts()[:3].tolist()
(1000, (28, 28), 'Ankle boot', [100, 100, 100])
>>> train_idx, val_idx = split_indices(ds.labels, 0.1, seed=0)
>>> len(train_idx), len(val_idx)
(900, 100)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DataError
from . import datasets
from .csv_iter import read_csv
from .idx import read_idx_pair
from .image_folder import ImageFolderIter, scan_image_folder
from .ndarray_iter import NDArrayIter

MNIST_CLASSES = [str(d) for d in range(10)]


class ArrayImageDataset:
    """Pictures held in memory: ``images`` uint8 (n, H, W) or (n, H, W, C)."""

    kind = "images"

    def __init__(self, images, labels, classes, name="dataset", source=None):
        if len(images) != len(labels):
            raise DataError(f"{name}: {len(images)} images but {len(labels)} labels")
        self.images, self.labels = images, np.asarray(labels, dtype=np.int64)
        self.classes, self.name, self.source = list(classes), name, source

    def __len__(self):
        return len(self.labels)

    def image(self, index):
        return self.images[index]

    def label(self, index):
        return int(self.labels[index])

    def class_counts(self):
        return np.bincount(self.labels, minlength=len(self.classes))

    def make_iter(self, indices=None, batch_size=128, shuffle=False, flat=False, scale=1 / 255.0,
                  last_batch_handle="pad", **kwargs):
        """An NDArrayIter over ``indices`` (default: all): pixels times ``scale`` as
        (n, C, H, W), or (n, H*W*C) with ``flat``."""
        indices = np.arange(len(self)) if indices is None else np.asarray(indices)
        pictures = self.images[indices].astype(np.float32) * np.float32(scale)
        if pictures.ndim == 3:
            pictures = pictures[:, None]
        elif pictures.ndim == 4:
            pictures = pictures.transpose(0, 3, 1, 2)
        if flat:
            pictures = pictures.reshape(len(indices), -1)
        return NDArrayIter(pictures, self.labels[indices].astype(np.float32), batch_size=batch_size,
                           shuffle=shuffle, last_batch_handle=last_batch_handle, **kwargs)


class FolderImageDataset:
    """A class-per-subfolder tree; pictures are decoded when asked for."""

    kind = "images"

    def __init__(self, root):
        self.source = Path(root)
        self.name = self.source.name
        self.classes, self.samples = scan_image_folder(root)
        self.labels = np.array([label for _, label in self.samples], dtype=np.int64)

    def __len__(self):
        return len(self.samples)

    def image(self, index):
        """HxWx3 uint8; raises DataError (naming the file) when it cannot be decoded."""
        from ..image import load_image
        return load_image(self.samples[index][0])

    def label(self, index):
        return int(self.labels[index])

    def class_counts(self):
        return np.bincount(self.labels, minlength=len(self.classes))

    def make_iter(self, indices=None, batch_size=32, shuffle=False, data_shape=(3, 224, 224), **kwargs):
        return ImageFolderIter(self.source, data_shape=data_shape, batch_size=batch_size,
                               shuffle=shuffle, indices=indices, **kwargs)


class TableDataset:
    """Numeric CSV rows: ``data`` (n, columns) and optional ``targets``."""

    kind = "table"

    def __init__(self, data_csv, label_csv=None):
        self.source = Path(data_csv)
        self.name = self.source.stem
        self.data = read_csv(data_csv, (_columns(data_csv),))
        self.targets = read_csv(label_csv, (_columns(label_csv),)) if label_csv else None
        if self.targets is not None and len(self.targets) != len(self.data):
            raise DataError(f"{data_csv} has {len(self.data)} rows but {label_csv} has {len(self.targets)}")

    def __len__(self):
        return len(self.data)

    def make_iter(self, indices=None, batch_size=32, shuffle=False, **kwargs):
        indices = np.arange(len(self)) if indices is None else np.asarray(indices)
        label = None
        if self.targets is not None:
            label = self.targets[indices]
            if label.shape[1] == 1:   # one target column: (n,) labels, as CSVIter gives
                label = label[:, 0]
        return NDArrayIter(self.data[indices], label, batch_size=batch_size, shuffle=shuffle, **kwargs)


def _columns(path):
    """How many numeric columns the first data row of a CSV has."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                cells = line.strip().split(",")
                try:
                    [float(c) for c in cells]
                except ValueError:
                    continue   # a header
                return len(cells)
    raise DataError(f"CSV file {path} has no rows of data")


def open_fashion_mnist(split="train", root=None):
    images, labels = datasets.load_fashion_mnist(split, root)
    folder = Path(root) if root is not None else datasets.find_fashion_mnist()
    name = "Fashion-MNIST subset" if datasets.is_bundled_subset(folder) else "Fashion-MNIST"
    return ArrayImageDataset(images, labels, datasets.FASHION_MNIST_CLASSES, f"{name} ({split})", folder)


def open_idx(image_path, label_path, classes=None, name=None):
    """Any MNIST-format pair; classes default to the digits 0-9 (or 0..max label)."""
    images, labels = read_idx_pair(image_path, label_path)
    if classes is None:
        count = max(10, int(labels.max()) + 1) if len(labels) else 10
        classes = [str(i) for i in range(count)]
    return ArrayImageDataset(images, labels, classes, name or Path(image_path).name, Path(image_path).parent)


def open_dataset(path):
    """{split name: dataset} for a folder of Fashion-MNIST/MNIST IDX files ('train',
    'test'), a class-per-subfolder image folder ('all') or a CSV file ('all')."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".csv":
        return {"all": TableDataset(path)}
    if path.is_dir() and datasets.has_fashion_mnist(path):
        return {split: open_fashion_mnist(split, path) for split in datasets.SPLITS}
    if path.is_dir():
        return {"all": FolderImageDataset(path)}
    raise DataError(f"{path}: not a dataset; open a folder of IDX files, a folder with one "
                    "subfolder of images per class, or a .csv file")


def split_indices(labels, val_fraction=0.1, seed=0, stratify=True):
    """(train indices, validation indices), the same for the same seed; with ``stratify``
    every class gives the same fraction."""
    labels = np.asarray(labels)
    if not 0 <= val_fraction < 1:
        raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction}")
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(labels == c) for c in np.unique(labels)] if stratify else [np.arange(len(labels))]
    val = []
    for group in groups:
        chosen = rng.permutation(group)
        val.append(chosen[:int(round(len(group) * val_fraction))])
    val = np.sort(np.concatenate(val)) if val else np.array([], dtype=np.int64)
    train = np.setdiff1d(np.arange(len(labels)), val)
    return train, val
