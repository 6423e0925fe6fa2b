"""The Data view: open a dataset (Fashion-MNIST found or downloaded, an image folder, a
CSV), scroll its thumbnails, filter by class, read the class histogram and one sample's
detail, and choose the validation split and preprocessing the network will get.

"Train on this data" sends a ``DataChoice`` (dataset + input + validation) to the Train
view through the main window's routes (``sigTrainOnData`` → ``train.set_data``).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QHBoxLayout, QLabel, QListView,
                               QPushButton, QSplitter, QVBoxLayout, QWidget)

from ..widgets.view_header import title_block
from .footer import JobFooter
from .grid_model import INDEX_ROLE, TILE, ThumbnailDelegate, ThumbnailModel
from .input_panel import InputPanel
from .jobs import DownloadFashionWorker, FolderThumbnailer, InputSpecWorker, OpenDatasetWorker
from .panels import ClassHistogram, SampleDetail, card
from .sources import SourcePicker, title_for

SEGMENT_STYLE = ("QPushButton { border-radius: 0px; padding: 4px 16px; }"
                 "QPushButton:checked { background: #dbeafe; border-color: #93c5fd; color: #1d4ed8; font-weight: 600; }")


class DataView(QWidget):
    sigStatus = Signal(str)
    sigOpenedPath = Signal(str)
    sigDatasetReady = Signal(object)     # the DataSource now shown
    sigSpecReady = Signal(object)        # its InputSpec, after the statistics pass
    sigTrainOnData = Signal(object)      # a DataChoice for the Train view

    title = "Data"

    def __init__(self, settings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.source = None
        self.spec = None
        self.split_name = "train"
        self._opened_once = False
        self.model = ThumbnailModel(self)
        self.thumbnailer = FolderThumbnailer(self)
        self.thumbnailer.start()
        self._build()
        self._connect()

    # ---- layout ----
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 16)
        outer.setSpacing(12)
        outer.addLayout(self._header())
        self.error = QLabel()
        self.error.setObjectName("ErrorBanner")
        self.error.setWordWrap(True)
        self.error.hide()
        outer.addWidget(self.error)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._grid_card())
        splitter.addWidget(self._side_panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([620, 420])
        splitter.setChildrenCollapsible(False)
        outer.addWidget(splitter, 1)
        outer.addWidget(self._input_card())
        self.footer = JobFooter(self)
        outer.addWidget(self.footer)

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addLayout(title_block("Data", "Browse a dataset, check its classes, and choose what "
                                          "the network will see.", wrap=True), 1)
        self.sources = SourcePicker(self)
        row.addWidget(self.sources, 0, Qt.AlignmentFlag.AlignVCenter)
        return row

    def _grid_card(self) -> QWidget:
        frame, layout = card("")
        bar = QHBoxLayout()
        bar.setSpacing(0)
        self.split_buttons = QButtonGroup(self)
        for name in ("train", "test"):
            button = QPushButton(name.capitalize())
            button.setCheckable(True)
            button.setStyleSheet(SEGMENT_STYLE)
            self.split_buttons.addButton(button)
            button.setProperty("split", name)
            bar.addWidget(button)
        self.split_buttons.buttons()[0].setChecked(True)
        bar.addSpacing(12)
        self.class_filter = QComboBox(self)
        self.class_filter.setMinimumWidth(150)
        bar.addWidget(self.class_filter)
        bar.addSpacing(12)
        self.count_label = QLabel("")
        self.count_label.setObjectName("ViewSubtitle")
        bar.addWidget(self.count_label, 1)
        layout.addLayout(bar)
        self.grid = QListView(frame)
        self.grid.setModel(self.model)
        self.grid.setItemDelegate(ThumbnailDelegate(self.grid))
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setUniformItemSizes(True)
        self.grid.setGridSize(QSize(TILE + 6, TILE + 6))
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setLayoutMode(QListView.LayoutMode.Batched)
        self.grid.setBatchSize(2000)
        self.grid.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.grid.verticalScrollBar().setSingleStep(TILE // 2)
        self.grid.setMouseTracking(True)
        self.grid.setSpacing(0)
        self.grid.setStyleSheet("QListView { border: none; }")
        layout.addWidget(self.grid, 1)
        return frame

    def _side_panel(self) -> QWidget:
        body = QWidget(self)
        body.setMinimumWidth(300)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        frame, inner = card("Sample")
        self.detail = SampleDetail(frame)
        inner.addWidget(self.detail)
        layout.addWidget(frame)
        frame, inner = card("Classes")
        self.histogram = ClassHistogram(frame)
        inner.addWidget(self.histogram)
        layout.addWidget(frame, 1)
        return body

    def _input_card(self) -> QWidget:
        frame, inner = card("What the network gets")
        row = QHBoxLayout()
        row.setSpacing(16)
        self.inputs = InputPanel(frame)
        row.addWidget(self.inputs, 1)
        self.train_button = QPushButton("Train on this data  →")
        self.train_button.setProperty("primary", True)
        self.train_button.setEnabled(False)
        row.addWidget(self.train_button, 0, Qt.AlignmentFlag.AlignBottom)
        inner.addLayout(row)
        return frame


    def _connect(self) -> None:
        self.sources.sigOpen.connect(self._open_kind)
        self.sources.sigDownload.connect(self.download_fashion_mnist)
        self.footer.sigError.connect(self._show_error)
        self.footer.sigIdle.connect(self._idle)
        self.split_buttons.buttonClicked.connect(lambda b: self.show_split(b.property("split")))
        self.class_filter.currentIndexChanged.connect(self._apply_filter)
        self.grid.selectionModel().currentChanged.connect(self._show_current)
        self.model.sigNeedPicture.connect(self.thumbnailer.request)
        self.thumbnailer.sigReady.connect(self.model.picture_arrived)
        self.inputs.sigChanged.connect(self._recompute_spec)
        self.inputs.sigValidationChanged.connect(self._show_spec)
        self.train_button.clicked.connect(self.train_on_data)

    # ---- opening datasets ----
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._opened_once:     # the first visit opens the best Fashion-MNIST found
            self._opened_once = True
            first = self.sources.first_choice()
            if self.source is None and first is not None:
                self._open_kind(*first)

    def _open_kind(self, kind: str, path: str) -> None:
        """Open ``path`` as the format named ``kind`` ("path": the format is detected)."""
        from core.errors import DataError
        from core.io.formats import detect_format, get_format
        try:
            fmt = detect_format(path) if kind == "path" else get_format(kind)
        except DataError as error:
            self._show_error(str(error))
            return
        self.sources.select_or_add(title_for(fmt.name, path), fmt.name, path)
        self._opened_once = True
        self._run(OpenDatasetWorker(lambda: fmt.open(Path(path)), Path(path).name), self.set_source)

    def open_fashion_mnist(self, root) -> None:
        self._open_kind("idx", str(root))

    def open_folder(self, folder) -> None:
        self._open_kind("folder", str(folder))

    def open_csv(self, path) -> None:
        self._open_kind("csv", str(path))

    def open_dialog(self) -> None:
        """File > Open…: a dataset file (folders: the Open folder… button)."""
        self.sources.ask_file()

    def accepts_path(self, path) -> bool:
        from core.errors import DataError
        from core.io.formats import detect_format
        try:
            detect_format(path)
        except DataError:
            return False
        return True

    def open_paths(self, paths) -> None:
        for path in paths[:1]:
            self._open_kind("path", str(path))
            self.sigOpenedPath.emit(str(path))

    def download_fashion_mnist(self) -> None:
        self._run(DownloadFashionWorker(), self._downloaded)

    def _downloaded(self, folder: str) -> None:
        self.sources.refresh_builtin()
        self.open_fashion_mnist(folder)

    # ---- showing a dataset ----
    def set_source(self, source) -> None:
        self.source = source
        self.error.hide()
        self.thumbnailer.set_split(None)
        self.class_filter.blockSignals(True)
        self.class_filter.clear()
        self.class_filter.addItem("All classes", None)
        for label, name in enumerate(source.classes):
            self.class_filter.addItem(name, label)
        self.class_filter.blockSignals(False)
        self.split_buttons.buttons()[1].setEnabled(source.test is not None)
        self.split_buttons.buttons()[0].setChecked(True)
        counts = {name: source.split(name).counts(source.num_classes) for name in source.splits()}
        self.histogram.set_counts(source.classes, counts)
        self.inputs.set_source(source)
        self.show_split("train")
        self.footer.status.setText(source.summary())
        self.sigDatasetReady.emit(source)
        self._recompute_spec()

    def show_split(self, name: str) -> None:
        if self.source is None:
            return
        self.split_name = name
        split = self.source.split(name)
        self.thumbnailer.set_split(split)
        self.model.set_split(split, self.source.classes)
        self._apply_filter()
        if self.model.rowCount():
            self.grid.setCurrentIndex(self.model.index(0))

    def _apply_filter(self) -> None:
        self.model.set_class_filter(self.class_filter.currentData())
        total = len(self.source.split(self.split_name)) if self.source else 0
        shown = self.model.rowCount()
        self.count_label.setText(f"{shown:,} pictures" if shown == total else f"{shown:,} of {total:,} pictures")

    def _show_current(self, current, _previous=None) -> None:
        position = current.data(INDEX_ROLE) if current.isValid() else None
        split = self.source.split(self.split_name) if self.source else None
        self.detail.show_example(split, self.source.classes if self.source else [], position, self.split_name)

    # ---- the input the network gets ----
    def _recompute_spec(self) -> None:
        if self.source is None:
            return
        self.train_button.setEnabled(False)
        worker = InputSpecWorker(self.source, self.inputs.normalization(), self.inputs.size_override(),
                                 self.inputs.channels_override())
        self._run(worker, self._spec_ready, quiet=True)

    def _spec_ready(self, result) -> None:
        if result["source"] is not self.source:
            return    # an answer for a dataset no longer shown
        self.spec = result["spec"]
        self._show_spec()
        self.train_button.setEnabled(True)
        self.sigSpecReady.emit(self.spec)

    def _show_spec(self) -> None:
        choice = self.data_choice()
        if choice is not None:
            self.inputs.show_spec(choice.input, choice.validation_text())

    def data_choice(self):
        """The dataset, its input and validation split, for training (None before loading)."""
        from core.session import DataChoice
        if self.source is None or self.spec is None:
            return None
        return DataChoice(self.source, self.spec, self.inputs.val_fraction())

    def train_on_data(self) -> None:
        choice = self.data_choice()
        if choice is not None:
            self.sigTrainOnData.emit(choice)

    # ---- workers ----
    def _run(self, worker, on_result, quiet: bool = False) -> None:
        self.footer.run(worker, on_result, quiet)

    def _idle(self) -> None:
        if self.source is not None and self.error.isHidden():
            self.footer.status.setText(self.source.summary())

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.sigStatus.emit(message)

    def shutdown(self) -> None:
        self.footer.stop()
        self.thumbnailer.stop()
