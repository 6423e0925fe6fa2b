"""A TF.js weight manifest read into NumPy arrays.

``weightsManifest`` is a list of groups; each group names its shard files (``paths``,
read one after the other as one byte stream) and its weights in stream order, each with
``name``, ``shape``, ``dtype`` and, when stored smaller than it is used, a
``quantization`` record: ``float16`` (half floats for a float32 weight) or ``uint8`` /
``uint16`` with ``scale`` and ``min`` (value = q * scale + min). Every declared size is
checked against the bytes present, so a truncated or padded shard is named, not misread.

>>> import numpy as np
>>> decode_entry({"name": "w", "shape": [2], "dtype": "float32",
...               "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0}},
...              bytes([0, 4]), "x.bin").tolist()
[-1.0, 1.0]
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ...errors import FormatError

# stored element types, little-endian, as TF.js writes them
STORED = {"float32": "<f4", "int32": "<i4", "bool": "u1", "float16": "<f2", "uint8": "u1", "uint16": "<u2"}
USED = {"float32": np.float32, "int32": np.int32, "bool": np.bool_}


def entry_nbytes(entry, where):
    """Bytes one manifest entry occupies in its shard stream."""
    stored = _stored_dtype(entry, where)
    return _count(entry, where) * np.dtype(STORED[stored]).itemsize


def decode_entry(entry, raw, where):
    """One manifest entry's bytes as an array of its declared shape and dtype."""
    stored = _stored_dtype(entry, where)
    values = np.frombuffer(raw, dtype=STORED[stored], count=_count(entry, where))
    dtype = entry["dtype"]
    quant = entry.get("quantization")
    if quant and quant.get("dtype") in ("uint8", "uint16"):
        try:
            scale, low = float(quant["scale"]), float(quant["min"])
        except (KeyError, TypeError, ValueError):
            raise FormatError(f"{where}: weight {entry['name']!r} is {quant['dtype']}-quantized "
                              f"but lacks a numeric scale and min") from None
        values = values.astype(np.float64) * scale + low
        if dtype == "int32":
            values = np.round(values)
    return values.astype(USED[dtype]).reshape(entry["shape"])


def read_weights(manifest, folder, where="model.json"):
    """{weight name: array} for every entry of every group; shards are read from ``folder``."""
    if not isinstance(manifest, list):
        raise FormatError(f"{where}: weightsManifest should be a list of groups, got {type(manifest).__name__}")
    weights = {}
    for number, group in enumerate(manifest):
        try:
            paths, entries = list(group["paths"]), list(group["weights"])
        except (KeyError, TypeError):
            raise FormatError(f"{where}: weight group #{number} lacks 'paths' or 'weights'") from None
        stream, shard_names = _read_shards(Path(folder), paths, where)
        offset = 0
        for entry in entries:
            size = entry_nbytes(entry, where)
            if offset + size > len(stream):
                raise FormatError(f"{shard_names}: weight {entry.get('name')!r} needs bytes {offset}..{offset + size} "
                                  f"but the shards hold {len(stream)}; the file is truncated or not this model's")
            weights[entry["name"]] = decode_entry(entry, stream[offset:offset + size], shard_names)
            offset += size
        if offset != len(stream):
            raise FormatError(f"{shard_names}: the manifest declares {offset} bytes but the shards hold "
                              f"{len(stream)}; they are not this model's weights")
    return weights


def _read_shards(folder, paths, where):
    chunks = []
    for name in paths:
        path = folder / name
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise FormatError(f"{where}: shard path {name!r} leaves the model's folder")
        try:
            chunks.append(path.read_bytes())
        except OSError as error:
            raise FormatError(f"{where}: cannot read weight shard {path} ({error.strerror or error})") from None
    return memoryview(b"".join(chunks)), " + ".join(str(folder / n) for n in paths)


def _stored_dtype(entry, where):
    try:
        name, dtype, shape = entry["name"], entry["dtype"], entry["shape"]
    except (KeyError, TypeError):
        raise FormatError(f"{where}: a weight entry lacks name, dtype or shape: {entry!r}") from None
    if dtype not in USED:
        raise FormatError(f"{where}: weight {name!r} has dtype {dtype!r}; supported: {', '.join(USED)}")
    quant = entry.get("quantization")
    if not quant:
        return dtype
    stored = quant.get("dtype") if isinstance(quant, dict) else None
    if stored == "float16" and dtype == "float32":
        return stored
    if stored in ("uint8", "uint16") and dtype in ("float32", "int32"):
        return stored
    raise FormatError(f"{where}: weight {name!r} ({dtype}) has unsupported quantization {quant!r}; "
                      f"supported: float16 for float32, uint8/uint16 with scale and min")


def _count(entry, where):
    shape = entry["shape"]
    if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
        raise FormatError(f"{where}: weight {entry['name']!r} has a malformed shape {shape!r}")
    return math.prod(shape)
