"""``mx.io``: data iterators (arrays, IDX/MNIST files, CSV, image folders) and datasets.

>>> import core as mx
>>> batch = next(iter(mx.io.NDArrayIter(mx.nd.ones((8, 3)), batch_size=4)))
>>> batch.data[0].shape
(4, 3)
"""
from .base import DataBatch, DataDesc, DataIter, ResizeIter  # noqa: F401
from .ndarray_iter import NDArrayIter  # noqa: F401


def __getattr__(name):
    """The file-backed iterators load on first use (they pull in image decoding etc.)."""
    import importlib
    lazy = {
        "PrefetchingIter": "core.io.prefetch", "MNISTIter": "core.io.idx",
        "CSVIter": "core.io.csv_iter", "ImageFolderIter": "core.io.image_folder",
        "idx": "core.io.idx", "datasets": "core.io.datasets", "dataset": "core.io.dataset",
    }
    if name in lazy:
        module = importlib.import_module(lazy[name])
        value = module if name in ("idx", "datasets", "dataset") else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'core.io' has no attribute {name!r}")
