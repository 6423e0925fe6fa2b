"""Read a ``.safetensors`` file: an 8-byte little-endian header length, a JSON header
``{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}`` and
then the raw little-endian bytes, offsets counted from the end of the header.

A reader of our own (a page of code) rather than the ``safetensors`` package: the format
is that small, it needs no extra dependency, and every inconsistency in a file becomes a
FormatError that names the tensor (sizes are checked against the shape and the bytes
present before any array is made).

>>> from core.zoo.safetensors_reader import load_safetensors
>>> weights = load_safetensors("model.safetensors")       # doctest: +SKIP
"""
from __future__ import annotations

import json
import math
import os
import struct
from pathlib import Path

import numpy as np

from ..errors import FormatError

MAX_HEADER_BYTES = 100 << 20     # the format's own limit
DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I64": "<i8", "I32": "<i4",
          "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?"}


def is_safetensors(path):
    """True when ``path`` starts like a safetensors file (a sane header length, then '{')."""
    from .torch_legacy import open_weights_file
    with open_weights_file(path) as handle:
        head = handle.read(9)
    if len(head) < 9:
        return False
    (length,) = struct.unpack("<Q", head[:8])
    return 2 <= length <= MAX_HEADER_BYTES and head[8:9] == b"{"


def load_safetensors(path):
    """``{name: np.ndarray}`` in the order of the bytes; floats become float32 (BF16
    widened exactly), integers keep their type. ``__metadata__`` is ignored."""
    from .torch_legacy import open_weights_file
    path = Path(path)
    with open_weights_file(path) as handle:
        total = os.fstat(handle.fileno()).st_size
        header, start = _header(path, handle, total)
        entries = sorted(_entries(path, header, total - start), key=lambda e: e[2])
        tensors = {}
        for name, (dtype, shape), begin, end in entries:
            handle.seek(start + begin)
            data = handle.read(end - begin)
            if len(data) != end - begin:
                raise FormatError(f"{path}: tensor {name!r} is truncated")
            tensors[name] = _array(data, dtype, shape)
    return tensors


def _header(path, handle, total):
    raw = handle.read(8)
    if len(raw) != 8:
        raise FormatError(f"{path}: too short to be a safetensors file")
    (length,) = struct.unpack("<Q", raw)
    if length > MAX_HEADER_BYTES or length > total - 8:
        raise FormatError(f"{path}: not a safetensors file (header length {length:,} does not fit "
                          f"a {total:,}-byte file)")
    try:
        header = json.loads(handle.read(length).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FormatError(f"{path}: the safetensors header is not JSON ({error})") from None
    if not isinstance(header, dict):
        raise FormatError(f"{path}: the safetensors header is not an object")
    return header, 8 + length


def _entries(path, header, available):
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype, shape, (begin, end) = spec["dtype"], spec["shape"], spec["data_offsets"]
        except (TypeError, KeyError, ValueError):
            raise FormatError(f"{path}: tensor {name!r}: needs dtype, shape and data_offsets") from None
        if dtype not in DTYPES:
            raise FormatError(f"{path}: tensor {name!r} has dtype {dtype!r}; known: {', '.join(DTYPES)}")
        if not (isinstance(shape, list) and all(_is_count(v) for v in [*shape, begin, end])
                and begin <= end):
            raise FormatError(f"{path}: tensor {name!r} has a malformed shape or offsets")
        expected = math.prod(shape) * np.dtype(DTYPES[dtype]).itemsize
        if end - begin != expected or end > available:
            raise FormatError(f"{path}: tensor {name!r} declares {end - begin:,} bytes at "
                              f"{begin:,}..{end:,}; its shape {shape} of {dtype} needs {expected:,} "
                              f"and the file holds {available:,} bytes of data")
        yield name, (dtype, tuple(shape)), begin, end


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _array(data, dtype, shape):
    array = np.frombuffer(data, dtype=DTYPES[dtype]).reshape(shape)
    if dtype == "BF16":                  # bfloat16 is the top half of a float32
        return (array.astype(np.uint32) << 16).view(np.float32)
    if array.dtype.kind == "f":
        return array.astype(np.float32)
    return array.astype(array.dtype.newbyteorder("="))
