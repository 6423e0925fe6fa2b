"""The thumbnail grid: a virtual list model over one dataset split (60,000 rows cost
nothing until they scroll into view), thumbnails made on first paint and kept in an LRU
cache, and a delegate that paints each as a small rounded tile.

Pictures held in memory (IDX, CSV) become thumbnails on the spot (a 28×28 array is a few
microseconds); image files are decoded on ``FolderThumbnailer``'s thread and the tile
fills in when they arrive.
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from ..widgets.thumbnail import paint_image_fit, qimage_from_array

INDEX_ROLE = Qt.ItemDataRole.UserRole + 1     # the example's index in its split
LABEL_ROLE = Qt.ItemDataRole.UserRole + 2     # its class index
IMAGE_ROLE = Qt.ItemDataRole.UserRole + 3     # the thumbnail QImage (None while loading)
CACHE_SIZE = 6000
TILE = 60                                     # tile side in pixels (grid cell adds spacing)


def qimage_from_picture(picture: np.ndarray) -> QImage:
    """A QImage owning a copy of a uint8 HxW (grey) or HxWx3 picture."""
    picture = np.ascontiguousarray(picture, dtype=np.uint8)
    if picture.ndim == 2:
        height, width = picture.shape
        return QImage(picture.data, width, height, width, QImage.Format.Format_Grayscale8).copy()
    return qimage_from_array(picture[:, :, :3])


def pixelated(image: QImage, side: int) -> QImage:
    """Small pictures scaled up with hard pixel edges: crisp, not blurred."""
    if image.width() >= side or image.height() >= side:
        return image
    factor = max(1, side // max(image.width(), image.height()))
    return image.scaled(image.width() * factor, image.height() * factor,
                        Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)


class ThumbnailModel(QAbstractListModel):
    sigNeedPicture = Signal(int)      # a file-backed example wants decoding (its split index)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.split = None
        self.classes: list[str] = []
        self.rows = np.zeros(0, np.int64)     # split indices shown, in order
        self._cache: OrderedDict[int, QImage] = OrderedDict()

    # ---- what is shown ----
    def set_split(self, split, classes) -> None:
        self.beginResetModel()
        self.split, self.classes = split, list(classes)
        self.rows = np.arange(len(split), dtype=np.int64) if split is not None else np.zeros(0, np.int64)
        self._cache.clear()
        self.endResetModel()

    def set_class_filter(self, label: int | None) -> None:
        """Only examples of class ``label`` (None: all)."""
        if self.split is None:
            return
        self.beginResetModel()
        labels = self.split.labels
        self.rows = (np.arange(len(labels), dtype=np.int64) if label is None
                     else np.flatnonzero(labels == label).astype(np.int64))
        self.endResetModel()

    def split_index(self, row: int) -> int:
        return int(self.rows[row])

    def row_of(self, split_index: int) -> int:
        found = np.flatnonzero(self.rows == split_index)
        return int(found[0]) if len(found) else -1

    # ---- Qt model ----
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else int(len(self.rows))

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.split is None:
            return None
        position = int(self.rows[index.row()])
        if role == IMAGE_ROLE:
            return self.thumbnail(position)
        if role == INDEX_ROLE:
            return position
        if role == LABEL_ROLE:
            return int(self.split.labels[position])
        if role == Qt.ItemDataRole.ToolTipRole:
            label = int(self.split.labels[position])
            return f"{self.split.name(position)} · {self.classes[label]}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.classes[int(self.split.labels[position])]
        return None

    # ---- thumbnails ----
    def thumbnail(self, position: int) -> QImage | None:
        image = self._cache.get(position)
        if image is not None:
            self._cache.move_to_end(position)
            return image
        if not self.split.in_memory:
            self.sigNeedPicture.emit(position)   # the loader drops repeats; painting asks again
            return None
        return self._store(position, pixelated(qimage_from_picture(self.split.images[position]), TILE))

    def _store(self, position: int, image: QImage) -> QImage:
        self._cache[position] = image
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return image

    def picture_arrived(self, position: int, pixels) -> None:
        """A decoded thumbnail from the loader thread (None: the file could not be read)."""
        if self.split is None:
            return
        # an unreadable file keeps a null image: the tile shows the broken-picture glyph
        self._store(position, qimage_from_picture(pixels) if pixels is not None else QImage())
        row = self.row_of(position)
        if row >= 0:
            index = self.index(row)
            self.dataChanged.emit(index, index, [IMAGE_ROLE])


class ThumbnailDelegate(QStyledItemDelegate):
    """A rounded tile with the picture; blue ring when selected, grey ring on hover."""

    def sizeHint(self, option, index) -> QSize:
        return QSize(TILE + 6, TILE + 6)

    def paint(self, painter: QPainter, option, index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        tile = QRectF(option.rect).adjusted(3, 3, -3, -3)
        image = index.data(IMAGE_ROLE)
        paint_image_fit(painter, tile, image, 6.0, error=image is not None and image.isNull())
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected or hovered:
            ring = QPainterPath()
            ring.addRoundedRect(tile.adjusted(-1, -1, 1, 1), 7, 7)
            painter.setPen(QPen(QColor("#2563eb" if selected else "#94a3b8"), 2.5 if selected else 1.5))
            painter.drawPath(ring)
        painter.restore()
