"""The offline detector: NanoDet-g (COCO) from the TF.js graph vendored in
``resources/detector/nanodet/``, imported once (``core.importers.tfjs``) into an MXNet
checkpoint in the model cache, so it loads, lists and opens in the Build view like any
other zoo model. The vendored files (7.6 MB, float16 weights) are smaller than the
float32 checkpoint (15 MB), so it is they that ship.
"""
from __future__ import annotations

NAME = "nanodet-coco"
PREFIX = "nanodet-coco"
EPOCH = 0
GRAPH = ("detector", "nanodet", "nanodet.json")


def graph_path():
    from ..resources import find_resource
    return find_resource(*GRAPH)


def _build(folder):
    from .. import ndarray as nd
    from ..importers.tfjs import import_tfjs
    from ..model.checkpoint import save_checkpoint
    source = graph_path()
    net = import_tfjs(source)
    save_checkpoint(str(folder / PREFIX), EPOCH, net.symbol,
                    {k: nd.array(v) for k, v in net.arg_params.items()}, {})
    return {"converted_from": str(source), "outputs": net.output_names}


def ensure_converted():
    """Convert into the cache unless already there; returns the install record."""
    from . import store
    record = store.read_marker(NAME)
    if record is not None:
        return record
    return store.install(NAME, _build, {"source": "convert", "prefix": PREFIX, "epoch": EPOCH})
