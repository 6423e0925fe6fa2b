"""The zoo registry as a table, plus what each row is doing right now (downloading, failed)."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from core.zoo.model_card import size_text

log = logging.getLogger(__name__)
COLUMNS = ("Model", "Task", "Dataset", "Input", "Download", "Status")
STATUS_COLUMN = COLUMNS.index("Status")
INFO_ROLE = Qt.ItemDataRole.UserRole + 1
ACTIVITY_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass
class Activity:
    """What the GUI is doing with a row; None when nothing is happening."""
    state: str                 # "queued", "downloading", "cancelled", "error"
    done: int = 0
    total: int = 0
    speed: float = 0.0
    message: str = ""

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


def human_size(size) -> str:
    if not size:
        return "built in"
    size = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def format_input(size) -> str:
    if isinstance(size, (list, tuple)):
        return "×".join(str(int(s)) for s in size)
    return f"{int(size)}×{int(size)}" if size else "—"


def download_text(info) -> str:
    source = getattr(info, "source", "")
    if source == "bundled":
        return "bundled"
    if source == "convert":
        return "offline"      # converted from an installed Python package, no network
    return size_text(info) if info.download_size else "built in"   # MB as publishers give it, as the CLI


def status_text(info, activity: Activity | None) -> str:
    if activity is None:
        return "Installed" if info.installed else "Not installed"
    if activity.state == "downloading":
        percent = f"{100 * activity.fraction:.0f}%" if activity.total else "starting"
        speed = f" · {human_size(activity.speed)}/s" if activity.speed else ""
        return f"Downloading {percent}{speed}"
    if activity.state == "queued":
        return "Waiting to download…"
    if activity.state == "cancelled":
        return "Cancelled · Download resumes"
    return activity.message or "Failed"


class ZooTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._infos: list = []
        self._activity: dict[str, Activity] = {}
        self.load_error: str | None = None

    def reload(self) -> None:
        self.beginResetModel()
        try:
            from core.zoo import list_models
            self._infos = list(list_models())
            self.load_error = None
        except Exception as error:  # noqa: BLE001 - shown in the view instead of crashing
            log.warning("could not read the zoo registry", exc_info=True)
            self._infos = []
            self.load_error = f"The model registry could not be read: {error}"
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._infos)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        info = self._infos[index.row()]
        activity = self._activity.get(info.name)
        if role == INFO_ROLE:
            return info
        if role == ACTIVITY_ROLE:
            return activity
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(info, activity, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == STATUS_COLUMN and activity and activity.message:
                return activity.message
            return getattr(info, "description", "") or None
        if role == Qt.ItemDataRole.ForegroundRole:
            # set for every cell so a selected row keeps dark text (and a red error)
            if index.column() != STATUS_COLUMN:
                return QColor("#0f172a")
            if activity and activity.state == "error":
                return QColor("#b91c1c")
            return QColor("#15803d") if info.installed and activity is None else QColor("#475569")
        return None

    @staticmethod
    def _cell(info, activity, column: int) -> str:
        values = (info.name, str(info.task), str(info.dataset), format_input(info.input_size),
                  download_text(info), status_text(info, activity))
        return values[column]

    def info(self, row: int):
        return self._infos[row] if 0 <= row < len(self._infos) else None

    def row_of(self, name: str) -> int:
        return next((row for row, info in enumerate(self._infos) if info.name == name), -1)

    def activity(self, name: str) -> Activity | None:
        return self._activity.get(name)

    def set_activity(self, name: str, activity: Activity | None) -> None:
        if activity is None:
            self._activity.pop(name, None)
        else:
            self._activity[name] = activity
        row = self.row_of(name)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def refresh_installed(self) -> None:
        """Re-read the registry (installed flags change after a download or removal)."""
        try:
            from core.zoo import list_models
            fresh = {info.name: info for info in list_models()}
        except Exception:  # noqa: BLE001
            log.warning("could not re-read the zoo registry", exc_info=True)
            return
        self._infos = [fresh.get(info.name, info) for info in self._infos]
        if self._infos:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._infos) - 1, len(COLUMNS) - 1))
