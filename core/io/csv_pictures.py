"""Pictures stored as CSV rows, Kaggle's MNIST/Fashion-MNIST layout: a ``label`` column
(or the first column) and one column per pixel, 0..255 (or 0..1), row by row. A square
number of pixel columns is a grey picture, three times a square an RGB one (HxWx3 order).

``fashion-mnist_train.csv`` finds its ``fashion-mnist_test.csv`` partner by name.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "tiny_train.csv")
>>> _ = open(path, "w").write("label," + ",".join(f"p{i}" for i in range(4)) + "\\n1,0,255,0,255\\n0,9,9,9,9\\n")
>>> data = open_csv(path)
>>> data.train.images.shape, data.train.labels.tolist(), data.classes
((2, 2, 2), [1, 0], ['0', '1'])
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..errors import DataError
from .csv_table import read_csv_table
from .dataset import DataSource, Split, class_count, numbered_classes
from .datasets import FASHION_MNIST_CLASSES


def _label_column(header):
    """The ``label`` column when the header names one, else the first."""
    names = [cell.strip().lower() for cell in header] if header else []
    return names.index("label") if "label" in names else 0


def _picture_shape(columns, path):
    side = math.isqrt(columns)
    if side >= 2 and side * side == columns:
        return (side, side)
    side = math.isqrt(columns // 3)
    if side >= 2 and columns % 3 == 0 and side * side * 3 == columns:
        return (side, side, 3)
    raise DataError(f"{path}: {columns} pixel columns do not make a square picture (expected "
                    f"side² for grey or 3·side² for RGB, e.g. 784 for 28x28)")


def read_csv_split(path):
    """(pixels uint8 (n, H, W[, 3]), raw labels as strings) from one CSV file."""
    path = Path(path)
    table = read_csv_table(path, text_column=_label_column)
    table.require_finite(path, "a pixel", "pixels must be numbers 0..255 (or 0..1)")
    pixels = table.numbers
    if pixels.size and pixels.max() <= 1.0:
        pixels = pixels * 255.0   # pictures stored as 0..1
    shape = _picture_shape(pixels.shape[1], path)
    return np.clip(np.rint(pixels), 0, 255).astype(np.uint8).reshape((-1,) + shape), table.texts


def _partner(path):
    """``x_train.csv`` -> ``x_test.csv`` when that file exists."""
    name = path.name
    for a, b in (("train", "test"), ("Train", "Test"), ("TRAIN", "TEST")):
        if a in name:
            candidate = path.with_name(name.replace(a, b))
            if candidate.is_file():
                return candidate
    return None


def _class_names(raw_labels, path):
    """Integer labels keep their numbers (Fashion-MNIST's names when the file says so);
    text labels become sorted class names."""
    unique = sorted(set(raw_labels.tolist()))
    if all(label.lstrip("-").isdigit() for label in unique):
        count = class_count([int(v) for v in unique], path)
        if "fashion" in path.name.lower() and count <= len(FASHION_MNIST_CLASSES):
            return FASHION_MNIST_CLASSES[:max(count, 10)], None
        return [str(i) for i in range(count)], None
    return unique, {name: i for i, name in enumerate(unique)}


def _to_indices(raw, mapping, classes, path):
    if mapping is None:
        text = next((v for v in raw.tolist() if not v.lstrip("-").isdigit()), None)
        if text is not None:
            raise DataError(f"{path}: label {text!r} is not a class number like the training file's 0 … {len(classes) - 1}")
        return raw.astype(np.int64)
    unknown = sorted(set(raw.tolist()) - set(mapping))
    if unknown:
        raise DataError(f"{path}: labels {unknown[:5]} are not in the training file's classes {classes}")
    return np.array([mapping[v] for v in raw], np.int64)


def open_csv(path, test_path=None):
    """A CSV dataset (and its ``*_test.csv`` partner when there is one)."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such CSV file")
    images, raw = read_csv_split(path)
    classes, mapping = _class_names(raw, path)
    train = Split(_to_indices(raw, mapping, classes, path), images)
    test = None
    test_path = Path(test_path) if test_path else _partner(path)
    if test_path is not None:
        test_images, test_raw = read_csv_split(test_path)
        if test_images.shape[1:] != images.shape[1:]:
            raise DataError(f"{test_path}: pictures of shape {test_images.shape[1:]} but "
                            f"{path.name} has {images.shape[1:]}")
        test = Split(_to_indices(test_raw, mapping, classes, test_path), test_images)
        classes = numbered_classes(classes, test.labels, test_path)
    return DataSource(path.stem, "csv", str(path), list(classes), train, test,
                      {"test_file": str(test_path) if test_path else ""})
