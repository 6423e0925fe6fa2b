"""MXNet's binary NDArray list file (``.params``), read and written with NumPy alone.

Layout, all little-endian, as written by MXNet 1.x ``NDArray::Save`` (src/ndarray/ndarray.cc)
through ``MXNDArraySave``:

    uint64 0x112                      list magic (kMXAPINDArrayListMagic)
    uint64 0                          reserved
    uint64 n                          number of arrays, then n arrays:
        uint32 0xF993FAC9             NDARRAY_V2_MAGIC (0xF993FACA = V3, numpy shape semantics)
        int32  stype                  0 dense, 1 row_sparse, 2 csr
        [sparse: storage shape]
        shape: uint32 ndim, int64 dims[ndim]  (V2: ndim 0 means "no array", nothing follows)
        int32 dev_type, int32 dev_id  context (1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared)
        int32 type_flag               0 f32, 1 f64, 2 f16, 3 u8, 4 i32, 5 i8, 6 i64, 7 bool, ...
        [sparse: per aux array int32 type_flag + shape]
        raw data (C order), [sparse: raw aux data]
    uint64 m                          number of names (0 for a list, n for a dict), then
        uint64 length, bytes          each name (utf-8)

Older files start each array with 0xF993FAC8 (V1: same as V2 without the storage type) or
with no magic at all (legacy: the first uint32 is ndim, then uint32 dims).

Sparse arrays are read back dense. An array saved as "none" (never allocated) loads as an
empty float32 array of shape (0,). bfloat16 loads as float32. A 0-d array is written with
shape (1,), as MXNet 1.x (outside numpy semantics) has no 0-d arrays.
"""
from __future__ import annotations

import math
import struct
from pathlib import Path

import numpy as np

from ..errors import ParamsFormatError
from ..fileio import atomic_open, read_regular_bytes, remove_stale_temporaries

LIST_MAGIC = 0x112
V1_MAGIC = 0xF993FAC8
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA

# mshadow TypeFlag -> little-endian NumPy dtype. 12 (bfloat16) is special-cased below.
DTYPE_OF_FLAG = {
    0: np.dtype("<f4"), 1: np.dtype("<f8"), 2: np.dtype("<f2"), 3: np.dtype("u1"),
    4: np.dtype("<i4"), 5: np.dtype("i1"), 6: np.dtype("<i8"), 7: np.dtype("?"),
    8: np.dtype("<i2"), 9: np.dtype("<u2"), 10: np.dtype("<u4"), 11: np.dtype("<u8"),
}
BFLOAT16_FLAG = 12
# MXNet 1.9.1's Python API only creates these, so we only write these.
FLAG_OF_DTYPE = {np.dtype(d): f for d, f in (
    ("float32", 0), ("float64", 1), ("float16", 2), ("uint8", 3),
    ("int32", 4), ("int8", 5), ("int64", 6), ("bool", 7))}
DEV_TYPES = {1, 2, 3, 5}
SPARSE_AUX_COUNT = {1: 1, 2: 2}    # row_sparse: row index; csr: indptr, indices
MAX_NDIM = 32
MAX_BYTES = 2 ** 48            # even an empty (0-size) array must have a creatable shape
# A dense array's bytes are in the file; a sparse one's dense form is not: a 145-byte file
# may declare a (2**20, 1024) shape. Loading it dense is allowed up to this much.
MAX_SPARSE_DENSE_BYTES = 2 ** 30


class _Reader:
    """A cursor over the file's bytes that reports where and what went wrong."""

    def __init__(self, data, source):
        self.data = memoryview(data)
        self.source = source
        self.pos = 0

    def fail(self, message, at=None):
        at = self.pos if at is None else at
        return ParamsFormatError(f"{self.source}: {message} (at byte {at} of {len(self.data)})")

    def left(self):
        return len(self.data) - self.pos

    def take(self, nbytes, what):
        if nbytes > self.left():
            raise self.fail(f"file ends inside {what}: expected {nbytes} bytes, "
                            f"only {self.left()} left (truncated file?)")
        start = self.pos
        self.pos += nbytes
        return self.data[start:self.pos]

    def unpack(self, fmt, what):
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))

    def shape(self, what, may_be_unknown=False):
        at = self.pos
        (ndim,) = self.unpack("i", f"{what} ndim")
        if ndim == -1 and may_be_unknown:
            return None                      # V3 "unknown shape": an unallocated array
        if not 0 <= ndim <= MAX_NDIM:
            raise self.fail(f"{what} has ndim {ndim}; expected 0..{MAX_NDIM}", at)
        return self.dims(ndim, what, "q")

    def dims(self, ndim, what, dim_format):
        at = self.pos
        dims = self.unpack(dim_format * ndim, f"{what} dims")
        if any(d < 0 for d in dims):
            raise self.fail(f"{what} {dims} has a negative dimension", at)
        return tuple(int(d) for d in dims)


