"""Background work for the views: QObject workers run on QThreads and report by signal.
The workers themselves live with their view (``app/classify/worker.py``,
``app/data/jobs.py``, ``app/train/worker.py``, ``app/zoo/worker.py``); this is their base.

Every worker has the same four signals -- sigResult, sigProgress, sigError, sigFinished --
and a cancel token (threading.Event) checked between items. Everything a signal carries is
plain data (numbers, strings, tuples, small uint8 numpy arrays), never an engine NDArray.
An exception inside a worker becomes a sigError message and a log entry, never a crash:
the GUI shows ``str(error)`` in place, the traceback only goes to the log.
"""
from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, Signal, Slot

from core.errors import Cancelled, user_message

from .threads import finish, own_thread

log = logging.getLogger(__name__)


def describe_error(error: BaseException) -> str:
    """One readable line for the GUI; our own errors already name the item at fault, an
    OSError names its path and what to do (``core.errors.user_message``)."""
    message = user_message(error)
    if message is not None:
        return message
    if isinstance(error, MemoryError):
        return "Not enough memory for this item."
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class Worker(QObject):
    """Subclasses implement ``work()``; ``run()`` turns failures into sigError."""

    sigResult = Signal(object)
    sigProgress = Signal(object)
    sigError = Signal(str)
    sigFinished = Signal()

    def __init__(self):
        super().__init__()
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    @Slot()
    def run(self) -> None:
        try:
            if not self.cancelled:
                self.work()
        except Cancelled:
            pass
        except Exception as error:  # noqa: BLE001 - the point is that nothing escapes
            log.exception("%s failed", type(self).__name__)
            self.sigError.emit(describe_error(error))
        finally:
            self.sigFinished.emit()

    def work(self) -> None:
        raise NotImplementedError


class WorkerThread(QObject):
    """One QThread that runs submitted workers one after another, in submission order.
    The thread is stopped and joined by ``stop()``, when this object is destroyed, or at
    interpreter exit, whichever comes first (see ``app.threads``)."""

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._workers: list[Worker] = []
        own_thread(self, self._thread, _quitter(self._thread, self._workers))
        self._thread.start()

    def submit(self, worker: Worker) -> Worker:
        self._workers.append(worker)          # keeps the Python object alive while queued
        worker.sigFinished.connect(self._forget)
        worker.moveToThread(self._thread)
        QMetaObject.invokeMethod(worker, "run", Qt.ConnectionType.QueuedConnection)
        return worker

    @Slot()
    def _forget(self) -> None:
        worker = self.sender()
        if worker in self._workers:
            self._workers.remove(worker)
            worker.deleteLater()

    def busy(self) -> bool:
        return bool(self._workers)

    def cancel_all(self) -> None:
        for worker in list(self._workers):
            worker.cancel()

    def stop(self) -> None:
        """Cancel everything, then wait: a running model load cannot be interrupted."""
        finish(self._thread)
        self._workers.clear()


def _quitter(thread: QThread, workers: list[Worker]):
    """Cancels the queued and running workers and ends the thread's event loop; refers
    to the thread and the list, not to the WorkerThread (it runs while that is destroyed)."""
    def request_stop() -> None:
        for worker in list(workers):
            worker.cancel()
        thread.quit()
    return request_stop
