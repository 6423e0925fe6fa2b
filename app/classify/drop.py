"""What a drop, a paste or Open… means: a list of image files, folders expanded.

Files named one by one are all attempted (a text file then shows its own error);
inside a folder only image files are taken, so a README next to the photos is no error.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMimeData

from ..resources import IMAGE_SUFFIXES

MAX_FILES = 20_000


def paths_from_mime(mime: QMimeData) -> list[Path]:
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def is_image_name(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def expand_paths(paths, limit: int = MAX_FILES) -> list[Path]:
    """Files as given, folders walked (sorted, hidden entries skipped), at most ``limit``."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(_images_under(path, limit - len(files)))
        else:
            files.append(path)
        if len(files) >= limit:
            break
    return files[:limit]


def _images_under(folder: Path, limit: int) -> list[Path]:
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(root, name)
            if not name.startswith(".") and is_image_name(path):
                found.append(path)
                if len(found) >= limit:
                    return found
    return found