def _dtype_for(reader, flag, what, at):
    if flag == BFLOAT16_FLAG:
        return np.dtype("<u2")
    if flag not in DTYPE_OF_FLAG:
        raise reader.fail(f"{what} has unknown dtype flag {flag}; expected one of "
                          f"{sorted(DTYPE_OF_FLAG) + [BFLOAT16_FLAG]}", at)
    return DTYPE_OF_FLAG[flag]


def _raw_array(reader, shape, flag, what, at):
    dtype = _dtype_for(reader, flag, what, at)
    count = math.prod(shape)
    if math.prod(d for d in shape if d) * dtype.itemsize > MAX_BYTES:
        raise reader.fail(f"{what} has implausible shape {shape}", at)
    raw = reader.take(count * dtype.itemsize, f"{what} data ({count} x {dtype.name})")
    values = np.frombuffer(raw, dtype=dtype, count=count).reshape(shape)
    if flag == BFLOAT16_FLAG:     # bfloat16 is the top half of a float32
        return (values.astype(np.uint32) << 16).view(np.float32)
    return values.astype(dtype.newbyteorder("="), copy=True)


def _context(reader, what):
    at = reader.pos
    dev_type, _dev_id = reader.unpack("ii", f"{what} context")
    if dev_type not in DEV_TYPES:
        raise reader.fail(f"{what} has device type {dev_type}; expected one of "
                          f"{sorted(DEV_TYPES)} (1 = cpu, 2 = gpu)", at)
    reader.dev_type = dev_type


def _read_array(reader, index):
    what = f"array #{index}"
    at = reader.pos
    (magic,) = reader.unpack("I", f"{what} header")
    if magic in (V2_MAGIC, V3_MAGIC):
        return _read_v2(reader, what, magic)
    if magic == V1_MAGIC:
        shape = reader.shape(f"{what} shape", may_be_unknown=True)
    elif magic <= MAX_NDIM:          # legacy: no magic, the word is ndim, dims are uint32
        shape = reader.dims(magic, f"{what} shape", "I")
    else:
        raise reader.fail(f"{what} starts with 0x{magic:08X}; expected NDArray magic "
                          f"0x{V2_MAGIC:08X} (not an MXNet .params file, or corrupt)", at)
    if not shape:
        return _none_array()
    _context(reader, what)
    at = reader.pos
    (flag,) = reader.unpack("i", f"{what} dtype flag")
    return _raw_array(reader, shape, flag, what, at)


def _read_v2(reader, what, magic):
    at = reader.pos
    (stype,) = reader.unpack("i", f"{what} storage type")
    if stype not in (0, 1, 2, -1):
        raise reader.fail(f"{what} has storage type {stype}; expected 0 (dense), "
                          "1 (row_sparse) or 2 (csr)", at)
    n_aux = SPARSE_AUX_COUNT.get(stype, 0)
    storage_shape = reader.shape(f"{what} storage shape") if n_aux else None
    shape = reader.shape(f"{what} shape", may_be_unknown=True)
    if shape is None or (magic == V2_MAGIC and not shape):
        return _none_array()
    _context(reader, what)
    at = reader.pos
    (flag,) = reader.unpack("i", f"{what} dtype flag")
    aux_meta = []
    for k in range(n_aux):
        aux_at = reader.pos
        (aux_flag,) = reader.unpack("i", f"{what} aux #{k} dtype flag")
        aux_meta.append((aux_flag, reader.shape(f"{what} aux #{k} shape"), aux_at))
    if not n_aux:
        return _raw_array(reader, shape, flag, what, at)
    values = _raw_array(reader, storage_shape, flag, what, at)
    aux = [_raw_array(reader, s, f, f"{what} aux #{k}", a) for k, (f, s, a) in enumerate(aux_meta)]
    return _densify(reader, stype, shape, values, aux, what)


def _densify(reader, stype, shape, values, aux, what):
    """Sparse arrays come back dense; their parts must agree before we allocate anything."""
    if stype == 1:                           # row_sparse: values[i] is row aux[0][i]
        fits = values.shape[1:] == shape[1:] and aux[0].shape == values.shape[:1]
    else:                                    # csr: row pointers, column indices
        indptr = aux[0]
        fits = (len(shape) == 2 and indptr.shape == (shape[0] + 1,) and values.ndim == 1
                and aux[1].shape == values.shape and indptr.dtype.kind in "iu"
                and indptr[0] == 0 and indptr[-1] == len(values) and (np.diff(indptr) >= 0).all())
    if not fits or any(a.dtype.kind not in "iu" for a in aux):
        raise reader.fail(f"{what}: sparse parts {values.shape}, "
                          f"{[(a.shape, a.dtype.name) for a in aux]} do not fit shape {shape}")
    dense_bytes = math.prod(shape) * values.dtype.itemsize
    if dense_bytes > MAX_SPARSE_DENSE_BYTES:
        raise reader.fail(f"{what}: a sparse array of shape {shape} holding {values.nbytes:,} bytes "
                          f"would take {dense_bytes:,} bytes once made dense, over the "
                          f"{MAX_SPARSE_DENSE_BYTES:,}-byte limit (a corrupt or hostile file?)")
    try:
        dense = np.zeros(shape, dtype=values.dtype)
        if stype == 1:
            dense[aux[0]] = values
        else:
            rows = np.repeat(np.arange(shape[0]), np.diff(aux[0]))
            dense[rows, aux[1]] = values
    except (IndexError, ValueError, MemoryError) as error:
        raise reader.fail(f"{what}: sparse indices do not fit shape {shape}: {error}") from error
    return dense


