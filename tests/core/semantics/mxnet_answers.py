"""What MXNet 1.9.1 answered (tests/fixtures/mxnet_semantics, written by its make script)."""
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


def inputs(seed, *shapes):
    """The same inputs as the make script's ``inputs``."""
    rng = np.random.RandomState(seed)
    return [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
