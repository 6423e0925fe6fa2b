"""Training on a worker thread: a ``TrainingSession`` whose listener turns core's events
into one Qt signal (``sigEvent(kind, payload)``, queued to the GUI thread, plain data
only). Pause, resume and stop go straight to the session's cancel token, which is
thread-safe, so they act while the worker thread is busy inside ``fit``."""
from __future__ import annotations

import logging
import os
import threading

from PySide6.QtCore import QObject, Signal

from ..workers import Worker, WorkerThread

log = logging.getLogger(__name__)


def lower_this_threads_priority(niceness: int = 10) -> None:
    """Let the GUI thread win the CPU (and so the GIL) whenever it wants it: training
    only loses the few milliseconds the GUI needs. Linux/macOS; a no-op elsewhere."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError, PermissionError):
        pass


def editor_network(payload, title=None):
    """(Symbol, title) from what the editor hands over: a Symbol, ``(symbol, title)``,
    ``{"symbol", "title"}``, or a document with ``.symbol`` (a Symbol or a method)."""
    symbol = payload
    if isinstance(payload, (tuple, list)):
        symbol, title = payload[0], (payload[1] if len(payload) > 1 else title)
    elif isinstance(payload, dict):
        symbol, title = payload.get("symbol"), payload.get("title", title)
    elif hasattr(payload, "symbol") and not hasattr(payload, "list_arguments"):
        symbol, title = payload.symbol, title or getattr(payload, "title", None)
    if callable(symbol) and not hasattr(symbol, "list_arguments"):
        symbol = symbol()     # a document that builds its Symbol on demand
    return symbol, title


def builtin_data(root):
    """A DataChoice for a Fashion-MNIST folder with the default input (standardized,
    validated on the test set): what the Train view uses without the Data view."""
    from core.session import DataChoice, choose_input, open_fashion_mnist
    source = open_fashion_mnist(root)
    return DataChoice(source, choose_input(source, "standardize"), 0.0)


class TrainWorker(Worker):
    sigEvent = Signal(str, object)

    def __init__(self, network, data, settings, history, title=None):
        super().__init__()
        self.network, self.data, self.settings, self.history = network, data, settings, history
        self.title = title
        self.session = None
        self._wanted = None        # pause/stop asked before the session existed

    def work(self) -> None:
        from core.session import TrainingSession
        lower_this_threads_priority()
        self.sigEvent.emit("status", "Opening the dataset…")
        data = self.data() if callable(self.data) else self.data
        self.sigEvent.emit("data", data)
        session = TrainingSession(self.network, data, self.settings, self.history, self.title,
                                  listener=self.sigEvent.emit)
        self.session = session
        if self._wanted == "stop" or self.cancelled:
            session.stop()
        elif self._wanted == "pause":
            session.pause()
        session.run()

    # ---- called from the GUI thread ----
    def pause(self) -> None:
        if self.session is not None:
            self.session.pause()
        else:
            self._wanted = "pause"

    def resume(self) -> None:
        self._wanted = None
        if self.session is not None:
            self.session.resume()

    def stop(self) -> None:
        self._wanted = "stop"
        self.cancel()
        if self.session is not None:
            self.session.stop()


class Trainer(QObject):
    """Owns the training thread and the current worker; one run at a time."""

    sigEvent = Signal(str, object)
    sigError = Signal(str)
    sigIdle = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._thread = WorkerThread("training", self)
        self.worker: TrainWorker | None = None

    def start(self, network, data, settings, history, title=None) -> TrainWorker:
        if self.busy():
            raise RuntimeError("a training run is already going")
        worker = TrainWorker(network, data, settings, history, title)
        worker.sigEvent.connect(lambda kind, payload, w=worker: self._relay(w, kind, payload))
        worker.sigError.connect(self.sigError)
        worker.sigFinished.connect(lambda w=worker: self._done(w))
        self.worker = worker
        self._thread.submit(worker)
        return worker

    def _relay(self, worker, kind, payload) -> None:
        if kind == "finished":
            # idle as soon as the run has ended: a new run queues behind the last few
            # milliseconds of this one on the same thread
            self._done(worker)
        self.sigEvent.emit(kind, payload)

    def _done(self, worker, emit=True) -> None:
        if self.worker is worker:
            self.worker = None
            if emit:
                self.sigIdle.emit()

    def busy(self) -> bool:
        return self.worker is not None

    def pause(self) -> None:
        if self.worker is not None:
            self.worker.pause()

    def resume(self) -> None:
        if self.worker is not None:
            self.worker.resume()

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()

    def shutdown(self) -> None:
        """Stop the run (it ends after the current batch) and join the thread."""
        self.stop()
        self._thread.stop()
