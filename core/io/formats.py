"""The dataset formats, in one registry: each says what it is called, how a person picks
it (a folder or a file, and which file names), how to recognise it and how to open it as
a ``DataSource`` (classes, train/test splits of labels and pictures, picture shape, and
``make_iter`` for batches). The Data view's picker, the Train view, scripts and
``open_dataset`` all read this list; a new format is one ``register_format`` call.

>>> [(f.name, f.picks) for f in formats()]
[('idx', 'folder'), ('folder', 'folder'), ('csv', 'file')]
>>> from core.io.datasets import bundled_subset_dir
>>> detect_format(bundled_subset_dir()).label
'MNIST-format IDX files'
>>> open_dataset(bundled_subset_dir()).summary()
'Fashion-MNIST (bundled subset) · 10 classes · 6,000 train / 1,000 test'
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import DataError, RegistryError
from . import datasets
from .csv_pictures import open_csv
from .image_folder import open_image_folder


@dataclass(frozen=True)
class DatasetFormat:
    name: str                                 # the key stored with a choice ("idx", "folder", "csv")
    label: str                                # what a picker calls it
    picks: str                                # "folder" or "file": what a person chooses
    detect: Callable[[Path], bool]            # does this path hold the format?
    open: Callable[[Path], object]            # path -> DataSource (DataError names the file)
    patterns: tuple = ()                      # file-name patterns for a file dialog ("*.csv",)
    found: Callable[[], list] | None = None   # [(title, path)] of copies already on this machine

    def file_filter(self):
        """A Qt file-dialog filter, e.g. 'CSV files of pictures (*.csv)'."""
        return f"{self.label} ({' '.join(self.patterns)})"


_FORMATS: dict[str, DatasetFormat] = {}


def register_format(name, label, picks, detect, open, patterns=(), found=None):
    """Add a format; formats are tried in the order they were registered, so a more
    particular folder layout registers before the general one."""
    if name in _FORMATS:
        raise RegistryError(f"dataset format {name!r} is already registered")
    if picks not in ("folder", "file"):
        raise ValueError(f"dataset format {name!r}: picks must be 'folder' or 'file', got {picks!r}")
    fmt = DatasetFormat(name, label, picks, detect, open, tuple(patterns), found)
    _FORMATS[name] = fmt
    return fmt


def formats(picks=None):
    """Every registered format (those picked as ``picks`` when given), in order."""
    return [f for f in _FORMATS.values() if picks is None or f.picks == picks]


def get_format(name):
    try:
        return _FORMATS[name]
    except KeyError:
        raise RegistryError(f"no dataset format {name!r}; known: {', '.join(_FORMATS)}") from None


def detect_format(path):
    """The first format that recognises ``path``; DataError lists what would do."""
    path = Path(path)
    for fmt in _FORMATS.values():
        if fmt.detect(path):
            return fmt
    wanted = "; ".join(f"{f.label} ({'a folder' if f.picks == 'folder' else ' '.join(f.patterns)})"
                       for f in _FORMATS.values())
    raise DataError(f"{path}: not a dataset Net Studio can open; open one of: {wanted}")


def open_dataset(path, format=None):
    """A DataSource from ``path``, read as the format named ``format`` (default: detected)."""
    fmt = get_format(format) if format is not None else detect_format(path)
    return fmt.open(Path(path))


def found_datasets():
    """[(title, format name, path)] of datasets already on this machine (Fashion-MNIST
    copies and the bundled subset), for pickers to offer before anything is opened."""
    return [(title, fmt.name, path) for fmt in _FORMATS.values() if fmt.found is not None
            for title, path in fmt.found()]


register_format("idx", "MNIST-format IDX files", "folder",
                detect=lambda path: path.is_dir() and datasets.has_fashion_mnist(path),
                open=datasets.open_idx, found=datasets.fashion_mnist_choices)
register_format("folder", "Image folder (one subfolder per class)", "folder",
                detect=lambda path: path.is_dir(), open=open_image_folder)
register_format("csv", "CSV files of pictures", "file",
                detect=lambda path: path.suffix.lower() == ".csv", open=open_csv, patterns=("*.csv",))
