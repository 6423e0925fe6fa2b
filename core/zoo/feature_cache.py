"""Features of image files, kept on disk between runs so fine-tuning a new head does not
push every picture through the frozen base again.

One ``.npy`` per picture under ``<cache>/features/<model fingerprint>/<layer>/``, named by
a hash of the file's absolute path, modification time and size: an edited or replaced
picture misses the cache. Files are written atomically and read with
``allow_pickle=False``.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np

from ..fileio import atomic_open


def _safe(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(text))[:80] or "_"


def model_fingerprint(name, symbol, arg_params, preprocess=None, input_size=None):
    """A short stable id for (network, weights, preprocessing): the features depend on all."""
    digest = hashlib.sha1()
    digest.update(str(name).encode())
    digest.update(symbol.tojson().encode())
    digest.update(json.dumps(preprocess.to_dict() if hasattr(preprocess, "to_dict") else preprocess,
                             sort_keys=True, default=str).encode())
    digest.update(str(tuple(input_size or ())).encode())
    for key in sorted(arg_params):
        value = arg_params[key]
        sample = value.asnumpy() if hasattr(value, "asnumpy") else np.asarray(value)
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(sample.reshape(-1)[:64], dtype=np.float32).tobytes())
    return f"{_safe(name)}-{digest.hexdigest()[:16]}"


class FeatureCache:
    def __init__(self, model_key, layer, root=None):
        from .store import cache_dir
        self.folder = Path(root or cache_dir() / "features") / _safe(model_key) / _safe(layer)
        self.hits = 0
        self.misses = 0

    def _file(self, path):
        path = Path(path).resolve()
        stat = os.stat(path)
        key = hashlib.sha1(f"{path}|{stat.st_mtime_ns}|{stat.st_size}".encode()).hexdigest()
        return self.folder / f"{key}.npy"

    def get(self, path):
        """The cached feature array of the picture at ``path``, or None."""
        try:
            target = self._file(path)
            array = np.load(target, allow_pickle=False)
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return array

    def put(self, path, features):
        try:
            target = self._file(path)
        except OSError:
            return  # the picture vanished meanwhile; nothing to key the features by
        with atomic_open(target, "wb") as handle:
            np.save(handle, np.ascontiguousarray(features, dtype=np.float32), allow_pickle=False)

    def clear(self):
        import shutil
        shutil.rmtree(self.folder, ignore_errors=True)
