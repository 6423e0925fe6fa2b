"""Which network a job runs, named so that every Ray actor can load it once for itself:
a zoo model by name or a checkpoint prefix (on a cluster, a path every node can read)."""
from __future__ import annotations

from dataclasses import dataclass

KINDS = ("classify", "detect", "features")


@dataclass(frozen=True)
class ModelSpec:
    kind: str                     # "classify", "detect" or "features"
    model: str | None = None      # zoo name
    checkpoint: str | None = None  # checkpoint prefix (classify, features)
    epoch: int = 0
    top_layer: str | None = None  # features: the layer cut at (default: the one feeding the classifier)

    def load(self):
        """The core engine's ImageClassifier or ImageDetector, on the CPU."""
        if self.kind == "detect":
            from ..zoo.detector import ImageDetector
            from ..zoo.pretrained import resolve_name
            return ImageDetector.from_zoo(resolve_name(self.model or "nanodet-coco"), install=False)
        from ..zoo.classifier import ImageClassifier
        if self.checkpoint:
            return ImageClassifier.from_checkpoint(self.checkpoint, self.epoch)
        return ImageClassifier.from_zoo(self.model or "efficientnet-lite0", install=False)
