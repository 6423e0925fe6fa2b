"""Background work for the Data view: opening datasets, measuring the input statistics,
downloading Fashion-MNIST, and decoding image-folder thumbnails. Nothing here touches a
widget; results travel by signal as plain data (numpy arrays, dataclasses of them)."""
from __future__ import annotations

import threading
import time
from collections import deque

from PySide6.QtCore import QObject, QThread, Signal

from ..threads import finish, own_thread
from ..workers import Worker


class OpenDatasetWorker(Worker):
    """Runs ``opener()`` (e.g. ``lambda: open_dataset(path)``) and reports the DataSource."""

    def __init__(self, opener, what: str):
        super().__init__()
        self.opener, self.what = opener, what

    def work(self) -> None:
        self.sigProgress.emit({"text": f"Opening {self.what}…"})
        self.sigResult.emit(self.opener())


class InputSpecWorker(Worker):
    """The network input for a dataset (mean/std need a pass over up to 2,000 pictures)."""

    def __init__(self, source, normalize: str, size, channels):
        super().__init__()
        self.source, self.normalize, self.size, self.channels = source, normalize, size, channels

    def work(self) -> None:
        from core.session import choose_input
        spec = choose_input(self.source, self.normalize, self.size, self.channels)
        self.sigResult.emit({"source": self.source, "spec": spec})


class DownloadFashionWorker(Worker):
    """Zalando's four files into the user cache, with progress about 10 times a second."""

    def __init__(self):
        super().__init__()
        self._last = 0.0

    def work(self) -> None:
        from core.io.datasets import download_fashion_mnist
        folder = download_fashion_mnist(progress=self._progress, cancel=self.cancel_event)
        self.sigResult.emit(str(folder))

    def _progress(self, done, total, speed=0.0) -> None:
        now = time.monotonic()
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        self.sigProgress.emit({"done": int(done), "total": int(total or 0), "speed": float(speed or 0)})


class FolderThumbnailer(QThread):
    """Decodes pictures of an image-folder split into small thumbnails, newest request
    first (what scrolled into view last is what the person is looking at). Not a Qt child
    of ``owner``: it is stopped and joined by ``stop()``, when the owner is destroyed, or at
    interpreter exit, whichever comes first (see ``app.threads``)."""

    sigReady = Signal(int, object)     # split index, HxWx3 uint8 (None when unreadable)
    MAX_PENDING = 400

    def __init__(self, owner: QObject | None = None):
        super().__init__()
        self.setObjectName("data-thumbnails")
        self._pending: deque[int] = deque()
        self._split = None
        self._lock = threading.Condition()
        self._stopping = False
        own_thread(owner, self, self._request_stop)

    def set_split(self, split) -> None:
        with self._lock:
            self._split = split
            self._pending.clear()

    def request(self, position: int) -> None:
        with self._lock:
            if position in self._pending:
                self._pending.remove(position)     # asked again: move it to the front
            self._pending.append(position)
            while len(self._pending) > self.MAX_PENDING:
                self._pending.popleft()
            self._lock.notify()

    def stop(self) -> None:
        finish(self)

    def _request_stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._lock.notify()

    def run(self) -> None:
        from ..widgets.thumbnail import thumbnail_array
        while True:
            with self._lock:
                while not self._pending and not self._stopping:
                    self._lock.wait()
                if self._stopping:
                    return
                position, split = self._pending.pop(), self._split
            try:
                pixels = thumbnail_array(split.picture(position), max_side=120)
            except Exception:  # noqa: BLE001 - an unreadable file shows the broken-image tile
                pixels = None
            self.sigReady.emit(position, pixels)
