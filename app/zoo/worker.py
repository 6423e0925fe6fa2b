"""The Zoo view's background work: downloading a model with calm progress reports."""
from __future__ import annotations

import time

from core.errors import Cancelled

from ..workers import Worker

class DownloadWorker(Worker):
    """Downloads a zoo model; progress at most ~10 times a second to keep the GUI calm."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self._last_report = 0.0

    def work(self) -> None:
        from core.zoo import download_model
        self.sigProgress.emit({"name": self.name, "done": 0, "total": 0, "speed": 0.0})
        try:
            download_model(self.name, progress=self._progress, cancel=self.cancel_event)
        except Cancelled:
            state = "cancelled"   # the partial file stays, so the next Download resumes it
        else:
            state = "installed"   # a Cancel that came after the last byte changes nothing
        self.sigResult.emit({"name": self.name, "state": state})

    def _progress(self, done, total=None, speed=None) -> None:
        now = time.monotonic()
        if now - self._last_report < 0.1 and done != total:
            return
        self._last_report = now
        self.sigProgress.emit({"name": self.name, "done": int(done), "total": int(total or 0),
                               "speed": float(speed or 0.0)})
