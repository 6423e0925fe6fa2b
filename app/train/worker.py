"""Training on a worker thread: a ``TrainingSession`` whose events (``core.events``, frozen
plain data) each leave on a signal of their own -- ``sigBatchEnd``, ``sigEpochEnd``,
``sigCheckpoint``, ``sigRunFinished`` … -- queued to the GUI thread. ``Trainer`` forwards
the same signals for whichever run is current. Pause, resume and stop go straight to the
session's cancel token, which is thread-safe, so they act while the worker thread is busy
inside ``fit``."""
from __future__ import annotations

import logging
import os
import threading

from PySide6.QtCore import QObject, Signal

from core.events import BatchEnd, CheckpointSaved, EpochEnd, Evaluated, Finished, LogLine, RunBegin, Status

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


def builtin_data(root, kind=None):
    """A DataChoice for a dataset found on this machine (``core.io.formats.found_datasets``:
    its path and format name) with the default input (standardized, validated on the test
    set): what the Train view uses without the Data view."""
    from core.io.formats import open_dataset
    from core.session import DataChoice, choose_input
    source = open_dataset(root, kind)
    return DataChoice(source, choose_input(source, "standardize"), 0.0)


# event type -> the signal it leaves on (fit's TrainBegin/TrainEnd stay inside the session)
EVENT_SIGNALS = {Status: "sigStatus", LogLine: "sigLog", RunBegin: "sigRunBegin", BatchEnd: "sigBatchEnd",
                 EpochEnd: "sigEpochEnd", CheckpointSaved: "sigCheckpoint", Evaluated: "sigEvaluated",
                 Finished: "sigRunFinished"}


class RunSignals:
    """The typed signals of one training run, each carrying its event (or the DataChoice)."""
    sigData = Signal(object)          # the DataChoice, once opened
    sigStatus = Signal(Status)
    sigLog = Signal(LogLine)
    sigRunBegin = Signal(RunBegin)
    sigBatchEnd = Signal(BatchEnd)
    sigEpochEnd = Signal(EpochEnd)
    sigCheckpoint = Signal(CheckpointSaved)
    sigEvaluated = Signal(Evaluated)
    sigRunFinished = Signal(Finished)  # the run is over and recorded (Worker.sigFinished: the thread is free)


RUN_SIGNALS = ("sigData", *EVENT_SIGNALS.values())


class TrainWorker(RunSignals, Worker):

    def __init__(self, network, data, settings, history, title=None):
        super().__init__()
        self.network, self.data, self.settings, self.history = network, data, settings, history
        self.title = title
        self.session = None
        self._wanted = None        # pause/stop asked before the session existed

    def work(self) -> None:
        from core.session import TrainingSession
        lower_this_threads_priority()
        self.sigStatus.emit(Status(text="Opening the dataset…"))
        data = self.data() if callable(self.data) else self.data
        self.sigData.emit(data)
        session = TrainingSession(self.network, data, self.settings, self.history, self.title,
                                  listener=self.publish)
        self.session = session
        if self._wanted == "stop" or self.cancelled:
            session.stop()
        elif self._wanted == "pause":
            session.pause()
        session.run()

    def publish(self, event) -> None:
        """The session's listener (training thread): the event leaves on its own signal."""
        name = EVENT_SIGNALS.get(type(event))
        if name is not None:
            getattr(self, name).emit(event)

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


class Trainer(RunSignals, QObject):
    """Owns the training thread and the current worker; one run at a time. Its run
    signals repeat those of the current worker, on the GUI thread."""

    sigFailed = Signal(str)     # the run broke outside the session (e.g. the dataset would not open)
    sigIdle = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._thread = WorkerThread("training", self)
        self.worker: TrainWorker | None = None

    def start(self, network, data, settings, history, title=None) -> TrainWorker:
        if self.busy():
            raise RuntimeError("a training run is already going")
        worker = TrainWorker(network, data, settings, history, title)
        # idle as soon as the run has ended: a new run queues behind the last few
        # milliseconds of this one on the same thread
        worker.sigRunFinished.connect(lambda event, w=worker: self._done(w))
        for name in RUN_SIGNALS:
            getattr(worker, name).connect(getattr(self, name))
        worker.sigError.connect(self.sigFailed)
        worker.sigFinished.connect(lambda w=worker: self._done(w))
        self.worker = worker
        self._thread.submit(worker)
        return worker

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
