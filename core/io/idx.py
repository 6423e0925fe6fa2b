"""IDX files (the MNIST / Fashion-MNIST format), gzipped or not, and MXNet's MNISTIter.

An IDX file is a 4-byte magic number ``00 00 <type> <ndim>``, ``ndim`` big-endian int32
dimensions, then the values in C order. Images are ``00 00 08 03`` (2051), labels
``00 00 08 01`` (2049).

>>> from core.io import datasets
>>> images = read_idx(datasets.bundled_subset_dir() / "t10k-images-idx3-ubyte.gz")
>>> images.shape, images.dtype
((1000, 28, 28), dtype('uint8'))
"""
from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from ..context import cpu
from ..errors import DataError
from ..fileio import open_regular, read_regular_bytes
from ..ndarray.ndarray import NDArray
from .base import DataBatch, DataDesc, DataIter

# The IDX type byte -> big-endian NumPy dtype
IDX_TYPES = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
             0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049


MAX_IDX_BYTES = 1 << 31   # 2 GiB of values: ten times the largest MNIST-style set in use


def _header(raw, path, expect_magic=None):
    """(dtype, dims, header length) from the first bytes of an IDX file, checked before
    any data is read: a bad magic number, or dims whose size exceeds ``MAX_IDX_BYTES``,
    raise DataError naming the file."""
    if len(raw) < 4:
        raise DataError(f"IDX file {path}: {len(raw)} bytes is too short for a header")
    magic = int.from_bytes(raw[:4], "big")
    zeros, type_code, ndim = raw[:2], raw[2], raw[3]
    wanted = f"{expect_magic} (0x{expect_magic:08x})" if expect_magic else "0x0000TTNN (type TT, NN dimensions)"
    if zeros != b"\x00\x00" or type_code not in IDX_TYPES or not 1 <= ndim <= 8:
        raise DataError(f"IDX file {path}: bad header, magic number {magic} (0x{magic:08x}) found, "
                        f"expected {wanted}; is this an MNIST-format file?")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"IDX file {path}: header promises {ndim} dimensions but the file ends after {len(raw)} bytes")
    dims = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    if expect_magic is not None and magic != expect_magic:
        what = "images" if expect_magic == IMAGES_MAGIC else "labels"
        raise DataError(f"IDX file {path}: magic number {magic} (0x{magic:08x}) with dims {dims} found, "
                        f"expected {wanted} ({what}); were image and label files swapped?")
    dtype = IDX_TYPES[type_code]
    size = math.prod(dims) * dtype.itemsize
    if size > MAX_IDX_BYTES:
        raise DataError(f"IDX file {path}: dims {dims} of {dtype.name} would need {size:,} bytes, more than "
                        f"the {MAX_IDX_BYTES:,} an IDX file may hold here; the header is corrupt")
    return dtype, dims, header


def _read_bytes(path, expect_magic=None):
    """The bytes of an IDX file, gunzipped whatever it is called; a gzipped file is
    only expanded as far as its header says (plus one byte, to notice extra data)."""
    path = Path(path)
    try:
        with open_regular(path) as handle:
            gzipped = handle.read(2) == b"\x1f\x8b"
        if not gzipped:
            return read_regular_bytes(path)
        with open_regular(path) as raw, gzip.GzipFile(fileobj=raw, mode="rb") as stream:
            head = stream.read(4)
            head += stream.read(4 * head[3]) if len(head) == 4 else b""
            dtype, dims, _length = _header(head, path, expect_magic)
            return head + stream.read(math.prod(dims) * dtype.itemsize + 1)
    except FileNotFoundError as error:
        raise DataError(f"IDX file {path} does not exist") from error
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise DataError(f"IDX file {path} is gzipped but cannot be decompressed: {error}") from error
    except OSError as error:
        raise DataError(f"IDX file {path} cannot be read: {error.strerror or error}") from error


def parse_idx(raw, path="<bytes>", expect_magic=None):
    """A NumPy array (native byte order) from the bytes of an IDX file; DataError names
    the file, the magic found and expected, and the dimensions when anything is off."""
    dtype, dims, header = _header(raw, path, expect_magic)
    expected = math.prod(dims) * dtype.itemsize
    if len(raw) - header != expected:
        raise DataError(f"IDX file {path}: dims {dims} of {dtype.name} need {expected} bytes of data, "
                        f"found {len(raw) - header}; the file is truncated or corrupt")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims).astype(dtype.newbyteorder("="))


def read_idx(path, expect_magic=None):
    """Read an IDX file (``.gz`` or raw) into a NumPy array."""
    return parse_idx(_read_bytes(path, expect_magic), path, expect_magic)


def read_idx_pair(image_path, label_path):
    """(images uint8 (n, rows, cols), labels int64 (n,)) with their counts checked."""
    images = read_idx(image_path, IMAGES_MAGIC)
    labels = read_idx(label_path, LABELS_MAGIC).astype(np.int64)
    if images.shape[0] != labels.shape[0]:
        raise DataError(f"{image_path} holds {images.shape[0]} images but {label_path} holds "
                        f"{labels.shape[0]} labels; use the image and label files of the same split")
    return images, labels


class MNISTIter(DataIter):
    """MXNet's MNISTIter: IDX image and label files in batches of ``(batch, 1, 28, 28)``
    (or ``(batch, 784)`` with ``flat=True``), pixels scaled by 1/256 as MXNet does.

    As in MXNet, ``shuffle`` permutes the examples once (with ``seed``) when the files
    are loaded, and an incomplete last batch is dropped.
    """

    def __init__(self, image="./train-images-idx3-ubyte", label="./train-labels-idx1-ubyte",
                 batch_size=128, shuffle=True, flat=False, seed=0, silent=False, num_parts=1,
                 part_index=0, data_shape=None, data_name="data", label_name="softmax_label", **_):
        super().__init__(int(batch_size))
        images, labels = read_idx_pair(image, label)
        order = np.arange(len(labels))
        if shuffle:
            np.random.RandomState(seed).shuffle(order)
        part = np.array_split(order, num_parts)[part_index]   # distributed training reads a slice
        self._images, self._labels, self._order = images, labels, part
        rows, cols = images.shape[1:3]
        self._example_shape = tuple(data_shape) if data_shape else ((rows * cols,) if flat else (1, rows, cols))
        if int(np.prod(self._example_shape)) != rows * cols:
            raise DataError(f"MNISTIter: data_shape {self._example_shape} does not hold {rows}x{cols} images")
        if self.batch_size < 1 or self.batch_size > len(part):
            raise DataError(f"MNISTIter: batch_size {batch_size} must be between 1 and the {len(part)} examples")
        self.provide_data = [DataDesc(data_name, (self.batch_size,) + self._example_shape)]
        self.provide_label = [DataDesc(label_name, (self.batch_size,))]
        self._cursor = 0

    @property
    def num_examples(self):
        return len(self._order)

    def reset(self):
        self._cursor = 0

    def next(self):
        start, end = self._cursor, self._cursor + self.batch_size
        if end > len(self._order):
            raise StopIteration
        self._cursor = end
        index = self._order[start:end]
        data = self._images[index].astype(np.float32) * np.float32(1 / 256)
        data = data.reshape((self.batch_size,) + self._example_shape)
        label = self._labels[index].astype(np.float32)
        return DataBatch([NDArray(data, cpu())], [NDArray(label, cpu())], pad=0, index=index,
                         provide_data=self.provide_data, provide_label=self.provide_label)