def _none_array():
    return np.zeros((0,), dtype=np.float32)


def _read_names(reader, count):
    at = reader.pos
    (n_names,) = reader.unpack("Q", "name count")
    if n_names not in (0, count):
        raise reader.fail(f"file has {count} arrays but {n_names} names; "
                          f"expected 0 (a list) or {count} (a dict)", at)
    names = []
    for i in range(n_names):
        at = reader.pos
        (length,) = reader.unpack("Q", f"length of name #{i}")
        raw = reader.take(length, f"name #{i} ({length} bytes)")
        try:
            names.append(bytes(raw).decode("utf-8"))
        except UnicodeDecodeError as error:
            raise reader.fail(f"name #{i} is not valid UTF-8", at) from error
    return names


def parse_params(data, source="<bytes>"):
    """Parse the bytes of a .params file: a dict if the file has names, else a list."""
    reader = _Reader(data, source)
    if len(data) == 0:
        raise reader.fail("file is empty; expected an MXNet .params file")
    (magic,) = reader.unpack("Q", "list header")
    if magic != LIST_MAGIC:
        raise reader.fail(f"header is 0x{magic:X}; expected MXNet NDArray list magic "
                          f"0x{LIST_MAGIC:X} (not an MXNet .params file)", 0)
    reader.unpack("Q", "reserved header word")
    at = reader.pos
    (count,) = reader.unpack("Q", "array count")
    if count * 4 > reader.left():    # every array takes at least its 4-byte header
        raise reader.fail(f"file claims {count} arrays but only {reader.left()} bytes follow; "
                          "expected at least 4 bytes per array (truncated or corrupt)", at)
    arrays = [_read_array(reader, i) for i in range(count)]
    names = _read_names(reader, count)
    if names:
        return dict(zip(names, arrays))
    return arrays


def load_params(source):
    """Load a .params file (path, or its bytes) into a dict or list of NumPy arrays."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return parse_params(source)
    remove_stale_temporaries(source)     # what a save killed half-way left beside it
    try:
        data = read_regular_bytes(source)
    except OSError as error:
        raise ParamsFormatError(f"{source}: cannot read parameter file: "
                                f"{error.strerror or error}") from error
    return parse_params(data, str(source))


# ---------------------------------------------------------------- writing


def _host_array(value, name):
    if hasattr(value, "asnumpy"):
        value = value.asnumpy()
    array = np.asarray(value)
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    if array.dtype not in FLAG_OF_DTYPE:
        raise ParamsFormatError(f"{name} has dtype {array.dtype}; MXNet .params files "
                                f"hold {', '.join(d.name for d in FLAG_OF_DTYPE)}")
    return array.reshape(1) if array.ndim == 0 else array


def parse_array(data, source="<bytes>"):
    """One array as ``NDArray::Save`` wrote it (a pickled MXNet NDArray's ``handle``):
    ``(host array, device type it was saved from: 1 cpu, 2 gpu ...)``."""
    reader = _Reader(data, source)
    array = _read_array(reader, 0)
    return array, getattr(reader, "dev_type", 1)


def encode_array(array):
    """One dense array in V2 layout, as ``NDArray::Save`` writes it on a CPU context."""
    header = struct.pack(f"<IiI{array.ndim}q", V2_MAGIC, 0, array.ndim, *array.shape)
    tail = struct.pack("<iii", 1, 0, FLAG_OF_DTYPE[array.dtype])
    little = array.astype(array.dtype.newbyteorder("<"), copy=False)
    return header + tail + np.ascontiguousarray(little).tobytes()


def encode_params(data):
    """The bytes of a .params file for a dict (names kept) or a list of arrays."""
    if isinstance(data, dict):
        names = [str(k) for k in data]
        arrays = [_host_array(v, f"parameter '{k}'") for k, v in data.items()]
    else:
        names = []
        arrays = [_host_array(v, f"array #{i}") for i, v in enumerate(data)]
    chunks = [struct.pack("<QQQ", LIST_MAGIC, 0, len(arrays))]
    chunks += [encode_array(a) for a in arrays]
    chunks.append(struct.pack("<Q", len(names)))
    for name in names:
        raw = name.encode("utf-8")
        chunks.append(struct.pack("<Q", len(raw)) + raw)
    return b"".join(chunks)


def save_params(path, data):
    """Write a dict or list of arrays as a .params file MXNet 1.x loads; atomic."""
    payload = encode_params(data)
    with atomic_open(path, "wb") as handle:
        handle.write(payload)
