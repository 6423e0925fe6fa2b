"""Net Studio's engine: an MXNet-style deep-learning library on NumPy (CPU) and CuPy (GPU).

>>> import core as mx
>>> (mx.nd.ones((2, 3)) * 2 + 1).asnumpy().tolist()
[[3.0, 3.0, 3.0], [3.0, 3.0, 3.0]]
"""
__version__ = "0.1.0"

from . import context, errors, random  # noqa: F401
from .context import Context, cpu, current_context, gpu, num_gpus  # noqa: F401
from . import ndarray  # noqa: F401
from . import ndarray as nd  # noqa: F401
from .errors import MXNetError, NetStudioError  # noqa: F401
from . import ops  # noqa: F401


#: ``mx.<name>`` -> the module it loads on first use (the heavier subsystems)
LAZY_MODULES = {
    "sym": "core.symbol", "symbol": "core.symbol", "executor": "core.executor",
    "name": "core.symbol.naming", "attribute": "core.symbol.attribute",
    "io": "core.io", "init": "core.initializer", "initializer": "core.initializer",
    "optimizer": "core.optimizer", "opt": "core.optimizer", "lr_scheduler": "core.lr_scheduler",
    "metric": "core.metric", "callback": "core.callback", "model": "core.model",
    "mod": "core.module", "module": "core.module", "monitor": "core.monitor", "mon": "core.monitor",
    "image": "core.image", "zoo": "core.zoo", "onnx": "core.onnx", "pretrained_model": "core.zoo.pretrained",
    "builtin_symbols": "core.zoo.builtin_symbols",
    "test_utils": "core.testing", "testing": "core.testing", "events": "core.events",
    "viz": "core.visualization", "visualization": "core.visualization",
}


def __getattr__(name):
    """Load the heavier subsystems on first use (``mx.sym``, ``mx.mod``, ``mx.io`` ...)."""
    import importlib
    if name in LAZY_MODULES:
        module = importlib.import_module(LAZY_MODULES[name])
        globals()[name] = module
        return module
    if name == "AttrScope":
        from .symbol.attribute import AttrScope
        return AttrScope
    if name == "mlp":
        from .zoo.builtin import mlp
        return mlp
    raise AttributeError(f"module 'core' has no attribute {name!r}")
