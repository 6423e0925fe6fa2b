"""What MXNet 1.9.1 answered (tests/fixtures/mxnet_semantics, written by its make script)."""
import importlib.util
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parents[2] / "fixtures" / "mxnet_semantics"


@lru_cache(maxsize=None)
def facts():
    return json.loads((HERE / "semantics.json").read_text())


@lru_cache(maxsize=None)
def _arrays():
    with np.load(HERE / "semantics.npz") as data:
        return {k: data[k] for k in data.files}


def array(key):
    return _arrays()[key]


def _shared_cases():
    """tests/fixtures/mxnet_semantics/shared_cases.py: the cases the make script ran with MXNet."""
    spec = importlib.util.spec_from_file_location("mxnet_semantics_cases", HERE / "shared_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cases = _shared_cases()
