"""The Classify view: drop photos anywhere on it, read the top-5 answers.

Drops, Open…, Paste and the sample button all end in ``classify_paths`` or
``classify_pixels``; the work runs on ``ClassifyJobs``' worker thread and the list fills
in as results arrive.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (QApplication, QFileDialog, QListView, QMessageBox, QSplitter,
                               QStackedWidget, QVBoxLayout, QWidget)

from core.errors import DataError
from core.image.decode import refuse_non_regular

from ..model_spec import DEFAULT_MODEL, ModelSpec
from ..resources import IMAGE_SUFFIXES, sample_images
from ..settings import open_settings
from ..widgets.device_selector import context_from_key
from ..widgets.thumbnail import array_from_qimage
from .worker import ImageRequest
from .delegate import ResultDelegate
from .detect_jobs import DetectJobs, is_detector
from .detection_panel import DetectionPanel
from .detail import DetailPanel
from .drop import expand_paths, paths_from_mime
from .export import write_results_csv
from .heatmap_flow import HeatmapFlow
from .jobs import ClassifyJobs
from .rerun import RerunBanner, rerunnable
from .results_model import DONE, ERROR, ITEM_ROLE, ClassifyItem, ResultsModel
from .widgets import ClassifyHeader, DropOverlay, EmptyState, ProgressFooter

IMAGE_FILTER = "Images ({});;All files (*)".format(" ".join(f"*{s}" for s in IMAGE_SUFFIXES))


class ClassifyView(QWidget):
    sigStatus = Signal(str)         # a transient message for the status bar
    sigModelStatus = Signal(str)    # the model in use, for the status bar
    sigOpenedPath = Signal(str)     # for File > Recent
    sigIdle = Signal()              # every dropped item has its answer (or error)

    title = "Classify"

    def __init__(self, settings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.settings = settings if settings is not None else open_settings()
        self.setAcceptDrops(True)
        self._next_id = 0
        self.results = ResultsModel(self)
        self.jobs = ClassifyJobs(self)
        self.detect_jobs = DetectJobs(self)
        self.detector_spec = None           # a detector chosen: drops go to the detection page
        self._model_loading = False         # the footer shows the model's load, not the images
        self._last_progress = (0, 0)
        self._build()
        self._connect()
        saved = ModelSpec.from_json(self.settings.value("classify/model", "")) or DEFAULT_MODEL
        self.selector.refresh(saved)
        chosen = self.selector.current_spec() or DEFAULT_MODEL
        self.detector_spec = chosen if is_detector(chosen) else None
        self.jobs.spec = DEFAULT_MODEL if self.detector_spec else chosen
        if self.detector_spec is not None:
            self._show_detector_state()

    # ---- layout ----
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 16)
        outer.setSpacing(12)
        header = ClassifyHeader(self.settings, self)
        self.open_button, self.paste_button = header.open_button, header.paste_button
        self.export_button, self.clear_button = header.export_button, header.clear_button
        self.selector, self.model_state = header.selector, header.model_state
        outer.addWidget(header)
        self.rerun_banner = RerunBanner(self)
        outer.addWidget(self.rerun_banner)
        self.pages = QStackedWidget(self)
        self.empty = EmptyState(self)
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self._results_page())
        self.detection = DetectionPanel(self)
        self.pages.addWidget(self.detection)
        outer.addWidget(self.pages, 1)
        footer = ProgressFooter(self)
        self.summary, self.progress, self.cancel_button = footer.summary, footer.progress, footer.cancel_button
        outer.addWidget(footer)
        self._set_busy(False)
        self.overlay = DropOverlay(self)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.cancel)

    def _results_page(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.list = QListView(splitter)
        self.list.setObjectName("ResultsList")
        self.list.setModel(self.results)
        self.list.setItemDelegate(ResultDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.list.setMouseTracking(True)
        self.list.setAcceptDrops(False)
        self.list.viewport().setAcceptDrops(False)
        self.detail = DetailPanel(splitter)
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([560, 380])
        splitter.setChildrenCollapsible(False)
        return splitter

    def _connect(self) -> None:
        self.open_button.clicked.connect(self.open_dialog)
        self.open_button.menu().addAction("Images…", self.open_dialog)
        self.open_button.menu().addAction("Folder…", self.open_folder_dialog)
        self.paste_button.clicked.connect(self.paste)
        self.export_button.clicked.connect(self.save_document)
        self.clear_button.clicked.connect(self.clear)
        self.cancel_button.clicked.connect(self.cancel)
        self.empty.sigTrySamples.connect(lambda: self.classify_paths(sample_images()))
        self.selector.sigModelChosen.connect(self.use_model)
        self.list.selectionModel().currentChanged.connect(self._show_current)
        copy = QAction("Copy results", self.list)
        copy.setShortcuts(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_selection)
        self.list.addAction(copy)
        self.results.dataChanged.connect(self._refresh_detail)
        self.jobs.sigResult.connect(self._on_result)
        self.jobs.sigSettled.connect(self._on_settled)
        self.jobs.sigProgress.connect(self._on_progress)
        self.jobs.sigIdle.connect(self._on_idle)
        self.jobs.sigModelLoading.connect(self._on_model_loading)
        self.jobs.sigModelReady.connect(self._on_model_ready)
        self.jobs.sigModelError.connect(self._on_model_error)
        self.jobs.sigModelProgress.connect(self._on_model_progress)
        self.rerun_banner.sigRerun.connect(self.rerun)
        self.why = HeatmapFlow(self.detail, self.jobs, self.results, self)
        self.why.sigStatus.connect(self.sigStatus)
        self.detect_jobs.sigResult.connect(self.detection.add_result)
        self.detect_jobs.sigError.connect(self.sigStatus)
        self.detect_jobs.sigIdle.connect(self._on_detect_idle)
        self.detection.sigStatus.connect(self.sigStatus)

    # ---- what people do ----
    def classify_paths(self, paths) -> int:
        """Queue files and folders; returns how many items were added (a named pipe or
        device is refused at once: its row shows why, nothing waits on it)."""
        files = expand_paths(paths)
        if not files:
            self.sigStatus.emit("No image files found there.")
            return 0
        items, requests = [], []
        for path in files:
            item_id = self._new_id()
            try:
                refuse_non_regular(path)     # a FIFO named x.jpg: refused now, never queued
            except DataError as error:
                items.append(ClassifyItem(item_id, path.name, str(path), state=ERROR, error=str(error)))
                continue
            items.append(ClassifyItem(item_id, path.name, str(path)))
            requests.append(ImageRequest(item_id, path.name, path=str(path)))
        self._enqueue(items, requests)
        return len(items)

    def classify_pixels(self, pixels, name: str = "Pasted image") -> None:
        item_id = self._new_id()
        item = ClassifyItem(item_id, name, name, extra={"pixels": pixels})    # kept for its heat map
        self._enqueue([item], [ImageRequest(item_id, name, pixels=pixels)])

    def open_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Open images", "", IMAGE_FILTER)
        self.open_paths(paths)

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Classify every image in a folder")
        if folder:
            self.open_paths([folder])

    def open_paths(self, paths) -> None:
        if self.classify_paths(paths):
            for path in paths:
                self.sigOpenedPath.emit(str(path))

    def accepts_path(self, path) -> bool:
        path = Path(path)
        return path.is_dir() or path.suffix.lower() in IMAGE_SUFFIXES

    def paste(self) -> None:
        mime = QApplication.clipboard().mimeData()
        if mime is not None and paths_from_mime(mime):
            self.classify_paths(paths_from_mime(mime))
        elif mime is not None and mime.hasImage():
            self.classify_pixels(array_from_qimage(mime.imageData()))
        else:
            self.sigStatus.emit("The clipboard holds no image or image file.")

    def save_document(self) -> None:
        """File > Save… here means: export the results as CSV."""
        if self.detector_spec is not None:
            self.detection.export_dialog()
            return
        if not self.results.rowCount():
            self.sigStatus.emit("Nothing to export yet: drop some images first.")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export results", "classification.csv",
                                              "CSV files (*.csv)")
        if path:
            self.export_csv(path)

    def export_csv(self, path) -> None:
        try:
            write_results_csv(path, self.results.items())
        except OSError as error:
            QMessageBox.warning(self, "Export failed", f"Could not write {path}:\n{error.strerror}")
            return
        self.sigStatus.emit(f"Exported {self.results.rowCount()} results to {path}")

    def copy_selection(self) -> str:
        """Ctrl+C on the list: the selected results (or the current one) as lines of text."""
        rows = sorted(i.row() for i in self.list.selectionModel().selectedIndexes()) \
            or ([self.list.currentIndex().row()] if self.list.currentIndex().isValid() else [])
        text = "\n".join(self.results.item_at(row).as_text() for row in rows if self.results.item_at(row))
        if text:
            QApplication.clipboard().setText(text)
            self.sigStatus.emit(f"Copied {len(rows)} result{'s' if len(rows) != 1 else ''}.")
        return text

    def rerun(self) -> int:
        """Classify again, with the current model, the pictures another model answered."""
        items = [] if self.detector_spec else rerunnable(self.results.items(), self.jobs.spec.title)
        self.rerun_banner.hide()
        if items:
            self.results.requeue([item.item_id for item in items])
            self.jobs.classify([ImageRequest(item.item_id, item.name, path=item.source) for item in items])
            self._set_busy(True)
        return len(items)

    def clear(self) -> None:
        self.rerun_banner.hide()
        self.jobs.cancel()
        self.detect_jobs.cancel()
        self.detection.clear()
        self.results.clear()
        self.detail.show_item(None)
        self.pages.setCurrentIndex(0)
        self._update_summary()

    def cancel(self) -> None:
        if self.busy():
            self.jobs.cancel()
            self.detect_jobs.cancel()
            self.sigStatus.emit("Cancelling…")

    def use_model(self, model) -> None:
        """A ModelSpec, a zoo name, or {"name", "prefix", "epoch"} from the Train view."""
        spec = self._spec_from(model)
        if spec.kind in ("checkpoint", "onnx"):
            self.selector.add_trained(spec)
        else:
            self.selector.select(spec)
        self.settings.setValue("classify/model", spec.to_json())
        self.detector_spec = spec if is_detector(spec) else None
        if self.detector_spec is not None:
            self.rerun_banner.hide()
            self._show_detector_state()
            return
        self.jobs.set_model(spec)
        again = rerunnable(self.results.items(), spec.title)
        if again:
            self.rerun_banner.offer(len(again), spec.title)
        else:
            self.rerun_banner.hide()

    def set_device(self, key: str) -> None:
        self.jobs.set_device(context_from_key(key))

    def busy(self) -> bool:
        return self.jobs.busy() or self.detect_jobs.busy()

    def shutdown(self) -> None:
        self.jobs.shutdown()
        self.detect_jobs.shutdown()

    # ---- drag and drop anywhere on the view ----
    def dragEnterEvent(self, event) -> None:
        if paths_from_mime(event.mimeData()) or event.mimeData().hasImage():
            event.acceptProposedAction()
            self.overlay.setGeometry(self.rect())
            self.overlay.raise_()
            self.overlay.show()

    def dragMoveEvent(self, event) -> None:
        event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        self.overlay.hide()

    def dropEvent(self, event) -> None:
        self.overlay.hide()
        mime = event.mimeData()
        paths = paths_from_mime(mime)
        if paths:
            self.classify_paths(paths)
        elif mime.hasImage():
            self.classify_pixels(array_from_qimage(mime.imageData()), "Dropped image")
        event.acceptProposedAction()

    # ---- internals ----
    @staticmethod
    def _spec_from(model) -> ModelSpec:
        if isinstance(model, ModelSpec):
            return model
        if isinstance(model, dict):
            return ModelSpec.checkpoint(model["name"], model["prefix"], model["epoch"])
        return ModelSpec.zoo(str(model))

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _enqueue(self, items, requests) -> None:
        if self.detector_spec is not None:
            self.pages.setCurrentIndex(2)
            self.detect_jobs.detect(self.detector_spec, requests)
            self._set_busy(True)
            return
        self.results.add(items)
        self.pages.setCurrentIndex(1)
        if not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.results.index(self.results.row_of(items[0].item_id)))
        self.list.scrollTo(self.results.index(self.results.row_of(items[-1].item_id)))   # the newest row
        if not requests:                     # every item was refused up front
            self._on_idle()
            return
        self.jobs.classify(requests)
        self._set_busy(True)

    def _on_result(self, result, model_title: str) -> None:
        self.results.apply(result, model_title)

    def _on_settled(self, item_ids, state: str, message) -> None:
        self.results.settle(item_ids, state, message)

    def _on_progress(self, done: int, total: int) -> None:
        self._last_progress = (done, total)
        if self._model_loading:
            return          # the footer says "Loading …" until the model is ready
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.summary.setText(f"Classifying {min(done + 1, total)} of {total}…")

    def _on_idle(self) -> None:
        if self._model_loading:      # the images' job tried to load the model and could not
            self._model_loading = False
            self.model_state.setText("Could not load the model (each picture's row says why).")
            self.sigModelStatus.emit(f"{self.jobs.spec.title} (not loaded)")
        self._set_busy(False)
        self._update_summary()
        self.sigStatus.emit(f"Done: {self.summary.text()}")
        self.sigIdle.emit()

    def _show_detector_state(self) -> None:
        self.model_state.setText("Detector: labelled boxes for COCO's 80 classes")
        self.sigModelStatus.emit(self.detector_spec.title)

    def _on_detect_idle(self) -> None:
        self._set_busy(False)
        results = self.detection.results
        failed = sum(1 for r in results if r.error is not None)
        parts = [f"{len(results)} picture{'s' if len(results) != 1 else ''}", f"{len(results) - failed} searched"]
        if failed:
            parts.append(f"{failed} could not be read")
        self.summary.setText(" · ".join(parts))
        self.sigStatus.emit(f"Done: {self.summary.text()}")
        self.sigIdle.emit()

    def _on_model_loading(self, message: str) -> None:
        if self.detector_spec is not None:
            return   # the classifier loads in the background; the detector is the one in use
        self.model_state.setText(message)
        self.sigModelStatus.emit(f"{self.jobs.spec.title} (loading…)")

    def _on_model_progress(self, message: str, fraction: float) -> None:
        """A stage of the model's load: on the footer's bar while it lasts, then back to the images."""
        if self.detector_spec is not None:
            return
        self._model_loading = fraction < 1.0
        if self._model_loading:
            self.model_state.setText(message)
            self.summary.setText(message)
            self.progress.setMaximum(100)
            self.progress.setValue(int(round(fraction * 100)))
            self._set_busy(True)
            self.cancel_button.setVisible(self.jobs.busy())
            self.sigModelStatus.emit(f"{self.jobs.spec.title} (loading…)")
        elif self.jobs.busy():
            self._on_progress(*self._last_progress)
        else:
            self._set_busy(False)
            self._update_summary()

    def _on_model_ready(self, info: dict) -> None:
        if self.detector_spec is not None:
            return
        self.model_state.setText(f"Ready on {info['device']} · {info['classes']} classes")
        count = int(info["classes"])
        self.results.classes_text = (f"the {count} ImageNet classes" if count in (1000, 1001)
                                     else f"the {count} classes it was trained on")
        self.sigModelStatus.emit(info["model"])

    def _on_model_error(self, message: str) -> None:
        if self._model_loading and not self.jobs.busy():
            self._set_busy(False)
            self._update_summary()
        self._model_loading = False
        self.model_state.setText(f"Could not load the model: {message}")
        self.model_state.setToolTip(message)
        self.sigModelStatus.emit(f"{self.jobs.spec.title} (not loaded)")
        self.sigStatus.emit(message)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)

    def _update_summary(self) -> None:
        total = self.results.rowCount()
        if not total:
            self.summary.setText("No images yet.")
            return
        done, errors = self.results.count(DONE), self.results.count(ERROR)
        parts = [f"{total} image{'s' if total != 1 else ''}", f"{done} classified"]
        if errors:
            parts.append(f"{errors} could not be read")
        if total - done - errors:
            parts.append(f"{total - done - errors} cancelled")
        self.summary.setText(" · ".join(parts))

    def _show_current(self, current, _previous=None) -> None:
        self.detail.show_item(current.data(ITEM_ROLE) if current.isValid() else None)

    def _refresh_detail(self, top_left, _bottom_right=None, _roles=None) -> None:
        if top_left == self.list.currentIndex():
            self._show_current(top_left)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.overlay.isVisible():
            self.overlay.setGeometry(self.rect())
