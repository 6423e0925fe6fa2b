"""Pick the classifier: installed zoo models, then the user's own trained checkpoints.

The offline EfficientNet-Lite0 is always offered (it is converted on first use).
"Add trained model…" browses for a ``prefix-symbol.json`` and takes its newest epoch, or
for an ``.onnx`` classifier (and its class list, unless a ``-meta.json`` sidecar has one).
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QMessageBox

from ..model_spec import (DEFAULT_MODEL, DEFAULT_ZOO_MODEL, ModelSpec, checkpoint_from_symbol_file,
                          remember_trained_model, trained_models)

log = logging.getLogger(__name__)
SPEC_ROLE = Qt.ItemDataRole.UserRole + 1
ADD_TRAINED = "add-trained"


def installed_zoo_classifiers() -> list[tuple[str, str]]:
    """(name, dataset) of installed zoo classifiers; the offline default comes first."""
    found = [(DEFAULT_ZOO_MODEL, "ImageNet")]
    try:
        from core.zoo import list_models
        for info in list_models():
            task = str(getattr(info, "task", "")).lower()
            if info.name == DEFAULT_ZOO_MODEL:
                found[0] = (info.name, str(info.dataset))
            elif (info.installed or info.source == "convert") and ("classif" in task or "detect" in task or not task):
                found.append((info.name, str(info.dataset)))
    except Exception:  # noqa: BLE001 - the registry missing must not stop the app opening
        log.warning("could not list zoo models", exc_info=True)
    return found


class ModelSelector(QComboBox):
    sigModelChosen = Signal(object)   # ModelSpec

    def __init__(self, settings: QSettings, parent=None):
        super().__init__(parent)
        self._settings = settings
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMinimumContentsLength(22)
        self.setToolTip("The model that classifies dropped images")
        self.refresh(DEFAULT_MODEL)
        self.activated.connect(self._on_activated)

    def refresh(self, select: ModelSpec | None = None) -> None:
        select = select or self.current_spec()
        self.blockSignals(True)
        self.clear()
        for name, dataset in installed_zoo_classifiers():
            self.addItem(f"{name} · {dataset}")
            self.setItemData(self.count() - 1, ModelSpec.zoo(name), SPEC_ROLE)
        trained = trained_models(self._settings)
        if select and select.kind in ("checkpoint", "onnx") and select not in trained:
            trained.insert(0, select)
        if trained:
            self.insertSeparator(self.count())
            for spec in trained:
                self.addItem(f"{spec.name} · " + ("ONNX" if spec.kind == "onnx" else f"epoch {spec.epoch}"))
                self.setItemData(self.count() - 1, spec, SPEC_ROLE)
                self.setItemData(self.count() - 1, spec.prefix, Qt.ItemDataRole.ToolTipRole)
        self.insertSeparator(self.count())
        self.addItem("Add trained model…")
        self.setItemData(self.count() - 1, ADD_TRAINED, SPEC_ROLE)
        self.blockSignals(False)
        self.select(select or DEFAULT_MODEL)

    def current_spec(self) -> ModelSpec | None:
        data = self.currentData(SPEC_ROLE) if self.count() else None
        return data if isinstance(data, ModelSpec) else None

    def select(self, spec: ModelSpec) -> None:
        for row in range(self.count()):
            if self.itemData(row, SPEC_ROLE) == spec:
                self.setCurrentIndex(row)
                self._last = row
                return
        self.setCurrentIndex(0)
        self._last = 0

    def add_trained(self, spec: ModelSpec) -> None:
        remember_trained_model(self._settings, spec)
        self.refresh(spec)

    def _on_activated(self, row: int) -> None:
        data = self.itemData(row, SPEC_ROLE)
        if data == ADD_TRAINED:
            self.setCurrentIndex(self._last)   # keep showing the model in use while browsing
            spec = self._browse_checkpoint()
            if spec is None:
                return
            self.add_trained(spec)
            data = spec
        self._last = self.currentIndex()
        if isinstance(data, ModelSpec):
            self.sigModelChosen.emit(data)

    def _browse_checkpoint(self) -> ModelSpec | None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Add a trained model", "",
            "Models (*-symbol.json *.onnx);;MXNet symbol (*-symbol.json);;ONNX model (*.onnx);;All files (*)")
        if not path:
            return None
        if path.lower().endswith(".onnx"):
            return self._onnx_spec(path)
        spec = checkpoint_from_symbol_file(path)
        if spec is None:
            QMessageBox.warning(self, "Not a checkpoint",
                                f"{path}\n\nExpected a file named PREFIX-symbol.json with at least "
                                "one PREFIX-NNNN.params next to it.")
        return spec

    def _onnx_spec(self, path) -> ModelSpec:
        """An ONNX classifier; its class names from a sidecar, else a file the user picks."""
        if Path(path).with_suffix("").with_name(Path(path).stem + "-meta.json").is_file():
            return ModelSpec.onnx(path)
        classes, _ = QFileDialog.getOpenFileName(
            self, f"Class names for {Path(path).name} (one per line; Cancel: numbers)",
            str(Path(path).parent), "Class lists (*.txt *.json);;All files (*)")
        return ModelSpec.onnx(path, classes)
