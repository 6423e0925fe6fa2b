"""Earlier runs: a checkable list (title, result, settings) and one chart comparing the
ticked runs on the metric chosen above it. Records come from ``core.session.RunHistory``
(JSON in the user data folder), so runs from earlier sessions are here too."""
from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QInputDialog, QLabel, QListWidget, QListWidgetItem, QMessageBox,
                               QPushButton, QSplitter, QVBoxLayout, QWidget)

from core.session import ema

from ..widgets.plot_style import SERIES, add_legend, make_plot, pen

METRICS = {"val_accuracy": ("Validation accuracy", "epoch"), "val_loss": ("Validation loss", "epoch"),
           "loss": ("Training loss (smoothed)", "batch"), "accuracy": ("Training accuracy (smoothed)", "batch")}
RUN_ROLE = Qt.ItemDataRole.UserRole + 1


def describe_run(record) -> str:
    final = record.final or {}
    score = next((final[k] for k in ("test_accuracy", "validation_accuracy", "train_accuracy") if k in final), None)
    result = f"{score:.1%}" if score is not None else record.status
    when = time.strftime("%b %d %H:%M", time.localtime(record.created))
    epochs = len(record.curves.get("epoch", {}).get("epoch", [])) if record.curves else 0
    return f"{record.title}\n{result} · {epochs} epoch{'s' if epochs != 1 else ''} · {when}"


def legend_name(record) -> str:
    """The run's title with what set it apart: optimizer and learning rate."""
    settings = record.settings or {}
    rate = settings.get("learning_rate")
    extra = f" · {settings.get('optimizer', '')} lr {rate:g}" if rate is not None else ""
    return f"{record.title}{extra}"


def curve_of(record, metric: str):
    """(x, y) of a metric from a run record; batch curves smoothed like the live chart."""
    curves = record.curves or {}
    if METRICS[metric][1] == "epoch":
        part = curves.get("epoch", {})
        x, y = part.get("epoch", []), part.get(metric, [])
    else:
        part = curves.get("batch", {})
        x, y = part.get("x", []), part.get(metric, [])
    pairs = [(a, b) for a, b in zip(x, y) if a is not None and b is not None and math.isfinite(b)]
    if not pairs:
        return np.zeros(0), np.zeros(0)
    xs, ys = np.array(pairs, dtype=float).T
    return xs, (ema(ys, 0.08) if METRICS[metric][1] == "batch" else ys)


class HistoryPanel(QWidget):
    sigUseRun = Signal(object)       # a RunRecord to load in Classify

    def __init__(self, history, parent=None):
        super().__init__(parent)
        self.history = history
        self.records = {}
        self.stale = True         # read the history folder when the panel is first shown
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        hint = QLabel("Tick runs to compare them.")
        hint.setObjectName("ViewSubtitle")
        self.list = QListWidget(left)
        self.list.setWordWrap(True)
        self.list.setStyleSheet("QListWidget::item { padding: 6px 4px; border-bottom: 1px solid #f1f5f9; }")
        buttons = QHBoxLayout()
        self.use_button = QPushButton("Use in Classify")
        self.delete_button = QPushButton("Delete")
        self.rename_button = QPushButton("Rename…")
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        column.addWidget(hint)
        column.addWidget(self.list, 1)
        column.addLayout(buttons)
        right = QWidget(splitter)
        chart_column = QVBoxLayout(right)
        chart_column.setContentsMargins(0, 0, 0, 0)
        self.metric_box = QComboBox(right)   # NOTE: not "metric", which would shadow QPaintDevice.metric (segfault on restyle)
        for key, (text, _) in METRICS.items():
            self.metric_box.addItem(text, key)
        chart_column.addWidget(self.metric_box, 0, Qt.AlignmentFlag.AlignLeft)
        self.plot = make_plot(bottom="epoch")
        self.legend = add_legend(self.plot)
        chart_column.addWidget(self.plot, 1)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([300, 500])
        layout.addWidget(splitter)
        self.list.itemChanged.connect(lambda _item: self.redraw())
        self.metric_box.currentIndexChanged.connect(lambda _i: self.redraw())
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.use_button.clicked.connect(self._use)
        self.delete_button.clicked.connect(self._delete)
        self.rename_button.clicked.connect(self._rename)
        self._update_buttons()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.stale:
            self.reload()

    def mark_stale(self) -> None:
        """A run ended: re-read when next shown (reading many runs is not free), now if visible."""
        self.stale = True
        if self.isVisible():
            self.reload()

    def reload(self, check_newest: int = 3) -> None:
        """Re-read the history. Ticks stay as they were; runs new since the last look
        start ticked (at first: the newest ``check_newest``)."""
        ticked = {rid for rid, item in self._items() if item.checkState() == Qt.CheckState.Checked}
        first_look = not self.records
        known = set(self.records)
        self.stale = False
        self.list.blockSignals(True)
        self.list.clear()
        self.records = {r.run_id: r for r in self.history.list()}
        for number, record in enumerate(self.records.values()):
            item = QListWidgetItem(describe_run(record))
            item.setData(RUN_ROLE, record.run_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            wanted = number < check_newest if first_look else (record.run_id in ticked or record.run_id not in known)
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.redraw()
        self._update_buttons()

    def _items(self):
        for row in range(self.list.count()):
            item = self.list.item(row)
            yield item.data(RUN_ROLE), item

    def checked_runs(self):
        return [self.records[rid] for rid, item in self._items() if item.checkState() == Qt.CheckState.Checked]

    def redraw(self) -> None:
        plot = self.plot.getPlotItem()
        plot.clear()
        self.legend.clear()
        metric = self.metric_box.currentData()
        for number, record in enumerate(self.checked_runs()):
            x, y = curve_of(record, metric)
            if not len(x):
                continue
            colour = SERIES[number % len(SERIES)]
            symbol = "o" if METRICS[metric][1] == "epoch" else None
            curve = plot.plot(x, y, pen=pen(colour, 2.0), symbol=symbol, symbolSize=6, symbolBrush=colour,
                              symbolPen=None, name=legend_name(record))
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)

    def _current(self):
        item = self.list.currentItem()
        return self.records.get(item.data(RUN_ROLE)) if item is not None else None

    def _update_buttons(self) -> None:
        record = self._current()
        self.use_button.setEnabled(record is not None and record.model_ref() is not None)
        self.delete_button.setEnabled(record is not None)
        self.rename_button.setEnabled(record is not None)

    def _use(self) -> None:
        record = self._current()
        if record is not None:
            self.sigUseRun.emit(record)

    def _rename(self) -> None:
        record = self._current()
        if record is None:
            return
        title, ok = QInputDialog.getText(self, "Rename run", "Name:", text=record.title)
        if ok and title.strip() and title.strip() != record.title:
            self.history.rename(record.run_id, title)
            self.reload()

    def _delete(self) -> None:
        record = self._current()
        if record is None:
            return
        answer = QMessageBox.question(self, "Delete run", f"Delete “{record.title}” and its checkpoints?\n"
                                      f"{record.folder}")
        if answer == QMessageBox.StandardButton.Yes:
            self.history.delete(record.run_id)
            self.reload()
