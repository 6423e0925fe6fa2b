"""Work is never lost: a few seconds after each edit the Build view's document goes to an
autosave file beside the settings (atomically); saving, or leaving knowingly, removes it.
A file still there at the next start is what a crash left behind: the view offers it back.

The file is the clipboard's layer fragment (positions, attributes, edges) with the title
and path, so a half-built network that is not yet valid MXNet JSON comes back too.
"""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from core.fileio import atomic_write_text

from .clipboard import fragment

log = logging.getLogger(__name__)
DELAY_MS = 3000


def autosave_path(settings) -> Path | None:
    """Beside the settings file; None without settings (nothing is written)."""
    if settings is None or not settings.fileName():
        return None
    return Path(settings.fileName()).resolve().parent / "build-autosave.json"


class Autosave(QObject):
    sigSaved = Signal(str)

    def __init__(self, view, path: Path | None, delay_ms: int = DELAY_MS):
        super().__init__(view)
        self.view, self.path = view, path
        self.timer = QTimer(self, singleShot=True, interval=delay_ms)
        self.timer.timeout.connect(self.save_now)

    def left_behind(self) -> dict | None:
        """What a crashed session left: {"title", "path", "saved_at", "layers"}, or None."""
        if self.path is None or not self.path.is_file():
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            log.warning("ignoring an unreadable autosave %s: %s", self.path, error)
            return None
        if not isinstance(data, dict) or not isinstance(data.get("layers"), dict) \
                or not data["layers"].get("nodes"):
            return None
        return data

    def edited(self) -> None:
        """After each edit: save soon, or forget the autosave once the document is saved."""
        if self.path is None:
            return
        if self.view.undo_stack.isClean() or self.view.doc.is_empty():
            self.timer.stop()
            self.discard()
        else:
            self.timer.start()

    def save_now(self) -> None:
        if self.path is None or self.view.doc.is_empty():
            return
        doc = self.view.doc
        data = {"title": self.view.document_title, "path": self.view.path, "saved_at": time.time(),
                "layers": fragment(doc, list(doc.nodes))}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps(data))
        except OSError as error:
            log.warning("autosave to %s failed: %s", self.path, error)
            return
        self.sigSaved.emit(str(self.path))

    def discard(self) -> None:
        self.timer.stop()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


class RestoreBar(QFrame):
    """"Unsaved work from your last session: LeNet (11 layers, 12:03). Restore · Discard"."""
    sigRestore = Signal(dict)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("RestoreBar")
        self.setStyleSheet("#RestoreBar { background: #eff6ff; border: 1px solid #bfdbfe; border-radius: 8px; }")
        self.data = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 5, 6, 5)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.restore_button = QPushButton("Restore", self)
        self.restore_button.setProperty("primary", True)
        self.discard_button = QPushButton("Discard", self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.restore_button)
        layout.addWidget(self.discard_button)
        self.restore_button.clicked.connect(lambda: self.data and self.sigRestore.emit(self.data))
        self.discard_button.clicked.connect(self.withdraw)
        self.hide()

    def offer(self, data: dict) -> None:
        self.data = data
        layers = sum(1 for n in data["layers"]["nodes"] if n.get("op") != "null")
        when = time.strftime("%H:%M", time.localtime(float(data.get("saved_at") or 0)))
        self.label.setText(f"Unsaved work from your last session: {data.get('title') or 'a network'} "
                           f"({layers} layer{'' if layers == 1 else 's'}, autosaved at {when}).")
        self.show()

    def withdraw(self) -> None:
        self.data = None
        self.hide()
