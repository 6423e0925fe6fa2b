"""How long an epoch will take, measured before Start on the estimate's own worker thread
(``core.session.estimate.estimate_run``: a few real training steps of the chosen network on
the chosen data). One measurement at a time: a new request cancels the one under way
(it ends at its next step); answers are kept per network, data, device and batch size."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from core.events import CancelToken

from ..workers import Worker, WorkerThread
from .worker import lower_this_threads_priority


class EstimateWorker(Worker):
    def __init__(self, key, network, data, settings):
        super().__init__()
        self.key, self.network, self.data, self.settings = key, network, data, settings
        self.token = CancelToken()

    def cancel(self) -> None:
        super().cancel()
        self.token.cancel("the choice changed")

    def work(self) -> None:
        from core.session.estimate import estimate_run
        lower_this_threads_priority()
        data = self.data() if callable(self.data) else self.data
        estimate = estimate_run(self.network, data, self.settings, self.token)
        if not self.cancelled:
            self.sigResult.emit((self.key, estimate))


class Estimator(QObject):
    """``request(key, network, data, settings)``; the answer comes on ``sigEstimate(key,
    EpochEstimate)`` or ``sigFailed(key, message)`` -- at once when it is known."""

    sigEstimate = Signal(object, object)
    sigFailed = Signal(object, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._thread: WorkerThread | None = None     # made at the first measurement
        self._known: dict = {}
        self.worker: EstimateWorker | None = None

    def known(self, key):
        return self._known.get(key)

    def busy(self) -> bool:
        return self.worker is not None

    def request(self, key, network, data, settings) -> None:
        if self.worker is not None and self.worker.key == key:
            return
        self.cancel()
        if key in self._known:
            self.sigEstimate.emit(key, self._known[key])
            return
        worker = self.worker = EstimateWorker(key, network, data, settings)
        worker.sigResult.connect(self._measured)
        worker.sigError.connect(lambda message, k=key: self.sigFailed.emit(k, message))
        worker.sigFinished.connect(lambda w=worker: self._done(w))
        if self._thread is None:
            self._thread = WorkerThread("train-estimate", self)
        self._thread.submit(worker)

    def _measured(self, answer) -> None:
        key, estimate = answer
        self._known[key] = estimate
        self.sigEstimate.emit(key, estimate)

    def _done(self, worker) -> None:
        if self.worker is worker:
            self.worker = None

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.worker = None

    def shutdown(self) -> None:
        self.cancel()
        if self._thread is not None:
            self._thread.stop()
