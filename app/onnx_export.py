""""Export to ONNX" for the Zoo and Train views: ask where, then write the classifier
(``ImageClassifier.export_onnx``: the .onnx file and its -meta.json labels) on a worker
thread, so a large network never freezes the window."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from .model_spec import ModelSpec, load_classifier
from .workers import Worker

ONNX_FILTER = "ONNX model (*.onnx)"


def ask_onnx_path(parent, name: str) -> str:
    """The file to write, chosen by the user ('' when cancelled); always ends in .onnx."""
    path, _ = QFileDialog.getSaveFileName(parent, "Export to ONNX", str(Path.home() / f"{name}.onnx"),
                                          ONNX_FILTER)
    if path and not path.lower().endswith(".onnx"):
        path += ".onnx"
    return path


class OnnxExportWorker(Worker):
    """Loads the classifier ``spec`` names and writes it to ``path``; sigResult: the path."""

    def __init__(self, spec: ModelSpec, path: str):
        super().__init__()
        self.spec, self.path = spec, path

    def work(self) -> None:
        import core as mx
        classifier = load_classifier(self.spec, mx.cpu())
        self.sigResult.emit(str(classifier.export_onnx(self.path)))
