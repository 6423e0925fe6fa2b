"""Where the app's styles, icons and sample images live, in a source tree and in a bundle.

>>> from app.resources import resource_path
>>> resource_path("style.qss").name
'style.qss'
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from core import resources as core_resources

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


def resources_dir() -> Path:
    """The engine's locator: $NETSTUDIO_RESOURCES, a PyInstaller bundle, or the source tree."""
    return Path(core_resources.resources_dir())


def resource_path(*parts: str) -> Path:
    """The first resources folder holding ``parts`` (an override folder may hold only the
    zoo registry; the app's styles and icons then still come from the bundle or tree)."""
    return Path(core_resources.find_resource(*parts))


def sample_images() -> list[Path]:
    folder = resource_path("samples")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def load_stylesheet() -> str:
    """The QSS with icon URLs made absolute (Qt resolves url() against the working folder)."""
    path = resource_path("style.qss")
    if not path.is_file():
        return ""
    icons = resource_path("icons").as_posix()
    return path.read_text(encoding="utf-8").replace("@ICONS@", icons)


@lru_cache(maxsize=None)
def icon(name: str, color: str | None = None) -> QIcon:
    """An SVG icon from resources/icons; ``color`` replaces the SVG's ``currentColor``."""
    path = resource_path("icons", f"{name}.svg")
    if not path.is_file():
        return QIcon()
    if color is None:
        return QIcon(str(path))
    svg = path.read_text(encoding="utf-8").replace("currentColor", color)
    return QIcon(_render_svg(svg.encode("utf-8"), 64))


def _render_svg(data: bytes, size: int) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(data))
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter)
    painter.end()
    return pixmap
