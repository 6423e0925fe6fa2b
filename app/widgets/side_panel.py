"""A side panel that collapses and expands: a checkable action with a keyboard shortcut,
shown as a tool button, whose state is remembered in the settings. When the panel hides,
its splitter gives the room to the main area (the canvas, the charts).

The shortcut acts in the window while the panel's view is the one shown (a hidden view's
action does not compete for the same keys).
"""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolButton, QWidget


class SidePanelToggle(QAction):
    def __init__(self, view: QWidget, panel: QWidget, text: str, shortcut: str, settings: QSettings | None,
                 key: str, side: str = "left"):
        super().__init__(text, view)
        self.panel, self.settings, self.key, self.name, self.side = panel, settings, key, text, side
        self.setCheckable(True)
        self.setShortcut(QKeySequence(shortcut))
        self.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        name = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        self.setToolTip(f"Show or hide the {text.lower()} ({name})")
        shown = _remembered(settings, key)
        self.setChecked(shown)
        if not shown:
            panel.hide()
        self._say(shown)
        self.toggled.connect(self._toggled)
        view.addAction(self)
        self.button = QToolButton(view)
        self.button.setDefaultAction(self)
        self.button.setStyleSheet("QToolButton { padding: 3px 8px; }")
        self.button.setAccessibleName(f"Show {text.lower()}")

    def _say(self, shown: bool) -> None:
        """The arrow points the way a click moves the panel: '◂ Palette' folds it away left."""
        towards_left = shown == (self.side == "left")
        self.setText(f"◂ {self.name}" if towards_left else f"{self.name} ▸")

    def _toggled(self, shown: bool) -> None:
        self._say(shown)
        self.panel.setVisible(shown)
        if self.settings is not None:
            self.settings.setValue(self.key, shown)


def _remembered(settings: QSettings | None, key: str) -> bool:
    if settings is None:
        return True
    value = settings.value(key, True)
    return value if isinstance(value, bool) else str(value).lower() not in ("false", "0", "no")
