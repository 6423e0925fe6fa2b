"""pytest-qt fixtures for the app: a MainWindow with isolated settings, real drops, screenshots.

The windows run the real engine (no mocks): the Classify view loads the offline
EfficientNet-Lite0 from the zoo.
"""
import os
import shutil
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, QSettings, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "resources" / "samples"
SCREENSHOTS = ROOT / "tests" / "_screenshots"
MODEL_TIMEOUT_MS = 600_000   # the first use converts EfficientNet-Lite0; later runs hit the cache


def _visible_windows():
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()]


@pytest.fixture
def isolated_settings(tmp_path):
    """Settings in tmp_path; default-constructed QSettings also land there, never in $HOME."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(tmp_path / "qsettings"))
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_main_window(qapp, qtbot, isolated_settings):
    """Build MainWindows under the test's QApplication; fails if any window leaks."""
    from app import MainWindow
    leaked = _visible_windows()
    assert not leaked, f"an earlier test left windows open: {leaked}"
    made = []

    def make(settings=isolated_settings, size=(1280, 820)):
        window = MainWindow(settings=settings)
        if size:
            window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        return window

    from app.threads import running_threads
    others = Counter(running_threads())   # threads of objects this fixture did not make
    yield make
    for window in made:
        _forget_unsaved_work(window)      # the test is over: closing must not ask to save
        window.close()
    not_joined = Counter(running_threads()) - others   # close() must join every app thread
    for window in made:
        window.deleteLater()
    # run the deferred deletes now, so anything a window does while it is destroyed is
    # reported against the test that made it (processEvents() alone leaves them queued)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()
    leaked = _visible_windows()
    for widget in leaked:
        widget.close()
    assert not leaked, f"test leaked windows: {leaked}"
    assert not not_joined, f"threads still running after close(): {sorted(not_joined)}"


def _forget_unsaved_work(window):
    for key in window.view_keys():
        stack = getattr(window.view(key), "undo_stack", None)
        if stack is not None:
            stack.setClean()


@pytest.fixture
def main_window(make_main_window):
    return make_main_window()


def drop_urls(target, paths):
    """What a file manager does: drag file:// URLs over the window and drop them.

    The events go to the top-level QWindow, so Qt picks the widget under the cursor.
    """
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(Path(p).resolve())) for p in paths])
    point = target.mapTo(target.window(), QPoint(target.width() // 2, target.height() // 2))
    handle = target.window().windowHandle()
    copy = Qt.DropAction.CopyAction
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, copy, mime, left, none)
    QApplication.sendEvent(handle, enter)
    assert enter.isAccepted(), "the view refused the drag"
    QApplication.sendEvent(handle, QDragMoveEvent(point, copy, mime, left, none))
    drop = QDropEvent(QPointF(point), copy, mime, left, none)
    QApplication.sendEvent(handle, drop)
    assert drop.isAccepted(), "the view refused the drop"


def screenshot(widget, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not save {path}"
    return path


def copy_samples(folder, names=("chelsea.png", "coffee.png", "rocket.jpg")):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SAMPLES / name, folder / name)
    return [folder / name for name in names]


def answer_next_message_box(button, seen=None):
    """Click ``button`` (a QMessageBox.StandardButton) on the next modal message box, as a
    person would; its text goes to ``seen`` (a list) when given."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        if seen is not None:
            seen.append(box.text())
        box.button(button).click()
    QTimer.singleShot(0, click)


def answer_next_input_dialog(text):
    """Type ``text`` into the next modal QInputDialog and press OK."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QInputDialog

    def answer():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, answer)
            return
        dialog.setTextValue(text)
        dialog.accept()
    QTimer.singleShot(0, answer)
