"""Read a PyTorch state dict saved in the *zip* format (torch >= 1.6), without torch.

A zip checkpoint holds ``<archive>/data.pkl`` (the object, pickled), one entry
``<archive>/data/<key>`` of raw bytes per storage, and ``<archive>/byteorder``. The pickle
goes through the same allow-listing unpickler as the legacy format (torch_legacy): only
tensors and OrderedDicts may be named, and a storage is a persistent id
``("storage", torch.FloatStorage, key, location, element count)``. Every storage's
declared size is checked against the bytes its entry holds before anything is read, and
must be stored uncompressed (as torch writes it), so it can be no bigger than the file.

>>> from core.zoo.torch_zip import load_zip_state_dict
>>> weights = load_zip_state_dict("resnet18-f37072fd.pth")    # doctest: +SKIP
>>> weights["fc.weight"].shape                                # doctest: +SKIP
(1000, 512)
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np

from ..errors import FormatError
from .torch_legacy import _AllowListUnpickler, _is_count, _StorageType, _StorageView, _tensors, open_weights_file

MAX_PICKLE_BYTES = 64 << 20     # the object pickle of a state dict is kilobytes


class _ZipUnpickler(_AllowListUnpickler):
    """The allow-listed unpickler with the zip format's five-field storage ids."""

    def persistent_load(self, saved_id):
        if not (isinstance(saved_id, tuple) and len(saved_id) == 5 and saved_id[0] == "storage"):
            raise FormatError(f"{self.source}: unsupported persistent id {saved_id!r:.80}")
        _, storage_type, key, _location, numel = saved_id
        if not (isinstance(storage_type, _StorageType) and isinstance(key, str) and _is_count(numel)):
            raise FormatError(f"{self.source}: malformed storage record for key {key!r:.40}")
        known = self.storages.setdefault(key, (storage_type, numel))
        if known != (storage_type, numel):
            raise FormatError(f"{self.source}: storage {key!r} declared twice differently")
        return _StorageView(key, 0, numel)


def is_zip_checkpoint(path):
    with open_weights_file(path) as handle:
        return handle.read(4) == b"PK\x03\x04"


def load_zip_state_dict(path):
    """Read a zip-format PyTorch state dict into ``{name: np.ndarray}`` in file order
    (float tensors as float32, integer counters keep their type)."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise FormatError(f"{path}: not a readable zip-format PyTorch file ({error})") from None
    with archive:
        entries = {info.filename: info for info in archive.infolist()}
        root = _archive_root(path, entries)
        byte_order = _byte_order(path, archive, entries, root)
        unpickler = _ZipUnpickler(io.BytesIO(_read(path, archive, entries[root + "data.pkl"])), path)
        try:
            state = unpickler.load()
        except FormatError:
            raise
        except Exception as error:       # pickle raises many types on corrupt input
            raise FormatError(f"{path}: cannot read data.pkl ({type(error).__name__}: {error})") from error
        if not isinstance(state, dict):
            raise FormatError(f"{path}: expected a state dict, found {type(state).__name__}")
        storages = {key: _storage(path, archive, entries, root, key, kind, numel, byte_order)
                    for key, (kind, numel) in unpickler.storages.items()}
    return _tensors(path, state, storages)


def _archive_root(path, entries):
    """``<archive>/``: the folder holding data.pkl (torch names it after the file)."""
    roots = [name[:-len("data.pkl")] for name in entries
             if name.endswith("data.pkl") and name.count("/") == 1]
    if len(roots) != 1:
        raise FormatError(f"{path}: a zip file, but not a PyTorch checkpoint (no single "
                          f"<archive>/data.pkl; found {sorted(entries)[:5]})")
    return roots[0]


def _byte_order(path, archive, entries, root):
    info = entries.get(root + "byteorder")
    if info is None:
        return "<"                       # files from before torch 1.10 were always little-endian
    order = _read(path, archive, info, limit=16).decode("ascii", "replace").strip()
    if order not in ("little", "big"):
        raise FormatError(f"{path}: byteorder says {order!r}, expected 'little' or 'big'")
    return "<" if order == "little" else ">"


def _read(path, archive, info, limit=MAX_PICKLE_BYTES):
    if info.file_size > limit:
        raise FormatError(f"{path}: {info.filename} declares {info.file_size:,} bytes, "
                          f"more than the {limit:,} allowed")
    try:
        return archive.read(info)
    except (OSError, zipfile.BadZipFile, EOFError, ValueError) as error:
        raise FormatError(f"{path}: cannot read {info.filename} ({error})") from None


def _storage(path, archive, entries, root, key, kind, numel, byte_order):
    """The storage's elements; its entry must hold exactly ``numel`` elements."""
    info = entries.get(f"{root}data/{key}")
    if info is None:
        raise FormatError(f"{path}: no data for storage {key!r} (file truncated or corrupt)")
    expected = numel * kind.dtype.itemsize
    if info.compress_type != zipfile.ZIP_STORED:
        # torch stores storages uncompressed; a compressed one could inflate without bound
        raise FormatError(f"{path}: storage {key!r} is compressed; PyTorch files store them as is")
    if info.file_size != expected:
        raise FormatError(f"{path}: storage {key!r} holds {info.file_size:,} bytes, expected "
                          f"{expected:,} ({numel:,} elements of {kind.name})")
    data = _read(path, archive, info, limit=expected)
    if len(data) != expected:
        raise FormatError(f"{path}: storage {key!r} is truncated")
    return np.frombuffer(data, dtype=kind.dtype.newbyteorder(byte_order))
