"""Finding, loading, opening and downloading Fashion-MNIST (and any MNIST-format folder).

Looked for, in order: ``$NETSTUDIO_DATA`` (the folder itself or its ``fashion-mnist``
subfolder), ``/usr/share/datasets/fashion-mnist`` (Debian's ``dataset-fashion-mnist``),
``../shared/data/fashion-mnist`` next to the repository, the user cache folder (where
``download_fashion_mnist`` puts it), and last the 7,000-image subset bundled in
``resources/datasets/fashion-mnist-subset``, so training works offline on first launch.

>>> images, labels = load_fashion_mnist("test", root=bundled_subset_dir())
>>> images.shape, labels[:3].tolist(), FASHION_MNIST_CLASSES[int(labels[0])]
((1000, 28, 28), [9, 2, 1], 'Ankle boot')
>>> data = open_fashion_mnist(bundled_subset_dir())
>>> data.name, len(data.train), len(data.test), data.train.picture(0).shape
('Fashion-MNIST (bundled subset)', 6000, 1000, (28, 28))
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from ..errors import ChecksumError, DataError
from .dataset import DataSource, Split, numbered_classes
from .idx import read_idx_pair

FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
MNIST_CLASSES = [str(digit) for digit in range(10)]
SPLITS = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
          "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
# Zalando's official addresses and the MD5 sums they publish for the .gz files
DOWNLOAD_BASE = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
DOWNLOAD_MD5 = {"train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
                "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
                "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310"}
# for the progress bar only (sizes of the official .gz files)
APPROX_SIZES = {"train-images-idx3-ubyte.gz": 26421880, "train-labels-idx1-ubyte.gz": 29515,
                "t10k-images-idx3-ubyte.gz": 4422102, "t10k-labels-idx1-ubyte.gz": 5148}
REPO_ROOT = Path(__file__).resolve().parents[2]


def bundled_subset_dir():
    """The subset shipped in ``resources/`` (a packaged app's copy when frozen)."""
    from ..resources import find_resource
    return find_resource("datasets", "fashion-mnist-subset")


def user_cache_dir():
    """Where downloads go: the platform's cache folder for Net Studio."""
    try:
        from platformdirs import user_cache_dir as cache
        base = Path(cache("netstudio"))
    except ImportError:
        base = Path.home() / ".cache" / "netstudio"
    return base / "datasets" / "fashion-mnist"


def candidate_dirs(include_subset=True):
    """Every folder searched, in order of preference."""
    found = []
    env = os.environ.get("NETSTUDIO_DATA")
    if env:
        found += [Path(env), Path(env) / "fashion-mnist"]
    found += [Path("/usr/share/datasets/fashion-mnist"),
              REPO_ROOT.parent / "shared" / "data" / "fashion-mnist",
              user_cache_dir()]
    if include_subset:
        found.append(bundled_subset_dir())
    return found


def split_files(root, split):
    """(images path, labels path) of a split in ``root``, gzipped or not; None if missing."""
    if split not in SPLITS:
        raise ValueError(f"unknown Fashion-MNIST split {split!r}; use 'train' or 'test'")
    paths = []
    for stem in SPLITS[split]:
        options = [Path(root) / (stem + ".gz"), Path(root) / stem]
        existing = [p for p in options if p.is_file()]
        if not existing:
            return None
        paths.append(existing[0])
    return tuple(paths)


def has_fashion_mnist(root):
    return all(split_files(root, split) for split in SPLITS)


def find_fashion_mnist(include_subset=True):
    """The first folder holding all four Fashion-MNIST files, or None."""
    for folder in candidate_dirs(include_subset):
        if folder.is_dir() and has_fashion_mnist(folder):
            return folder
    return None


def is_bundled_subset(root):
    return root is not None and Path(root).resolve() == bundled_subset_dir().resolve()


def fashion_mnist_files(split="train", root=None):
    """(images path, labels path) for ``MNISTIter(image=..., label=...)``."""
    folder = Path(root) if root is not None else find_fashion_mnist()
    files = split_files(folder, split) if folder is not None else None
    if files is None:
        where = [str(folder)] if root is not None else [str(p) for p in candidate_dirs()]
        names = ", ".join(s + "[.gz]" for s in SPLITS[split])
        raise DataError(f"Fashion-MNIST {split} files ({names}) not found in: {'; '.join(where)}. "
                        "Install Debian's dataset-fashion-mnist, set NETSTUDIO_DATA, or download it "
                        "(core.io.datasets.download_fashion_mnist)")
    return files


def load_fashion_mnist(split="train", root=None):
    """(images uint8 (n, 28, 28), labels int64 (n,)) of one split."""
    return read_idx_pair(*fashion_mnist_files(split, root))


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
    """Fashion-MNIST from ``root`` (default: the best folder found) as a DataSource."""
    root = Path(root) if root is not None else find_fashion_mnist()
    if root is None:
        raise DataError("no Fashion-MNIST found; download it or open another dataset")
    return open_idx(root, FASHION_MNIST_CLASSES, name or _fashion_title(root))


def _fashion_title(root):
    return "Fashion-MNIST (bundled subset)" if is_bundled_subset(root) else "Fashion-MNIST"


def _is_fashion(root):
    """A folder Fashion-MNIST is looked for in, or one that says 'fashion'."""
    resolved = root.resolve()
    return "fashion" in str(root).lower() or any(resolved == p.resolve() for p in candidate_dirs())


def open_idx(root, classes=None, name=None):
    """An MNIST-format folder (train-images-idx3-ubyte[.gz] and friends) as a DataSource.
    Without ``classes``: Fashion-MNIST's names (and title) for a Fashion-MNIST folder,
    else the digits."""
    root = Path(root)
    train_x, train_y = load_fashion_mnist("train", root)
    test_x, test_y = load_fashion_mnist("test", root)
    fashion = _is_fashion(root)
    if classes is None:
        classes = FASHION_MNIST_CLASSES if fashion else MNIST_CLASSES
    if name is None:
        name = _fashion_title(root) if fashion else root.name
    classes = numbered_classes(classes, np.concatenate([train_y, test_y]), root)
    return DataSource(name, "idx", str(root), classes, Split(train_y, train_x), Split(test_y, test_x))


def download_fashion_mnist(dest=None, progress=None, cancel=None, base_url=DOWNLOAD_BASE,
                           checksums=None):
    """Download the four official files into ``dest`` (default: the user cache folder)
    and check Zalando's MD5 sums. ``progress(done_bytes, total_bytes, bytes_per_second)``
    covers all four files; ``cancel`` is a threading.Event. Valid files already present
    are kept. ``base_url``/``checksums`` (name -> MD5) are for a mirror. Returns the folder."""
    from ..zoo.download import download
    dest = Path(dest) if dest is not None else user_cache_dir()
    dest.mkdir(parents=True, exist_ok=True)
    total, finished = sum(APPROX_SIZES.values()), 0
    for name, md5 in (checksums or DOWNLOAD_MD5).items():
        target = dest / name
        if not (target.is_file() and _md5_of(target) == md5):
            report = None
            if progress is not None:
                report = (lambda done, _total, speed, base=finished: progress(base + done, total, speed))
            download(base_url.rstrip("/") + "/" + name, target, progress=report, cancel=cancel)
            _check_md5(target, md5)
        finished += APPROX_SIZES.get(name, 0)
    for split in SPLITS:
        read_idx_pair(*split_files(dest, split))   # a readable header and matching counts
    return dest


def _md5_of(path):
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_md5(path, expected):
    found = _md5_of(path)
    if found != expected:
        path.unlink()
        raise ChecksumError(f"{path.name}: MD5 {found} does not match Zalando's published {expected}; "
                            "the download was damaged and has been deleted, try again")
