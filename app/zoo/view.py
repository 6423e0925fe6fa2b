"""The Zoo view: the registry's models, downloads with progress and Cancel, Remove, and
hand-offs to the editor and to Classify (signals the main window routes)."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMessageBox,
                               QPushButton, QSplitter, QStyle, QStyledItemDelegate, QTableView, QVBoxLayout,
                               QWidget)

from ..model_spec import ModelSpec
from ..onnx_export import OnnxExportWorker, ask_onnx_path
from ..widgets.probability_bar import paint_probability_bar
from ..workers import WorkerThread, describe_error
from .details import ModelDetails
from .worker import DownloadWorker
from .table_model import ACTIVITY_ROLE, STATUS_COLUMN, Activity, ZooTableModel


def usable_offline(info) -> bool:
    """Installed, or an offline model that installs itself on first use."""
    return info is not None and (info.installed or getattr(info, "source", "") == "convert")


class StatusDelegate(QStyledItemDelegate):
    """The Status cell keeps its colour when selected (an error stays red), with a thin
    progress bar under the text while downloading."""

    def paint(self, painter, option, index) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        color = index.data(Qt.ItemDataRole.ForegroundRole) or QColor("#0f172a")
        self.initStyleOption(option, index)
        option.text = ""
        widget = option.widget
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        rect = QRectF(option.rect).adjusted(10, 0, -10, 0)
        painter.save()
        painter.setPen(color)
        elided = option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()))
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided)
        painter.restore()
        activity = index.data(ACTIVITY_ROLE)
        if activity is None or activity.state != "downloading":
            return
        bar = QRectF(rect.left(), option.rect.bottom() - 6, rect.width(), 4)
        paint_probability_bar(painter, bar, activity.fraction, strong=True)


class ZooView(QWidget):
    sigStatus = Signal(str)
    sigUseInClassify = Signal(object)   # zoo model name
    sigOpenInEditor = Signal(object)    # zoo model name

    title = "Zoo"

    def __init__(self, settings=None, parent=None):
        super().__init__(parent)
        self.table_model = ZooTableModel(self)
        self._thread = WorkerThread("zoo-downloads", self)
        self._downloads: dict[str, DownloadWorker] = {}
        self._build()
        self.reload()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 16)
        outer.setSpacing(12)
        title = QLabel("Model Zoo")
        title.setObjectName("ViewTitle")
        subtitle = QLabel("Pretrained networks: download them once, then classify with them "
                          "or open them in the editor.")
        subtitle.setObjectName("ViewSubtitle")
        outer.addWidget(title)
        outer.addWidget(subtitle)
        outer.addLayout(self._buttons())
        self.error = QLabel()
        self.error.setObjectName("ErrorBanner")
        self.error.setWordWrap(True)
        self.error.hide()
        outer.addWidget(self.error)
        self.table = QTableView(self)
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 20)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAlternatingRowColors(False)
        self.table.setItemDelegateForColumn(STATUS_COLUMN, StatusDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(STATUS_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.details = ModelDetails(self)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([300, 260])               # the card shows whole at the usual window size
        outer.addWidget(split, 1)
        self.row_error = QLabel()
        self.row_error.setObjectName("ErrorBanner")
        self.row_error.setWordWrap(True)
        self.row_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.row_error.hide()
        outer.addWidget(self.row_error)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.use_in_classify())

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.download_button = QPushButton("Download")
        self.download_button.setProperty("primary", True)
        self.cancel_button = QPushButton("Cancel")
        self.remove_button = QPushButton("Remove")
        self.editor_button = QPushButton("Open in editor")
        self.classify_button = QPushButton("Use in Classify")
        self.onnx_button = QPushButton("Export to ONNX")
        actions = ((self.download_button, self.download), (self.cancel_button, self.cancel),
                   (self.remove_button, self.remove), (self.editor_button, self.open_in_editor),
                   (self.classify_button, self.use_in_classify), (self.onnx_button, self.export_onnx))
        for button, slot in actions:
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.reload)
        row.addWidget(refresh)
        return row

    # ---- actions ----
    def reload(self) -> None:
        self.table_model.reload()
        self.error.setVisible(bool(self.table_model.load_error))
        self.error.setText(self.table_model.load_error or "")
        if self.table_model.rowCount():
            self.table.selectRow(0)
        self._update_buttons()

    def select_model(self, name: str) -> None:
        row = self.table_model.row_of(name)
        if row >= 0:
            self.table.selectRow(row)

    def selected_info(self):
        index = self.table.currentIndex()
        return self.table_model.info(index.row()) if index.isValid() else None

    def download(self) -> None:
        info = self.selected_info()
        if info is None or info.name in self._downloads:
            return
        worker = DownloadWorker(info.name)
        worker.sigProgress.connect(self._on_progress)
        worker.sigResult.connect(self._on_result)
        worker.sigError.connect(self._on_error)
        worker.sigFinished.connect(self._on_finished)
        self._downloads[info.name] = worker
        self.table_model.set_activity(info.name, Activity("queued"))
        self._thread.submit(worker)
        self._update_buttons()

    def cancel(self) -> None:
        info = self.selected_info()
        if info is not None and info.name in self._downloads:
            self._downloads[info.name].cancel()

    def remove(self) -> None:
        info = self.selected_info()
        if info is None or not info.installed:
            return
        answer = QMessageBox.question(self, "Remove model",
                                      f"Remove the downloaded files of {info.name}?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            from core.zoo import remove_model
            remove_model(info.name)
        except Exception as error:  # noqa: BLE001 - shown in the row
            self.table_model.set_activity(info.name, Activity("error", message=describe_error(error)))
            return
        self.table_model.set_activity(info.name, None)
        self.table_model.refresh_installed()
        self.sigStatus.emit(f"Removed {info.name}")
        self._update_buttons()

    def open_in_editor(self) -> None:
        info = self.selected_info()
        if info is not None:
            self.sigOpenInEditor.emit(info.name)

    def use_in_classify(self) -> None:
        info = self.selected_info()
        if info is None:
            return
        if not usable_offline(info):
            self.sigStatus.emit(f"Download {info.name} first.")
            return
        self.sigUseInClassify.emit(info.name)

    def export_onnx(self) -> None:
        info = self.selected_info()
        if not usable_offline(info):
            return
        path = ask_onnx_path(self, info.name)
        if not path:
            return
        worker = OnnxExportWorker(ModelSpec.zoo(info.name), path)
        worker.sigResult.connect(lambda written: self.sigStatus.emit(f"Exported {info.name} to {written}"))
        worker.sigError.connect(lambda message: self.sigStatus.emit(f"ONNX export failed: {message}"))
        self.sigStatus.emit(f"Exporting {info.name} to ONNX…")
        self._thread.submit(worker)

    def shutdown(self) -> None:
        self._thread.stop()

    # ---- worker reports ----
    def _on_progress(self, progress: dict) -> None:
        self.table_model.set_activity(progress["name"], Activity(
            "downloading", progress["done"], progress["total"], progress["speed"]))

    def _on_result(self, result: dict) -> None:
        name = result["name"]
        if result["state"] == "cancelled":
            self.table_model.set_activity(name, Activity("cancelled"))
        else:
            self.table_model.set_activity(name, None)
            self.sigStatus.emit(f"{name} is installed.")
        self.table_model.refresh_installed()

    def _on_error(self, message: str) -> None:
        worker = self.sender()
        self.table_model.set_activity(worker.name, Activity("error", message=message))
        self._update_buttons()

    def _on_finished(self) -> None:
        self._downloads.pop(self.sender().name, None)
        self._update_buttons()

    def _update_buttons(self, *_args) -> None:
        info = self.selected_info()
        busy = info is not None and info.name in self._downloads
        installed = bool(info is not None and info.installed)
        source = getattr(info, "source", "")
        self.download_button.setEnabled(info is not None and not installed and not busy)
        self.download_button.setText("Install" if source == "convert" else "Download")
        self.cancel_button.setEnabled(busy)
        self.remove_button.setEnabled(installed and not busy and source != "bundled")
        self.remove_button.setToolTip("Ships with Net Studio; cannot be removed" if source == "bundled"
                                      else "Delete the downloaded files to free the disk space")
        usable = usable_offline(info)
        why = f"Download {info.name} first" if info is not None and not usable else ""
        self.editor_button.setEnabled(usable)
        self.editor_button.setToolTip(why or "Show this network's layers in Build")
        self.classify_button.setEnabled(usable)
        self.classify_button.setToolTip(why or "Classify pictures with this model")
        self.onnx_button.setEnabled(usable)
        self.onnx_button.setToolTip(why or "Write this model as an ONNX file")
        activity = self.table_model.activity(info.name) if info is not None else None
        failed = activity is not None and activity.state == "error"
        self.row_error.setVisible(failed)
        self.row_error.setText(f"{info.name}: {activity.message}" if failed else "")
        self.details.show_model(info)
