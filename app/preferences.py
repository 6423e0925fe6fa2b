"""Edit > Preferences: the device, and housekeeping for recent files and trained models."""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QPushButton,
                               QVBoxLayout)

from .settings import RecentFiles, write_json
from .model_spec import TRAINED_KEY, trained_models
from .widgets.device_selector import DeviceSelector


class PreferencesDialog(QDialog):
    def __init__(self, settings: QSettings, device_key: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._settings = settings
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(14)
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        self.device = DeviceSelector(self)
        self.device.set_current_key(device_key)
        form.addRow("Run models on:", self.device)
        self.clear_recent = QPushButton("Clear recent files")
        self.clear_recent.clicked.connect(self._clear_recent)
        self.clear_recent.setEnabled(bool(RecentFiles(settings).paths()))
        form.addRow("Recent files:", self.clear_recent)
        count = len(trained_models(settings))
        self.forget_trained = QPushButton(f"Forget {count} trained model{'s' if count != 1 else ''}"
                                          if count else "No trained models yet")
        self.forget_trained.setToolTip("Removes them from the model list; the files stay on disk.")
        self.forget_trained.clicked.connect(self._forget_trained)
        self.forget_trained.setEnabled(count > 0)
        form.addRow("Model list:", self.forget_trained)
        where = QLabel(settings.fileName())
        where.setObjectName("ViewSubtitle")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Settings file:", where)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def device_key(self) -> str:
        return self.device.current_key()

    def _clear_recent(self) -> None:
        RecentFiles(self._settings).clear()
        self.clear_recent.setEnabled(False)

    def _forget_trained(self) -> None:
        write_json(self._settings, TRAINED_KEY, [])
        self.forget_trained.setText("Forgotten")
        self.forget_trained.setEnabled(False)
