"""The app's persistent settings (QSettings) and the recent-files list.

Lists are stored as JSON strings: QSettings' INI backend turns a one-element list into a
plain string on the way back, which would silently change types between runs.
Tests pass their own ``QSettings(path, IniFormat)`` so nothing touches the user's settings.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = "NetStudio"
APPLICATION = "Net Studio"
MAX_RECENT = 10


def open_settings(path: str | os.PathLike | None = None) -> QSettings:
    """Settings at ``path`` (or $NETSTUDIO_SETTINGS) as INI, else the platform's usual place."""
    path = path or os.environ.get("NETSTUDIO_SETTINGS")
    if path:
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


def read_json(settings: QSettings, key: str, default):
    raw = settings.value(key)
    if raw in (None, ""):
        return default
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return default  # an old or hand-edited value: fall back rather than fail at start


def write_json(settings: QSettings, key: str, value) -> None:
    settings.setValue(key, json.dumps(value))


class RecentFiles:
    """Most recent first, without duplicates, at most MAX_RECENT entries."""

    KEY = "recent/files"

    def __init__(self, settings: QSettings):
        self._settings = settings

    def paths(self) -> list[str]:
        value = read_json(self._settings, self.KEY, [])
        return [str(p) for p in value if isinstance(p, str)]

    def add(self, path: str | os.PathLike) -> None:
        path = str(Path(path).resolve())
        paths = [path] + [p for p in self.paths() if p != path]
        write_json(self._settings, self.KEY, paths[:MAX_RECENT])

    def clear(self) -> None:
        write_json(self._settings, self.KEY, [])
