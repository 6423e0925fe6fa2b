"""Live training charts: the worker's BatchEnd and EpochEnd events go into growing numpy
buffers (a cheap append per signal); a 5 Hz QTimer moves what is new into the curves
with ``setData`` (STYLE.md §10: never plot per signal; peak downsampling and clip-to-view
keep 10 epochs × 469 batches as smooth as the first hundred)."""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QWidget

from core.events import BatchEnd, EpochEnd
from core.session.runner import ACCURACY, LOSS

from ..widgets.plot_style import BLUE, BLUE_LIGHT, GREEN, ORANGE, make_plot, pen

#: 5 Hz, one chart per tick. The GUI thread shares the two cores (and the GIL) with
#: training: at 30 Hz the full-Fashion-MNIST LeNet trained at 16-19 k samples/s through the
#: view, at 10 Hz 23-24 k, at 5 Hz and below as fast as Module.fit (benchmarks/train_view.py)
REFRESH_MS = 200
SMOOTHING = 0.1      # exponential moving average weight of the newest batch


class Series:
    """x and y values in a buffer that doubles when full (amortised O(1) appends)."""

    def __init__(self, capacity: int = 1024):
        self.x = np.empty(capacity)
        self.y = np.empty(capacity)
        self.n = 0

    def append(self, x: float, y: float) -> None:
        if self.n == len(self.x):
            self.x = np.concatenate([self.x, np.empty_like(self.x)])
            self.y = np.concatenate([self.y, np.empty_like(self.y)])
        self.x[self.n], self.y[self.n] = x, y
        self.n += 1

    def clear(self) -> None:
        self.n = 0

    def view(self):
        return self.x[:self.n], self.y[:self.n]

    def last(self):
        return float(self.y[self.n - 1]) if self.n else math.nan


class SmoothedSeries(Series):
    """A Series of the debiased exponential moving average of what is appended
    (TensorBoard's smoothing: early points are not dragged towards the first value)."""

    def __init__(self, alpha: float = SMOOTHING):
        super().__init__()
        self.alpha = alpha
        self._running = 0.0
        self._weight = 0.0

    def clear(self) -> None:
        super().clear()
        self._running = self._weight = 0.0

    def append(self, x: float, y: float) -> None:
        if not math.isfinite(y):
            return
        self._running = (1 - self.alpha) * self._running + self.alpha * y
        self._weight = (1 - self.alpha) * self._weight + self.alpha
        super().append(x, self._running / self._weight)


def nice_ceiling(value: float) -> float:
    """The next round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) at or above
    ``value``: steady, readable axes that rarely need to change."""
    if not value > 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if step * power >= value * 0.9999)


def _finite(value) -> float:
    return float(value) if value is not None and math.isfinite(float(value)) else math.nan


