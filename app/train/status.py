"""The numbers above the charts (epoch, batch, loss, accuracy, validation, speed, ETA)
and the log pane that mirrors ``Speedometer`` and the fit loop's epoch lines. Both take
their values from the view's 5 Hz refresh, never from each signal."""
from __future__ import annotations

import math

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPlainTextEdit, QSizePolicy

from core.events import BatchEnd, EpochEnd
from core.session.runner import ACCURACY, LOSS

TAB_STYLE = ("QTabBar::tab { background: transparent; border: none; border-bottom: 2px solid transparent;"
             " padding: 6px 16px; color: #64748b; font-weight: 600; }"
             "QTabBar::tab:selected { color: #1d4ed8; border-bottom: 2px solid #2563eb; }"
             "QTabBar::tab:hover { color: #0f172a; }")
LEGEND = ("<span style='color:#bfdbfe'>━━</span> per batch &nbsp;&nbsp; "
          "<span style='color:#2563eb'>━━</span> smoothed &nbsp;&nbsp; "
          "<span style='color:#ea580c'>●</span> validation, per epoch")
STATS = ("Epoch", "Batch", "Loss", "Accuracy", "Validation", "Speed", "Time left")


def format_duration(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 0:
        return "—"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class StatsStrip(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("Card")
        grid = QGridLayout(self)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(0)
        self.values = {}
        for column, name in enumerate(STATS):
            caption = QLabel(name.upper())
            caption.setStyleSheet("color: #64748b; font-size: 7.5pt; font-weight: 600; letter-spacing: 1px;")
            caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            caption.setMinimumWidth(40)
            value = QLabel("—")
            value.setStyleSheet("font-size: 13pt; font-weight: 600;")
            # a fixed width: new numbers never re-layout the page (and so never resize the charts)
            value.setMinimumWidth(value.fontMetrics().horizontalAdvance("0.000"))
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            grid.addWidget(caption, 0, column)
            grid.addWidget(value, 1, column)
            self.values[name] = value
            grid.setColumnStretch(column, 1)      # equal columns, whatever the numbers say

    def clear(self) -> None:
        for value in self.values.values():
            value.setText("—")

    def set(self, name: str, text: str) -> None:
        self.values[name].setText(text)

    def show_progress(self, batch: BatchEnd | None, epoch: EpochEnd | None, epochs: int, eta: float) -> None:
        if batch is not None:
            loss, accuracy = batch.metrics.get(LOSS), batch.metrics.get(ACCURACY)
            self.set("Epoch", f"{batch.epoch + 1} / {epochs}")
            self.set("Batch", f"{batch.nbatch + 1} / {batch.total_batches}")
            if loss is not None and math.isfinite(loss):
                self.set("Loss", f"{loss:.3f}")
            if accuracy is not None:
                self.set("Accuracy", f"{accuracy:.1%}")
            self.set("Speed", f"{batch.samples_per_sec:,.0f}/s")
            self.set("Time left", format_duration(eta))
        if epoch is not None and epoch.eval_metrics.get(ACCURACY) is not None:
            self.set("Validation", f"{epoch.eval_metrics[ACCURACY]:.1%}")


class LogPane(QPlainTextEdit):
    """Read-only, monospace, bounded; lines are queued and written in one go per refresh."""

    MAX_LINES = 5000

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setMaximumBlockCount(self.MAX_LINES)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(8.5)
        self.setFont(font)
        self.setProperty("keepColours", True)          # a dark console in both colour schemes
        self.setStyleSheet("QPlainTextEdit { background: #0f172a; color: #e2e8f0; border-radius: 10px;"
                           " padding: 6px; border: none; }")
        self.setPlaceholderText("The training log appears here.")
        self._pending: list[str] = []

    def queue(self, line: str) -> None:
        self._pending.append(line.replace("\t", "   "))

    def flush(self) -> None:
        if self._pending:
            self.appendPlainText("\n".join(self._pending))
            self._pending.clear()

    def text(self) -> str:
        self.flush()
        return self.toPlainText()

