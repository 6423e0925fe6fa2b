"""After a run: the confusion matrix as a labelled heatmap (a QTableView: rows are the
true classes, columns the predictions, each cell's colour its share of the row) and a
gallery of the pictures the model got most confidently wrong."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath
from PySide6.QtWidgets import QHeaderView, QListView, QStyledItemDelegate, QTableView

from ..data.grid_model import pixelated, qimage_from_picture
from ..widgets.thumbnail import paint_image_fit

BLUE = np.array([37, 99, 235])
RED = np.array([220, 38, 38])
WHITE = np.array([255, 255, 255])


def _blend(colour, share: float) -> QColor:
    r, g, b = (WHITE + (colour - WHITE) * min(max(share, 0.0), 1.0)).astype(int)
    return QColor(int(r), int(g), int(b))


class ConfusionModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.matrix = np.zeros((0, 0), np.int64)
        self.classes: list[str] = []

    def set_matrix(self, matrix, classes) -> None:
        self.beginResetModel()
        matrix = np.asarray(matrix, np.int64)
        self.matrix = matrix if matrix.ndim == 2 else np.zeros((0, 0), np.int64)
        self.classes = list(classes)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.matrix.shape[0]

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.matrix.shape[1]

    def share(self, row: int, column: int) -> float:
        total = self.matrix[row].sum()
        return float(self.matrix[row, column] / total) if total else 0.0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        count, share = int(self.matrix[row, column]), self.share(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{count:,}" if count else ""
        if role == Qt.ItemDataRole.BackgroundRole:
            # the diagonal (right answers) in blue, confusions in red, by share of the true class
            return _blend(BLUE if row == column else RED, share if row == column else min(1.0, share * 3))
        if role == Qt.ItemDataRole.ForegroundRole:
            strong = share > 0.55 if row == column else share * 3 > 0.6
            return QColor("#ffffff") if strong else QColor("#0f172a")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{count:,} {self.classes[row]} pictures ({share:.1%}) were predicted as "
                    f"{self.classes[column]}")
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and section < len(self.classes):
            name = self.classes[section]
            if orientation == Qt.Orientation.Vertical:
                total = int(self.matrix[section].sum())
                right = int(self.matrix[section, section])
                return f"{name}  {right / total:.0%}" if total else name
            return name
        if role == Qt.ItemDataRole.ToolTipRole and section < len(self.classes):
            return ("true class: " if orientation == Qt.Orientation.Vertical else "predicted: ") + self.classes[section]
        return None


class RotatedHeader(QHeaderView):
    """Column titles written upwards, so ten class names fit over ten narrow columns."""

    def __init__(self, parent=None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setMinimumSectionSize(20)

    def sizeHint(self) -> QSize:
        model = self.model()
        widths = [self.fontMetrics().horizontalAdvance(str(model.headerData(i, Qt.Orientation.Horizontal)))
                  for i in range(model.columnCount())] if model is not None else []
        return QSize(super().sizeHint().width(), max(widths, default=40) + 14)

    def paintSection(self, painter: QPainter, rect, index: int) -> None:
        text = str(self.model().headerData(index, Qt.Orientation.Horizontal) or "")
        painter.save()
        painter.fillRect(rect, QColor("#ffffff"))
        painter.setPen(QColor("#475569"))
        painter.translate(rect.center().x() + self.fontMetrics().ascent() / 2 - 2, rect.bottom() - 6)
        painter.rotate(-90)
        painter.drawText(0, 0, text)
        painter.restore()


class HeatmapDelegate(QStyledItemDelegate):
    """Paints each cell itself (a rounded tile of its colour, the count centred), so
    no style sheet rule for table items can hide the colours."""

    def paint(self, painter: QPainter, option, index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        tile = QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5)
        path = QPainterPath()
        path.addRoundedRect(tile, 3, 3)
        painter.fillPath(path, index.data(Qt.ItemDataRole.BackgroundRole) or QColor("#ffffff"))
        painter.setPen(index.data(Qt.ItemDataRole.ForegroundRole) or QColor("#0f172a"))
        painter.drawText(tile, Qt.AlignmentFlag.AlignCenter, index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.restore()


class ConfusionView(QTableView):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.confusion = ConfusionModel(self)
        self.setModel(self.confusion)
        self.setItemDelegate(HeatmapDelegate(self))
        self.setShowGrid(False)
        self.setSelectionMode(QTableView.SelectionMode.NoSelection)
        self.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCornerButtonEnabled(False)
        self.setHorizontalHeader(RotatedHeader(self))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        vertical = self.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        vertical.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        vertical.setMinimumSectionSize(20)
        self.setStyleSheet("QTableView { border: none; font-size: 9pt; }"
                           "QTableCornerButton::section { background: #ffffff; border: none; }"
                           "QHeaderView::section { background: #ffffff; border: none; font-size: 8.5pt;"
                           " color: #475569; padding: 2px 6px; font-weight: 500; }")
        self.setToolTip("Rows: the true class (with its accuracy). Columns: what the model said.")


# ---- the worst mistakes -------------------------------------------------------------

class MistakesModel(QAbstractListModel):
    """One row per Mistake, with its picture from the dataset split."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list = []        # (Mistake, QImage, true name, predicted name)

    def set_mistakes(self, mistakes, split, classes) -> None:
        self.beginResetModel()
        self.items = []
        for mistake in mistakes:
            try:
                image = pixelated(qimage_from_picture(split.picture(mistake.index)), 96)
            except Exception:  # noqa: BLE001 - a file that vanished since training: no picture
                image = None
            self.items.append((mistake, image, classes[mistake.true], classes[mistake.predicted]))
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        mistake, image, true, predicted = self.items[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return self.items[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"#{mistake.index}: a {true}, taken for a {predicted} with {mistake.confidence:.0%} "
                    f"(the right class got {mistake.true_probability:.0%})")
        return None


class MistakeDelegate(QStyledItemDelegate):
    WIDTH, HEIGHT = 96, 128

    def sizeHint(self, option, index) -> QSize:
        return QSize(self.WIDTH, self.HEIGHT)

    def paint(self, painter: QPainter, option, index) -> None:
        item = index.data(Qt.ItemDataRole.UserRole)
        if item is None:
            return
        mistake, image, true, predicted = item
        painter.save()
        rect = QRectF(option.rect).adjusted(6, 4, -6, -4)
        side = rect.width()
        picture = QRectF(rect.left(), rect.top(), side, side * 0.78)
        paint_image_fit(painter, picture, image, 6.0)
        self._badge(painter, picture, f"{mistake.confidence:.0%}")
        text = QRectF(rect.left(), rect.top() + side * 0.78 + 3, side, rect.height() - side * 0.78 - 3)
        font = painter.font()
        font.setPointSizeF(8.0)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        painter.setPen(QColor("#0f172a"))
        painter.drawText(text, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                         metrics.elidedText(true, Qt.TextElideMode.ElideRight, int(side)))
        painter.setPen(QColor("#b91c1c"))
        second = text.adjusted(0, metrics.height(), 0, 0)
        painter.drawText(second, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                         metrics.elidedText(f"→ {predicted}", Qt.TextElideMode.ElideRight, int(side)))
        painter.restore()

    @staticmethod
    def _badge(painter: QPainter, picture: QRectF, text: str) -> None:
        """The model's confidence in its wrong answer, on the picture's corner."""
        painter.save()
        font = painter.font()
        font.setPointSizeF(7.5)
        font.setBold(True)
        painter.setFont(font)
        width = painter.fontMetrics().horizontalAdvance(text) + 8
        badge = QRectF(picture.right() - width - 3, picture.top() + 3, width, painter.fontMetrics().height() + 2)
        path = QPainterPath()
        path.addRoundedRect(badge, 4, 4)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillPath(path, QColor(185, 28, 28, 220))
        painter.setPen(QColor("#ffffff"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class MistakesGallery(QListView):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.mistakes = MistakesModel(self)
        self.setModel(self.mistakes)
        self.setItemDelegate(MistakeDelegate(self))
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setUniformItemSizes(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setGridSize(QSize(MistakeDelegate.WIDTH, MistakeDelegate.HEIGHT))
        self.setSelectionMode(QListView.SelectionMode.NoSelection)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setStyleSheet("QListView { border: none; }")
