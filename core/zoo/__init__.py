"""The model zoo: builtin networks, the registry of pretrained models, downloads, the
offline EfficientNet-Lite0 classifier, prediction, features and fine-tuning.

>>> from core.zoo import ImageClassifier, list_models
>>> "efficientnet-lite0" in [m.name for m in list_models()]
True

Names load on first use, so ``import core.zoo.builtin`` (``mx.mlp``) stays light.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "ImageClassifier": "classifier", "Prediction": "classifier", "ImageDetector": "detector",
    "ModelInfo": "pretrained", "list_models": "pretrained", "installed_models": "pretrained",
    "download_model": "pretrained", "remove_model": "pretrained", "load_model": "pretrained",
    "model_info": "pretrained", "load_checkpoint": "pretrained",
    "get_feature_symbol": "features", "layer_names": "features", "default_feature_layer": "features",
    "extract_features": "transfer", "finetune": "transfer", "image_folder": "transfer", "FeatureCache": "feature_cache",
    "get_symbol": "builtin", "list_networks": "builtin",
    "cache_dir": "store", "write_meta": "meta", "read_meta": "meta",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'core.zoo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
