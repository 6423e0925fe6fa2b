"""Issue 15.1: every thread the app starts is stopped and joined when its owner goes,
whatever the order of teardown -- a script that leaves the window open exits 0."""
import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import QEvent

from .conftest import ROOT

SCRIPT = """
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    import app
    from app.threads import running_threads

    qapp = QApplication([])
    window = app.MainWindow()
    window.show()
    qapp.processEvents()
    print("running:", sorted(running_threads()), flush=True)
    if {delete_window}:
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        print("after the window:", sorted(running_threads()), flush=True)
"""
APP_THREADS = "['classify', 'data-jobs', 'data-thumbnails', 'detect', 'training', 'zoo-downloads']"


@pytest.mark.parametrize("delete_window", [False, True], ids=["window-left-open", "window-deleted"])
def test_a_script_that_leaves_the_window_exits_cleanly(tmp_path, delete_window):
    script = tmp_path / "leave_open.py"
    script.write_text(textwrap.dedent(SCRIPT.format(delete_window=delete_window)))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               NETSTUDIO_SETTINGS=str(tmp_path / "settings.ini"))
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert "Destroyed while thread" not in done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"running: {APP_THREADS}" in done.stdout      # the threads did exist
    if delete_window:                                     # joined with their owner, not at exit
        assert "after the window: []" in done.stdout


def test_a_thread_is_joined_when_its_owner_is_destroyed_and_only_once(qapp):
    import threading

    from PySide6.QtCore import QObject, QThread

    from app.threads import finish, own_thread, running_threads

    class Blocked(QThread):
        def __init__(self):
            super().__init__()
            self.setObjectName("test-blocked")
            self.release = threading.Event()

        def run(self):
            self.release.wait()

    owner, thread = QObject(), Blocked()
    own_thread(owner, thread, thread.release.set)
    thread.start()
    assert "test-blocked" in running_threads() and thread.isRunning()
    owner.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert thread.isFinished() and "test-blocked" not in running_threads()
    finish(thread)                     # already joined: nothing to do, no error
