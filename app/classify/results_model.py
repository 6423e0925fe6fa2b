"""The Classify view's list of images and their answers (a Qt list model).

Items arrive as "queued" when dropped and are updated in place when the worker's
``ImageResult`` comes back, so the list shows the whole batch at once and fills in.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QImage

from ..widgets.thumbnail import qimage_from_array
from .worker import ImageResult

QUEUED, DONE, ERROR, CANCELLED = "queued", "done", "error", "cancelled"
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
#: a top-1 probability below this is said to be unsure (a picture far from what the model knows)
UNSURE_BELOW = 0.35


@dataclass
class ClassifyItem:
    item_id: int
    name: str
    source: str                     # a file path, or a description such as "Pasted image"
    state: str = QUEUED
    predictions: tuple = ()         # ((index, label, probability), ...)
    error: str | None = None
    thumbnail: QImage | None = None
    width: int = 0
    height: int = 0
    seconds: float = 0.0
    model: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def short_error(self) -> str:
        """The error without the file's full path: the card already shows its name."""
        message = self.error or ""
        if self.source and self.source != self.name and message.startswith(self.source):
            message = self.name + message[len(self.source):]
        return message

    @property
    def top_label(self) -> str:
        return self.predictions[0][1] if self.predictions else ""

    @property
    def unsure(self) -> bool:
        return self.state == DONE and bool(self.predictions) and self.predictions[0][2] < UNSURE_BELOW

    def unsure_note(self) -> str:
        classes = self.extra.get("classes_text") or "the classes this model knows"
        return f"unsure — may not be one of {classes}"

    def as_text(self) -> str:
        """One line a person (or a screen reader) can take in: the file and the top-5."""
        if self.state == DONE:
            answers = ", ".join(f"{label} {probability:.0%}" for _, label, probability in self.predictions[:5])
            return f"{self.name}: {answers}" + (f" ({self.unsure_note()})" if self.unsure else "")
        if self.state == ERROR:
            return f"{self.name}: {self.short_error or 'could not classify'}"
        return f"{self.name}: {'cancelled' if self.state == CANCELLED else 'waiting to be classified'}"


class ResultsModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: list[ClassifyItem] = []
        self._rows: dict[int, int] = {}
        self.classes_text = "the 1000 ImageNet classes"   # what the current model knows

    # ---- Qt model API ----
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if role == ITEM_ROLE:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return item.name
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return item.as_text()       # the cards are painted: this is what assistive technology reads
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.error or item.source
        return None

    # ---- used by the view ----
    def add(self, items: list[ClassifyItem]) -> None:
        if not items:
            return
        for item in items:
            item.extra.setdefault("classes_text", self.classes_text)
        first = len(self._items)
        self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
        for offset, item in enumerate(items):
            self._rows[item.item_id] = first + offset
            self._items.append(item)
        self.endInsertRows()

    def apply(self, result: ImageResult, model_title: str) -> ClassifyItem | None:
        row = self._rows.get(result.item_id)
        if row is None:
            return None  # the list was cleared while the worker was busy
        item = self._items[row]
        item.predictions, item.error = result.predictions, result.error
        item.state = ERROR if result.error else DONE
        item.width, item.height, item.seconds = result.width, result.height, result.seconds
        item.model = model_title
        if result.thumbnail is not None:
            item.thumbnail = qimage_from_array(result.thumbnail)
        self._changed(row)
        return item

    def settle(self, item_ids, state: str, message: str | None = None) -> None:
        """Mark items that never got a result (cancelled, or the model failed to load)."""
        for item_id in item_ids:
            row = self._rows.get(item_id)
            if row is None or self._items[row].state != QUEUED:
                continue
            self._items[row].state, self._items[row].error = state, message
            self._changed(row)

    def requeue(self, item_ids) -> None:
        """Items to be classified again (another model): waiting, their old answers gone."""
        for item_id in item_ids:
            row = self._rows.get(item_id)
            if row is None:
                continue
            item = self._items[row]
            item.state, item.predictions, item.error = QUEUED, (), None
            item.extra["classes_text"] = self.classes_text
            self._changed(row)

    def item_at(self, row: int) -> ClassifyItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, item_id: int) -> int:
        return self._rows.get(item_id, -1)

    def items(self) -> list[ClassifyItem]:
        return list(self._items)

    def clear(self) -> None:
        self.beginResetModel()
        self._items.clear()
        self._rows.clear()
        self.endResetModel()

    def count(self, state: str) -> int:
        return sum(1 for item in self._items if item.state == state)

    def _changed(self, row: int) -> None:
        index = self.index(row)
        self.dataChanged.emit(index, index)
