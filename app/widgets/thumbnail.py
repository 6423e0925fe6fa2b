"""Thumbnails: made as small numpy arrays on a worker, shown as QImages in the GUI.

>>> import numpy as np
>>> thumbnail_array(np.zeros((400, 600, 3), np.uint8), max_side=150).shape
(100, 150, 3)
"""
from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath
from PySide6.QtWidgets import QSizePolicy, QWidget

from .. import theme

from ..resources import icon

PRESHRINK = 4            # thumbnails are resampled from at most 4x their size


def thumbnail_array(pixels: np.ndarray, max_side: int = 320) -> np.ndarray:
    """A downscaled HxWx3 uint8 copy; safe to call from any thread (no Qt objects).
    A big picture is first thinned by whole steps to at most ``PRESHRINK`` times the
    thumbnail, so no full-size copy (grey to RGB, float to uint8) is ever made."""
    array = np.asarray(pixels)
    if array.ndim >= 2:
        step = max(1, max(array.shape[:2]) // (PRESHRINK * max_side))
        array = array[::step, ::step]
    if array.ndim == 2:
        array = np.repeat(array[:, :, None], 3, axis=2)
    if array.ndim == 3 and array.shape[2] == 1:
        array = np.repeat(array, 3, axis=2)
    if array.dtype != np.uint8:
        scale = 255.0 if array.size and float(np.nanmax(array)) <= 1.0 else 1.0
        array = np.clip(np.nan_to_num(array) * scale, 0, 255).astype(np.uint8)
    image = Image.fromarray(np.ascontiguousarray(array[:, :, :3]))
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))


def qimage_from_array(array: np.ndarray) -> QImage:
    """A QImage owning its pixels (the numpy buffer may be freed afterwards)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    height, width = array.shape[:2]
    image = QImage(array.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()


def array_from_qimage(image: QImage) -> np.ndarray:
    """HxWx3 uint8 from any QImage (for images pasted from the clipboard)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    buffer = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=stride * height)
    return buffer.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def paint_image_fit(painter: QPainter, rect: QRectF, image: QImage | None, radius: float = 6.0,
                    error: bool = False) -> None:
    """Draw ``image`` centred in ``rect`` keeping its aspect, on a rounded grey tile."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    clip = QPainterPath()
    clip.addRoundedRect(rect, radius, radius)
    painter.fillPath(clip, QColor(theme.color("hover")))
    if image is not None and not image.isNull():
        size = image.size().scaled(rect.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
        if size.width() >= 4 * image.width():
            # a tiny picture (a 28x28 Fashion-MNIST sample) reads better as crisp pixels
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        target = QRectF(0, 0, size.width(), size.height())
        target.moveCenter(rect.center())
        painter.setClipPath(clip)
        painter.drawImage(target, image)
    else:
        side = min(rect.width(), rect.height()) * 0.4
        glyph = QRectF(0, 0, side, side)
        glyph.moveCenter(rect.center())
        color = theme.color("error" if error else "text_muted")
        icon("broken-image" if error else "classify", color).paint(painter, glyph.toRect())
    painter.restore()


class Thumbnail(QWidget):
    """An image fitted into the widget, or a neutral/error glyph when there is none."""

    def __init__(self, parent=None, minimum: int = 96):
        super().__init__(parent)
        self._image: QImage | None = None
        self._error = False
        self.setMinimumSize(minimum, minimum)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_image(self, image: QImage | None, error: bool = False) -> None:
        self._image, self._error = image, error
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(240, 180)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        paint_image_fit(painter, QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5),
                        self._image, 8.0, self._error)
        painter.end()
