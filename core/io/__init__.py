"""``mx.io``: data iterators (arrays, IDX/MNIST files, CSV, image folders) and datasets:
``open_dataset(path)`` reads any format of the registry in ``core.io.formats``
(``register_format`` adds one) as a ``DataSource`` with ``make_iter``.

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
        "PictureIter": "core.io.picture_iter", "open_dataset": "core.io.formats",
        "register_format": "core.io.formats",
        "idx": "core.io.idx", "datasets": "core.io.datasets", "dataset": "core.io.dataset",
        "formats": "core.io.formats",
    }
    modules = ("idx", "datasets", "dataset", "formats")
    if name in lazy:
        module = importlib.import_module(lazy[name])
        value = module if name in modules else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'core.io' has no attribute {name!r}")
