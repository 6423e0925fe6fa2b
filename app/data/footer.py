"""The Data view's footer: what is happening (opening, measuring, downloading) with a
progress bar and Cancel, and the thread those jobs run on."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ..workers import WorkerThread
from .jobs import DownloadFashionWorker


class JobFooter(QWidget):
    sigError = Signal(str)
    sigIdle = Signal()               # no visible job is running any more

    def __init__(self, parent=None):
        super().__init__(parent)
        self.jobs = WorkerThread("data-jobs", self)
        self._busy = 0               # jobs that show the progress bar
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel("")
        self.status.setObjectName("ViewSubtitle")
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(240)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.jobs.cancel_all)
        row.addWidget(self.status, 1)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)

    def run(self, worker, on_result, quiet: bool = False) -> None:
        """Submit a worker; ``quiet`` ones (quick recomputations) show no progress."""
        worker.sigResult.connect(on_result)
        worker.sigError.connect(self.sigError)
        if not quiet:
            self._busy += 1
            worker.sigProgress.connect(self._on_progress)
            worker.sigFinished.connect(self._finished)
            self.progress.setRange(0, 0)
            self.progress.show()
            self.cancel_button.setVisible(isinstance(worker, DownloadFashionWorker))
        self.jobs.submit(worker)

    def _on_progress(self, info: dict) -> None:
        if "text" in info:
            self.status.setText(info["text"])
            return
        total = max(info["total"], 1)
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(1000 * info["done"] / total))
        self.status.setText(f"Downloading Fashion-MNIST: {info['done'] / 1e6:.1f} of {total / 1e6:.1f} MB "
                            f"({info['speed'] / 1e6:.1f} MB/s)")

    def _finished(self) -> None:
        self._busy -= 1
        if self._busy <= 0:
            self.progress.hide()
            self.cancel_button.hide()
            self.sigIdle.emit()

    def stop(self) -> None:
        self.jobs.stop()
