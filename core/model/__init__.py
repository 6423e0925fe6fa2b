"""``mx.model``: checkpoints (``save_checkpoint``/``load_checkpoint``) and the legacy
``FeedForward`` trainer of MXNet 1.x.
"""
from ..events import BatchEndParam  # noqa: F401  (MXNet exposes it here)
from .checkpoint import list_epochs, load_checkpoint, load_params, save_checkpoint  # noqa: F401


def __getattr__(name):
    if name == "FeedForward":
        from .feedforward import FeedForward
        return FeedForward
    raise AttributeError(f"module 'core.model' has no attribute {name!r}")