class LiveCharts(QWidget):
    """Loss, accuracy and throughput per batch (raw + smoothed), validation per epoch."""

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        self.loss_plot = make_plot("Loss", bottom="epoch")
        self.accuracy_plot = make_plot("Accuracy", bottom="epoch")
        self.speed_plot = make_plot("Throughput", left="samples/s", bottom="epoch")
        grid.addWidget(self.loss_plot, 0, 0)
        grid.addWidget(self.accuracy_plot, 0, 1)
        grid.addWidget(self.speed_plot, 1, 0)
        self.series = {name: Series() for name in ("loss", "accuracy", "speed", "val_loss", "val_accuracy")}
        self.series.update({f"{name}_smooth": SmoothedSeries() for name in ("loss", "accuracy", "speed")})
        self.curves = {}
        for plot in (self.loss_plot, self.accuracy_plot, self.speed_plot):
            # NOTE: ranges are set by us, not auto-ranged: a range change redraws the axis
            # text, by far the costliest part of a repaint; ours change only when outgrown
            plot.getPlotItem().getViewBox().disableAutoRange()
            plot.getPlotItem().getViewBox().setMouseEnabled(x=False, y=False)
        self.top = {"loss": 0.0, "speed": 0.0}
        self.set_epochs(1)
        for plot, name in ((self.loss_plot, "loss"), (self.accuracy_plot, "accuracy"), (self.speed_plot, "speed")):
            self.curves[name] = self._curve(plot, pen(BLUE_LIGHT, 1.0), "batch")
            self.curves[f"{name}_smooth"] = self._curve(plot, pen(BLUE if name != "speed" else GREEN, 2.2), "smoothed")
        for plot, name in ((self.loss_plot, "val_loss"), (self.accuracy_plot, "val_accuracy")):
            self.curves[name] = plot.plot([], [], pen=pen(ORANGE, 2.0), symbol="o", symbolSize=7,
                                          symbolBrush=ORANGE, symbolPen=None, name="validation")
        self.charts = {"loss": (self.loss_plot, ("loss", "loss_smooth", "val_loss"), 1.1),
                       "accuracy": (self.accuracy_plot, ("accuracy", "accuracy_smooth", "val_accuracy"), None),
                       "speed": (self.speed_plot, ("speed", "speed_smooth"), 1.25)}
        self.dirty: set[str] = set()
        self._turn = 0
        self.refreshes = 0
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    @staticmethod
    def _curve(plot, curve_pen, name):
        curve = plot.plot([], [], pen=curve_pen, name=name)
        curve.setDownsampling(auto=True, method="peak")
        curve.setClipToView(True)
        return curve

    def set_epochs(self, epochs: int) -> None:
        for plot in (self.loss_plot, self.accuracy_plot, self.speed_plot):
            plot.setXRange(0, max(1, epochs), padding=0.01)
        self.accuracy_plot.setYRange(0, 1, padding=0.02)
        self.top = {"loss": 0.0, "speed": 0.0}
        self.loss_plot.setYRange(0, 1, padding=0)
        self.speed_plot.setYRange(0, 1, padding=0)

    def _fit_top(self, name: str, plot, headroom: float) -> None:
        """Grow the y range when the data outgrows it; shrink when it uses < 40% of it."""
        _, values = self.series[name].view()
        finite = values[np.isfinite(values)]
        if not len(finite):
            return
        peak = float(finite.max())
        if peak > self.top[name] or peak < 0.4 * self.top[name]:
            self.top[name] = nice_ceiling(peak * headroom)
            plot.setYRange(0, self.top[name], padding=0)

    # ---- fed by worker signals (cheap: no drawing here) ----
    def reset(self, epochs: int = 1) -> None:
        for series in self.series.values():
            series.clear()
        self.set_epochs(epochs)
        self.refresh_all()

    def add_batch(self, event: BatchEnd) -> None:
        x = event.epoch + (event.nbatch + 1) / (event.total_batches or 1)
        values = {"loss": event.metrics.get(LOSS), "accuracy": event.metrics.get(ACCURACY),
                  "speed": event.samples_per_sec}
        for name, value in values.items():
            value = _finite(value)
            if math.isfinite(value):
                self.series[name].append(x, value)
                self.series[f"{name}_smooth"].append(x, value)
                self.dirty.add(name)

    def add_epoch(self, event: EpochEnd) -> None:
        values = {"val_loss": event.eval_metrics.get(LOSS), "val_accuracy": event.eval_metrics.get(ACCURACY)}
        for name, value in values.items():
            value = _finite(value)
            if math.isfinite(value):
                self.series[name].append(event.epoch + 1, value)
                self.dirty.add(name[4:])

    # ---- drawn by the timer ----
    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.refresh_all()

    def refresh(self) -> None:
        """One chart per tick, taking turns: each repaint stays short, and the GUI thread is
        never busy for long."""
        names = list(self.charts)
        for step in range(len(names)):
            name = names[(self._turn + step) % len(names)]
            if name in self.dirty:
                self._turn = (self._turn + step + 1) % len(names)
                self._draw(name)
                return

    def refresh_all(self) -> None:
        for name in self.charts:
            self._draw(name)

    def _draw(self, name: str) -> None:
        self.dirty.discard(name)
        self.refreshes += 1
        plot, curves, headroom = self.charts[name]
        for curve in curves:
            self.curves[curve].setData(*self.series[curve].view())
        if headroom is not None:
            self._fit_top(name, plot, headroom)

    def points(self, name: str) -> int:
        """How many points curve ``name`` shows (for tests and the status line)."""
        x, _ = self.curves[name].getData()
        return 0 if x is None else len(x)
