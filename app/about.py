"""Version, build date and devices, for Help > About and the self-test's first lines."""
from __future__ import annotations

import platform
from datetime import datetime, timezone
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout

from .resources import icon


def app_version() -> str:
    try:
        from importlib.metadata import version
        return version("netstudio")
    except Exception:  # noqa: BLE001 - not installed: a source checkout
        import core
        return core.__version__


def build_date() -> str:
    """Packaged builds carry app/_build_info.py (written by packaging/); a checkout does not."""
    try:
        from ._build_info import BUILD_DATE  # type: ignore[import-not-found]
        return str(BUILD_DATE)
    except ImportError:
        stamp = datetime.fromtimestamp(Path(__file__).stat().st_mtime, tz=timezone.utc)
        return f"development build (source checkout of {stamp:%Y-%m-%d})"


def about_lines() -> list[tuple[str, str]]:
    from core import runtime
    return [("Version", app_version()), ("Built", build_date()), *runtime.describe().lines(),
            ("Python", platform.python_version()), ("Qt", f"PySide6 {pyside_version}"),
            ("Models", model_licences())]


def model_licences() -> str:
    try:
        from core.zoo.catalog import licence_notices
        return "; ".join(licence_notices())
    except Exception:  # noqa: BLE001 - a missing registry must not stop About opening
        return "unknown (the model registry cannot be read)"


class AboutDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("About Net Studio")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 16)
        layout.setSpacing(14)
        top = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(icon("netstudio").pixmap(64, 64))
        name = QLabel("<b style='font-size:16pt'>Net Studio</b><br>"
                      "Build, train and run image classifiers.")
        top.addWidget(logo)
        top.addSpacing(8)
        top.addWidget(name, 1)
        layout.addLayout(top)
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        for key, value in about_lines():
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{key}:", text)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
