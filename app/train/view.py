"""The Train view: choose a network, a dataset and the optimizer's settings, then Start,
Pause/Resume and Stop while live charts fill; afterwards the confusion matrix, the worst
mistakes, "Use in Classify", and a history of runs to compare.

The run happens on the ``Trainer``'s thread; its events (``core.events``) arrive on typed,
queued signals whose slots only append to buffers, and a 5 Hz timer draws (the GUI thread
stays responsive).
"""
from __future__ import annotations

import math
import time

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea, QSizePolicy,
                               QSplitter, QTabWidget, QVBoxLayout, QWidget)

from core.events import BatchEnd, CheckpointSaved, EpochEnd, Evaluated, Finished, LogLine, RunBegin, Status
from core.io.formats import found_datasets
from core.session import RunHistory, SettingsError

from ..model_spec import ModelSpec
from ..onnx_export import OnnxExportWorker, ask_onnx_path
from ..widgets.side_panel import SidePanelToggle
from ..widgets.view_header import title_block
from ..workers import WorkerThread
from .estimate import Estimator
from .history_panel import HistoryPanel
from .live import LiveCharts
from .results_page import ResultsPage
from .status import LEGEND, TAB_STYLE, LogPane, StatsStrip, format_duration
from .worker import Trainer, builtin_data, editor_network

LIVE, RESULTS, HISTORY = 0, 1, 2



def _quick(data, limit, seed):
    """The chosen data cut to at most ``limit`` pictures per split, opened on the worker."""
    from core.session.estimate import quick_choice
    return lambda: quick_choice(data() if callable(data) else data, limit, seed)


