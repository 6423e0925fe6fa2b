"""Which classifier to use, as plain data that can cross threads and live in QSettings.

A ``ModelSpec`` names a zoo model, a user's trained checkpoint (``prefix-symbol.json`` +
``prefix-NNNN.params``) or an ONNX classifier file (``prefix`` is its path, ``classes`` an
optional class-list file). The engine is imported only when a
model is actually loaded, on a worker thread.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from .settings import read_json, write_json

DEFAULT_ZOO_MODEL = "efficientnet-lite0"
TRAINED_KEY = "models/trained"


@dataclass(frozen=True)
class ModelSpec:
    kind: str            # "zoo", "checkpoint" or "onnx"
    name: str            # zoo name, or the name shown for a checkpoint
    prefix: str = ""     # checkpoint prefix (path without -symbol.json); the .onnx path
    epoch: int = 0
    classes: str = ""    # an ONNX model's class-list file ("" : its -meta.json, or numbers)

    @classmethod
    def zoo(cls, name: str) -> "ModelSpec":
        return cls("zoo", name)

    @classmethod
    def checkpoint(cls, name: str, prefix: str, epoch: int) -> "ModelSpec":
        return cls("checkpoint", name, str(prefix), int(epoch))

    @classmethod
    def onnx(cls, path, classes="") -> "ModelSpec":
        return cls("onnx", Path(path).stem, str(path), 0, str(classes or ""))

    @property
    def title(self) -> str:
        if self.kind == "onnx":
            return f"{self.name} (ONNX)"
        return self.name if self.kind == "zoo" else f"{self.name} (epoch {self.epoch})"

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text) -> "ModelSpec | None":
        try:
            data = json.loads(text)
            return cls(str(data["kind"]), str(data["name"]), str(data.get("prefix", "")),
                       int(data.get("epoch", 0)), str(data.get("classes", "")))
        except (TypeError, ValueError, KeyError):
            return None


DEFAULT_MODEL = ModelSpec.zoo(DEFAULT_ZOO_MODEL)


def load_classifier(spec: ModelSpec, ctx):
    """Build the engine's ImageClassifier for ``spec``. Slow: call it on a worker thread."""
    from core.zoo import ImageClassifier
    if spec.kind == "checkpoint":
        return ImageClassifier.from_checkpoint(spec.prefix, spec.epoch, ctx=ctx)
    if spec.kind == "onnx":
        from core.zoo.meta import read_class_file
        labels = read_class_file(spec.classes) if spec.classes else None
        return ImageClassifier.from_onnx(spec.prefix, ctx=ctx, labels=labels)
    return ImageClassifier.from_zoo(spec.name, ctx=ctx)


def checkpoint_from_symbol_file(symbol_file: str | Path) -> ModelSpec | None:
    """``run/lenet-symbol.json`` -> the newest ``run/lenet-NNNN.params`` as a spec, or None."""
    symbol_file = Path(symbol_file)
    if not symbol_file.name.endswith("-symbol.json"):
        return None
    prefix = symbol_file.with_name(symbol_file.name[: -len("-symbol.json")])
    epochs = []
    for params in prefix.parent.glob(f"{prefix.name}-*.params"):
        tail = params.stem[len(prefix.name) + 1:]
        if tail.isdigit():
            epochs.append(int(tail))
    if not epochs:
        return None
    return ModelSpec.checkpoint(prefix.name, str(prefix), max(epochs))


def trained_models(settings: QSettings) -> list[ModelSpec]:
    specs = [ModelSpec.from_json(json.dumps(item)) for item in read_json(settings, TRAINED_KEY, [])]
    return [s for s in specs if s is not None and s.kind in ("checkpoint", "onnx")]


def remember_trained_model(settings: QSettings, spec: ModelSpec) -> None:
    kept = [s for s in trained_models(settings) if (s.prefix, s.epoch) != (spec.prefix, spec.epoch)]
    write_json(settings, TRAINED_KEY, [asdict(s) for s in [spec] + kept][:20])


def forget_trained_model(settings: QSettings, spec: ModelSpec) -> None:
    kept = [s for s in trained_models(settings) if s != spec]
    write_json(settings, TRAINED_KEY, [asdict(s) for s in kept])
