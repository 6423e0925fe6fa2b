"""ImageFolderIter: a folder with one subfolder of pictures per class, decoded on
background threads while the network works on the previous batch.

    pets/cat/001.jpg, pets/cat/002.png, ..., pets/dog/001.jpg ...

Used as::

    it = mx.io.ImageFolderIter("pets", data_shape=(3, 224, 224), batch_size=32,
                               shuffle=True, rand_crop=True, rand_mirror=True,
                               mean=True, std=True)
    it.classes   # ['cat', 'dog']
"""
from __future__ import annotations

import collections
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from ..context import cpu
from ..errors import DataError
from ..image import center_crop, load_image, resize_short, to_chw_batch
from ..ndarray.ndarray import NDArray
from ..random_state import generator
from .base import DataBatch, DataDesc, DataIter
from .dataset import DataSource, Split

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm"}
IMAGENET_MEAN = (123.68, 116.28, 103.53)   # MXNet's defaults for mean=True / std=True
IMAGENET_STD = (58.395, 57.12, 57.375)
LAYOUT_HELP = "expected one subfolder per class holding its images, e.g. root/cat/1.jpg, root/dog/2.png"


def scan_image_folder(root):
    """(sorted class names, [(path, class index)]) of a class-per-subfolder tree."""
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"image folder {root} does not exist or is not a folder; {LAYOUT_HELP}")
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        loose = sum(1 for p in root.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        found = f"it holds {loose} images but no class subfolders" if loose else "it is empty"
        raise DataError(f"image folder {root}: {found}; {LAYOUT_HELP}")
    samples = []
    for index, name in enumerate(classes):
        files = sorted(p for p in (root / name).rglob("*")
                       if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
        samples += [(p, index) for p in files]
    if not samples:
        raise DataError(f"image folder {root}: the class subfolders {classes[:5]} hold no images "
                        f"({', '.join(sorted(IMAGE_SUFFIXES))}); {LAYOUT_HELP}")
    return classes, samples


def _folder_split(folder, classes=None):
    """(classes, Split) of a class-per-subfolder tree; with ``classes``, labels follow
    that list and other subfolders are ignored."""
    found, samples = scan_image_folder(folder)
    classes = classes or found
    position = {name: i for i, name in enumerate(classes)}
    kept = [(str(path), position[found[label]]) for path, label in samples if found[label] in position]
    return classes, Split(np.array([label for _, label in kept], np.int64), paths=[p for p, _ in kept])


def open_image_folder(folder):
    """A DataSource of one subfolder per class (``cats/``, ``dogs/`` …), or of ``train/``
    and ``test/`` (or ``val/``) folders that each hold the class subfolders. Pictures are
    read when needed."""
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


def _per_channel(value, default):
    if value is True:
        return default
    if value is None or value is False:
        return None
    return tuple(np.atleast_1d(np.asarray(value, dtype=np.float64)).tolist())


class ImageFolderIter(DataIter):
    """Batches ``(batch, C, H, W)`` float32 of ``(pixel * scale - mean) / std`` and class
    labels (float32, as MXNet). Each picture: short side resized to ``resize`` (default
    the larger of H and W), then a centre crop, or a random one with ``rand_crop``;
    ``rand_mirror`` flips half of them. ``C == 1`` gives grey (luma) images.

    ``mean=True`` / ``std=True`` use MXNet's ImageNet values. ``last_batch_handle``
    'pad' fills the last batch from the start (``batch.pad`` says how many), 'discard'
    drops it. An image that cannot be decoded is replaced by the next good one and
    listed in ``.skipped`` as (path, reason); the epoch goes on. ``indices`` keeps only
    those samples of the folder (``.samples`` and ``batch.index`` then refer to them).
    """

    def __init__(self, root, data_shape=(3, 224, 224), batch_size=32, shuffle=False,
                 rand_crop=False, rand_mirror=False, mean=None, std=None, scale=1.0, resize=None,
                 num_workers=2, prefetch_batches=2, last_batch_handle="pad",
                 data_name="data", label_name="softmax_label", interpolation="bilinear", indices=None):
        super().__init__(int(batch_size))
        if len(data_shape) != 3 or data_shape[0] not in (1, 3):
            raise DataError(f"ImageFolderIter: data_shape must be (1 or 3, height, width), got {data_shape}")
        if last_batch_handle not in ("pad", "discard"):
            raise ValueError(f"ImageFolderIter: last_batch_handle must be 'pad' or 'discard', got {last_batch_handle!r}")
        self.root = Path(root)
        self.classes, self.samples = scan_image_folder(root)
        if indices is not None:   # a split of the folder (e.g. the validation part)
            self.samples = [self.samples[int(i)] for i in indices]
            if not self.samples:
                raise DataError(f"image folder {root}: the chosen split holds no images")
        self.data_shape = tuple(int(v) for v in data_shape)
        self.shuffle, self.rand_crop, self.rand_mirror = shuffle, rand_crop, rand_mirror
        self.mean = _per_channel(mean, IMAGENET_MEAN) or (0.0,)
        self.std = _per_channel(std, IMAGENET_STD) or (1.0,)
        self.scale = scale
        self.resize = int(resize) if resize else max(self.data_shape[1:])
        self.interpolation = interpolation
        self.last_batch_handle = last_batch_handle
        self.skipped = []
        self._bad = set()
        self.provide_data = [DataDesc(data_name, (self.batch_size,) + self.data_shape)]
        self.provide_label = [DataDesc(label_name, (self.batch_size,))]
        self._pool = ThreadPoolExecutor(max_workers=max(1, int(num_workers)), thread_name_prefix="ImageFolderIter")
        self._ahead = max(1, int(prefetch_batches))
        self._pending = collections.deque()
        self.reset()

    @property
    def num_examples(self):
        return len(self.samples)

    def labels(self):
        """Every sample's class index, in folder order (for histograms)."""
        return np.array([label for _, label in self.samples], dtype=np.int64)

    # ----- epochs ------------------------------------------------------------------------
    def reset(self):
        for batch in self._pending:
            for future in batch[2]:
                future.cancel()
        self._pending.clear()
        count = len(self.samples)
        order = generator(np).permutation(count) if self.shuffle else np.arange(count)
        seed = int(generator(np).integers(2 ** 62))   # augmentations repeat under mx.random.seed
        self._plan = collections.deque()
        for number, start in enumerate(range(0, count, self.batch_size)):
            index = order[start:start + self.batch_size]
            pad = self.batch_size - len(index)
            if pad and self.last_batch_handle == "discard":
                break
            if pad:
                index = np.concatenate([index, np.resize(order, pad)])
            self._plan.append((index, pad, seed + number))
        self._fill()

    def _fill(self):
        """Keep ``prefetch_batches`` batches decoding on the worker threads."""
        while self._plan and len(self._pending) < self._ahead:
            index, pad, seed = self._plan.popleft()
            futures = [self._pool.submit(self._load, int(i), np.random.default_rng([seed, slot]))
                       for slot, i in enumerate(index)]
            self._pending.append((index, pad, futures))

    def next(self):
        if not self._pending:
            raise StopIteration
        index, pad, futures = self._pending.popleft()
        self._fill()
        images, labels, used = [], [], []
        for slot, future in enumerate(futures):
            sample, image = future.result()
            if image is None:   # undecodable: take the next good picture instead
                sample, image = self._replacement(sample, np.random.default_rng([slot, sample]))
            images.append(image)
            labels.append(self.samples[sample][1])
            used.append(sample)
        data = to_chw_batch(images, self.mean, self.std, self.scale)
        return DataBatch([NDArray(data, cpu())], [NDArray(np.asarray(labels, np.float32), cpu())],
                         pad=pad, index=np.asarray(used), provide_data=self.provide_data,
                         provide_label=self.provide_label)

    # ----- one picture -----------------------------------------------------------------------
    def _load(self, sample, rng):
        """(sample, HxWxC uint8) or (sample, None) when the file cannot be decoded."""
        path = self.samples[sample][0]
        if sample in self._bad:
            return sample, None
        try:
            return sample, self.augment(load_image(path), rng)
        except DataError as error:
            self._bad.add(sample)
            self.skipped.append((str(path), str(error)))
            warnings.warn(f"ImageFolderIter skips an image: {error}", stacklevel=1)
            return sample, None

    def _replacement(self, sample, rng):
        for step in range(1, len(self.samples) + 1):
            candidate = (sample + step) % len(self.samples)
            found, image = self._load(candidate, rng)
            if image is not None:
                return found, image
        raise DataError(f"image folder {self.root}: none of its {len(self.samples)} images can be decoded")

    def augment(self, img, rng):
        """Resize the short side, crop (random or centre), mirror, convert to grey if asked."""
        height, width = self.data_shape[1:]
        img = resize_short(img, self.resize, self.interpolation)
        if self.rand_crop and img.shape[0] >= height and img.shape[1] >= width:
            y0 = int(rng.integers(0, img.shape[0] - height + 1))
            x0 = int(rng.integers(0, img.shape[1] - width + 1))
            img = img[y0:y0 + height, x0:x0 + width]
        else:
            img = center_crop(img, (width, height), self.interpolation)
        if self.rand_mirror and rng.random() < 0.5:
            img = img[:, ::-1]
        if self.data_shape[0] == 1:
            img = np.asarray(Image.fromarray(np.ascontiguousarray(img)).convert("L"))[:, :, None]
        return np.ascontiguousarray(img)

    def close(self):
        self._pending.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __del__(self):
        try:
            self._pool.shutdown(wait=False, cancel_futures=True)
        except Exception:
            pass