class TrainView(QWidget):
    sigStatus = Signal(str)
    sigUseInClassify = Signal(object)    # {"name", "prefix", "epoch"} for classify.use_model
    sigRunFinished = Signal(dict)        # the run's record (status, message, final metrics …)

    title = "Train"

    def __init__(self, settings: QSettings | None = None, parent=None, history: RunHistory | None = None):
        super().__init__(parent)
        self.settings = settings
        self.history = history if history is not None else RunHistory()
        self.trainer = Trainer(self)
        self.estimator = Estimator(self)
        # measure once the choice has settled (typing a batch size is several changes)
        self._estimate_timer = QTimer(self, singleShot=True, interval=300)
        self._shown_key = None
        self._export_thread = None        # made on the first "Export to ONNX"
        self.data = None                  # the DataChoice of the current run
        self.record = None                # the last finished run (a dict)
        self._last_batch = self._last_epoch = None
        self._epochs = 1
        self._started = 0.0
        self._build()
        self._connect()
        self.form.fill_datasets(found_datasets())
        self._set_state("idle")

    # ---- layout ----
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 16)
        outer.setSpacing(12)
        outer.addLayout(self._header())
        self.banner = QLabel()
        self.banner.setObjectName("ErrorBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        outer.addWidget(self.banner)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        scroll = QScrollArea(splitter)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        from .form import SettingsForm
        self.form = SettingsForm()
        scroll.setWidget(self.form)
        self.form.setMinimumWidth(280)
        scroll.setMinimumWidth(298)
        splitter.addWidget(scroll)
        self.tabs = QTabWidget(splitter)
        self.tabs.setDocumentMode(True)
        # NOTE: on the bar only: a style sheet on the QTabWidget itself (an ancestor of the
        # pyqtgraph views) crashes Qt 6.11 when the view is re-parented into the window
        self.tabs.tabBar().setStyleSheet(TAB_STYLE)
        self.tabs.addTab(self._live_page(), "Live")
        self.results = ResultsPage(self.tabs)
        self.tabs.addTab(self.results, "Results")
        self.history_panel = HistoryPanel(self.history, self.tabs)
        self.tabs.addTab(self.history_panel, "History")
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([max(self.form.sizeHint().width(), 300) + 18, 760])
        splitter.setChildrenCollapsible(False)
        outer.addWidget(splitter, 1)
        self.settings_toggle = SidePanelToggle(self, scroll, "Settings", "Ctrl+B", self.settings,
                                               "train/settings_shown")
        footer = QHBoxLayout()
        footer.addWidget(self.settings_toggle.button)
        self.status = QLabel("Ready.")
        self.status.setObjectName("ViewSubtitle")
        # changing text must never re-layout the window (that would resize and redraw the charts)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(260)
        footer.addWidget(self.status, 1)
        footer.addWidget(self.progress)
        outer.addLayout(footer)

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addLayout(title_block("Train", "Train a network and watch it learn; every epoch is "
                                           "saved as a checkpoint.", wrap=True), 1)
        self.start_button = QPushButton("Start")
        self.start_button.setProperty("primary", True)
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("Stop")
        for button in (self.start_button, self.pause_button, self.stop_button):
            button.setMinimumWidth(86)
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        return row

    def _live_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(10)
        self.stats = StatsStrip(page)
        layout.addWidget(self.stats)
        legend = QLabel(LEGEND)
        legend.setObjectName("ViewSubtitle")
        layout.addWidget(legend)
        self.charts = LiveCharts(page)
        self.log = LogPane(page)
        self.charts.layout().addWidget(self.log, 1, 1)
        layout.addWidget(self.charts, 1)
        return page

    def _connect(self) -> None:
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        trainer = self.trainer
        trainer.sigStatus.connect(self._on_status)
        trainer.sigLog.connect(self._on_log)
        trainer.sigData.connect(self._on_data)
        trainer.sigRunBegin.connect(self._on_run_begin)
        trainer.sigBatchEnd.connect(self._on_batch_end)
        trainer.sigEpochEnd.connect(self._on_epoch_end)
        trainer.sigCheckpoint.connect(self._on_checkpoint)
        trainer.sigEvaluated.connect(self._on_evaluated)
        trainer.sigRunFinished.connect(self._finished)
        trainer.sigFailed.connect(self._show_error)
        trainer.sigIdle.connect(lambda: self._set_state("idle"))
        self.charts.timer.timeout.connect(self._refresh_numbers)
        self.results.sigUseInClassify.connect(self.use_in_classify)
        self.results.sigExportOnnx.connect(self.export_onnx)
        self.history_panel.sigUseRun.connect(lambda record: self._emit_use(record.model_ref()))
        self._connect_estimate()

    def _connect_estimate(self) -> None:
        form = self.form
        for signal in (form.network.currentIndexChanged, form.dataset.currentIndexChanged,
                       form.finetune.currentIndexChanged, form.base_lr_mult.textChanged,
                       form.batch_size.textChanged, form.device.sigDeviceChanged):
            signal.connect(self._choice_changed)
        form.epochs.textChanged.connect(self._epochs_changed)
        self._estimate_timer.timeout.connect(self.estimate_now)
        self.estimator.sigEstimate.connect(self._on_estimate)
        self.estimator.sigFailed.connect(self._on_estimate_failed)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.trainer.busy():    # a download in the Data view may have added a dataset
            self.form.fill_datasets(found_datasets())
            self._choice_changed()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._estimate_timer.stop()
        self.estimator.cancel()

    # ---- how long it will take (before Start) ----
    def _choice_changed(self, *_) -> None:
        if self.trainer.busy() or not self.isVisible():
            return
        key = self.form.estimate_key()
        if self.estimator.worker is not None and self.estimator.worker.key != key:
            self.estimator.cancel()           # measuring what is no longer chosen
        known = self.estimator.known(key)
        if known is not None:
            self._on_estimate(key, known)
            return
        self.form.run_size.show_measuring()
        self._estimate_timer.start()

    def _epochs_changed(self) -> None:
        if self.form.epochs.hasAcceptableInput():
            self.form.run_size.set_epochs(self.form.epochs.value())

    def estimate_now(self) -> None:
        """Measure an epoch of the current choice on the estimate's thread."""
        self._estimate_timer.stop()
        form = self.form
        try:
            network, settings = form.network_choice(), form.settings()
        except SettingsError as error:
            form.run_size.show_unknown(str(error))
            return
        self.estimator.request(form.estimate_key(), network, self._data(), settings)

    def _data(self):
        """The chosen data: a DataChoice, or a function opening it (on a worker thread)."""
        request = self.form.dataset_request()
        if isinstance(request, tuple):
            return lambda kind=request[0], root=request[1]: builtin_data(root, kind)
        return request

    def estimate_key_measured(self):
        """The choice whose epoch time the form shows (None before the first)."""
        return self._shown_key

    def _on_estimate(self, key, estimate) -> None:
        if key == self.form.estimate_key():
            self._shown_key = key
            epochs = self.form.epochs.value() if self.form.epochs.hasAcceptableInput() else 1
            self.form.run_size.show_estimate(estimate, epochs)

    def _on_estimate_failed(self, key, message: str) -> None:
        if key == self.form.estimate_key():
            self.form.run_size.show_unknown(message)

    # ---- hand-offs from other views ----
    def set_network(self, payload, title: str | None = None) -> None:
        """A Symbol from the editor: ``set_network(symbol, title)``, or one payload
        (``(symbol, title)``, ``{"symbol", "title"}``, or an object with ``.symbol``)."""
        symbol, title = editor_network(payload, title)
        self.form.set_editor_network(symbol, title or "Editor network")
        self.sigStatus.emit(f"Ready to train {title or 'the editor network'}.")

    def set_data(self, choice) -> None:
        """A DataChoice from the Data view (dataset, input and validation split)."""
        self.form.set_data_choice(choice, found_datasets())
        self.form.data_note.setText(choice.describe())

    def set_device(self, key: str) -> None:
        if not self.trainer.busy():
            self.form.device.set_current_key(key)

    # ---- run control ----
    def start(self) -> None:
        if self.trainer.busy():
            return
        try:
            settings = self.form.settings()
            network = self.form.network_choice()
        except SettingsError as error:
            self._show_error(str(error))
            return
        data = self._data()
        limit = self.form.run_size.quick_limit()
        if limit is not None:
            data = _quick(data, limit, settings.seed)
        self._estimate_timer.stop()
        self.estimator.cancel()
        self.banner.hide()
        self.charts.reset(settings.epochs)
        self.log.clear()
        self.stats.clear()
        self.results.clear()
        self._last_batch = self._last_epoch = None
        self._epochs, self._started = settings.epochs, time.monotonic()
        self.log.queue(f"Training {network.title}: {settings.describe()}")
        if limit is not None:
            self.log.queue(f"Quick run: at most {limit:,} pictures of each split")
        self.tabs.setCurrentIndex(LIVE)
        self.trainer.start(network, data, settings, self.history)
        self.charts.start()
        self._set_state("running")

    def toggle_pause(self) -> None:
        if self._state == "running":
            self.trainer.pause()
            self._set_state("paused")
            self.log.queue("Paused (after the current batch).")
        elif self._state == "paused":
            self.trainer.resume()
            self._set_state("running")
            self.log.queue("Resumed.")

    def stop(self) -> None:
        if self.trainer.busy():
            self.trainer.stop()
            self._set_state("stopping")

    def _set_state(self, state: str) -> None:
        self._state = state
        running = state in ("running", "paused", "stopping")
        self.start_button.setEnabled(not running)
        self.pause_button.setEnabled(state in ("running", "paused"))
        self.pause_button.setText("Resume" if state == "paused" else "Pause")
        self.stop_button.setEnabled(state in ("running", "paused"))
        self.form.set_running(running)
        if state == "idle":
            self._choice_changed()
            self.charts.stop()
            self._refresh_numbers()
            self.log.flush()
        elif state == "stopping":
            self.status.setText("Stopping after this batch…")

    def is_running(self) -> bool:
        return self.trainer.busy()

    # ---- events from the worker (queued; only bookkeeping here) ----
    def _on_status(self, event: Status) -> None:
        self.status.setText(event.text)

    def _on_log(self, event: LogLine) -> None:
        self.log.queue(event.text)

    def _on_data(self, choice) -> None:
        self.data = choice
        self.form.data_note.setText(choice.describe())

    def _on_run_begin(self, event: RunBegin) -> None:
        self.progress.setRange(0, max(1, event.total_batches) * event.epochs)
        self.progress.setValue(0)

    def _on_batch_end(self, event: BatchEnd) -> None:
        self._last_batch = event
        self.charts.add_batch(event)

    def _on_epoch_end(self, event: EpochEnd) -> None:
        self._last_epoch = event
        self.charts.add_epoch(event)

    def _on_checkpoint(self, event: CheckpointSaved) -> None:
        self.log.queue(f"Saved checkpoint {event.path}")

    def _on_evaluated(self, event: Evaluated) -> None:
        self.results.show_evaluation(event.evaluation, self.data.source)

    def _refresh_numbers(self) -> None:
        """With the charts, 5 times a second: the stats strip, progress, ETA, log."""
        self.log.flush()
        batch = self._last_batch
        if batch is None:
            return
        per_epoch = batch.total_batches or 1
        done = batch.epoch * per_epoch + batch.nbatch + 1
        total = per_epoch * self._epochs
        elapsed = time.monotonic() - self._started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else math.nan
        self.stats.show_progress(batch, self._last_epoch, self._epochs, eta)
        self.progress.setValue(done)
        if self._state == "running":
            self.status.setText(f"Training… {done:,} of {total:,} batches · {format_duration(elapsed)} elapsed")

    def _finished(self, event: Finished) -> None:
        record = self.record = event.record
        status, message = event.status, event.message
        self.charts.stop()
        self._refresh_numbers()
        self.stats.set("Time left", "—")
        if status == "completed":
            final = record["final"]
            key = next((k for k in final if k.endswith("_accuracy")), None)
            score = f" — {final['evaluated_on']} accuracy {final[key]:.1%}" if key else ""
            self.status.setText(f"Finished in {format_duration(record['duration'])}{score}.")
            self.tabs.setCurrentIndex(RESULTS)
        elif status == "cancelled":
            self.status.setText(f"Stopped: {message}")
        else:
            text = message[:1].upper() + message[1:] if status == "diverged" else f"Training failed: {message}"
            self._show_error(text)
            self.status.setText("Training diverged." if status == "diverged" else "Training failed.")
        self.results.set_record(record)
        self.history_panel.mark_stale()
        self.sigStatus.emit(self.status.text())
        self.sigRunFinished.emit(record)

    def _show_error(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.show()
        self.sigStatus.emit(message)

    # ---- Classify hand-off ----
    def use_in_classify(self) -> None:
        from core.session import RunRecord
        if self.record is not None:
            self._emit_use(RunRecord.from_dict(self.record).model_ref())

    def _emit_use(self, ref) -> None:
        if ref is None:
            self.sigStatus.emit("This run saved no checkpoint to classify with.")
            return
        self.sigUseInClassify.emit(ref)

    def export_onnx(self) -> None:
        """The finished run's newest checkpoint as an ONNX file, written on a worker thread."""
        from core.session import RunRecord
        ref = RunRecord.from_dict(self.record).model_ref() if self.record is not None else None
        if ref is None:
            self.sigStatus.emit("This run saved no checkpoint to export.")
            return
        path = ask_onnx_path(self, ref["name"])
        if not path:
            return
        if self._export_thread is None:
            self._export_thread = WorkerThread("train-onnx-export", self)
        worker = OnnxExportWorker(ModelSpec.checkpoint(ref["name"], ref["prefix"], ref["epoch"]), path)
        worker.sigResult.connect(lambda written: self.sigStatus.emit(f"Exported to {written}"))
        worker.sigError.connect(lambda message: self._show_error(f"ONNX export failed: {message}"))
        self.sigStatus.emit("Exporting to ONNX…")
        self._export_thread.submit(worker)

    def shutdown(self) -> None:
        if self._export_thread is not None:
            self._export_thread.stop()
        self.charts.timer.stop()
        self._estimate_timer.stop()
        self.estimator.shutdown()
        self.trainer.shutdown()
