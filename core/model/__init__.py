"""``mx.model``: checkpoints (``save_checkpoint``/``load_checkpoint``) and the legacy
``FeedForward`` trainer of MXNet 1.x.
"""
from ..events import BatchEndParam  # noqa: F401  (MXNet exposes it here)
from .checkpoint import list_epochs, load_checkpoint, load_params, save_checkpoint  # noqa: F401


def __getattr__(name):
    if name == "FeedForward":
        from .feedforward import FeedForward
        return FeedForward
    if name in ("extract_features", "finetune"):
        from ..zoo import transfer
        return getattr(transfer, name)
    if name == "get_feature_symbol":
        from ..zoo.features import get_feature_symbol
        return get_feature_symbol
    raise AttributeError(f"module 'core.model' has no attribute {name!r}")
