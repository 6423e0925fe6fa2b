"""``netstudio --self-test``: open the window, drop the sample images through the real
drop path, wait for the answers, save a screenshot and print the top-5 of each image;
then train two batches in two processes (the training worker starts and answers).

Exit code 0 only if every sample got predictions; the settings used are temporary, so a
self-test never changes the user's remembered window, model or device.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from .about import about_lines
from .resources import resource_path, sample_images
from .settings import open_settings


def drop_files(target: QWidget, paths) -> None:
    """Drag file URLs onto ``target`` as a desktop does: enter, move, drop.

    The events go to the top-level window, so Qt itself finds the widget under the cursor.
    """
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(Path(p).resolve())) for p in paths])
    window = target.window().windowHandle()
    point = target.mapTo(target.window(), QPoint(target.width() // 2, target.height() // 2))
    pos = QPointF(point)
    actions = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    receiver = window if window is not None else target
    QApplication.sendEvent(receiver, QDragEnterEvent(pos.toPoint(), actions, mime, buttons, modifiers))
    QApplication.sendEvent(receiver, QDragMoveEvent(pos.toPoint(), actions, mime, buttons, modifiers))
    QApplication.sendEvent(receiver, QDropEvent(pos, actions, mime, buttons, modifiers))


def wait_until_idle(view, timeout_s: float) -> bool:
    """Run the event loop until the Classify view is idle; False on timeout."""
    if not view.busy():
        return True
    loop = QEventLoop()
    view.sigIdle.connect(loop.quit)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(int(timeout_s * 1000))
    loop.exec()
    view.sigIdle.disconnect(loop.quit)
    return not view.busy()


def format_top5(item) -> str:
    if item.error:
        return f"{item.name}: ERROR {item.error}"
    lines = [f"{item.name}:"]
    for rank, (index, label, probability) in enumerate(item.predictions, start=1):
        lines.append(f"  {rank}. {label:<32} {100 * probability:6.2f}%  (class {index})")
    return "\n".join(lines)


def lanes_line() -> str:
    """Train two batches of LeNet in two processes: the packaged app's training worker
    starts and answers, as a long run in the Train view needs (plumbing, not accuracy:
    the pictures are blank)."""
    import logging

    import numpy as np

    import core as mx
    from core import runtime
    from core.zoo.builtin.lenet import get_symbol
    if runtime.describe().max_lanes < 2:
        return "one process (one core)"
    pictures = np.zeros((128, 1, 28, 28), np.float32)
    labels = np.arange(128, dtype=np.float32) % 10
    module = mx.mod.Module(get_symbol(), logger=logging.getLogger("netstudio.self-test"), lanes=2)
    module.fit(mx.io.NDArrayIter(pictures, labels, batch_size=64), num_epoch=1,
               initializer=mx.init.Xavier())
    return f"LeNet trained in {module.processes} processes"


def run_self_test(screenshot: Path | None = None, timeout_s: float = 900.0) -> int:
    from .classify.results_model import DONE
    from .main_window import MainWindow
    samples = sample_images()
    if not samples:
        print(f"self-test FAILED: no sample images in {resource_path('samples')}", file=sys.stderr)
        return 2
    for key, value in about_lines():
        print(f"{key}: {value}")
    screenshot = Path(screenshot or Path(tempfile.gettempdir()) / "netstudio-self-test.png")
    with tempfile.TemporaryDirectory(prefix="netstudio-self-test-") as scratch:
        window = MainWindow(settings=open_settings(Path(scratch) / "settings.ini"))
        window.show()
        view = window.show_view("classify")
        QApplication.processEvents()
        started = time.perf_counter()
        drop_files(view, samples)
        finished = wait_until_idle(view, timeout_s)
        QApplication.processEvents()
        window.grab().save(str(screenshot))
        items = view.results.items()
        window.close()
    for item in items:
        print(format_top5(item))
    try:
        print(f"Lanes: {lanes_line()}")
    except Exception as error:  # noqa: BLE001 - reported; classifying is what must pass
        print(f"Lanes: failed: {type(error).__name__}: {error}")
    print(f"screenshot: {screenshot}")
    print(f"time: {time.perf_counter() - started:.1f} s for {len(items)} images")
    if not finished:
        print(f"self-test FAILED: no answers within {timeout_s:.0f} s", file=sys.stderr)
        return 1
    if len(items) != len(samples) or any(item.state != DONE for item in items):
        print("self-test FAILED: not every sample image got predictions", file=sys.stderr)
        return 1
    print("self-test passed")
    return 0
