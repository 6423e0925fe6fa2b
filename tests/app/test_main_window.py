"""The window: views, menus and shortcuts, remembered settings, device selector, About."""
import subprocess
import sys

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel

from app.about import AboutDialog, about_lines
from app.views import DEFAULT_VIEWS, BrokenView, View, ViewSpec
from app.widgets.device_selector import KEY_ROLE, DeviceSelector
from core import context

from .conftest import ROOT, screenshot


def test_window_hosts_every_view_and_none_failed_to_load(main_window):
    assert main_window.view_keys() == [spec.key for spec in DEFAULT_VIEWS]
    for spec in DEFAULT_VIEWS:
        view = main_window.show_view(spec.key)
        assert main_window.current_view() is view
        assert not isinstance(view, BrokenView), f"{spec.key}: {view.load_error}"
        assert isinstance(view, View), spec.key
        screenshot(main_window, f"view_{spec.key}")


def test_a_view_that_cannot_load_says_why_and_the_others_still_work(qtbot, isolated_settings):
    from app import MainWindow
    zoo = next(spec for spec in DEFAULT_VIEWS if spec.key == "zoo")
    missing = ViewSpec("lab", "Lab", "app.no_such_view", "LabView", "build")
    window = MainWindow(settings=isolated_settings, views=(zoo, missing))
    qtbot.addWidget(window)
    broken = window.show_view("lab")
    assert isinstance(broken, BrokenView)
    assert "No module named 'app.no_such_view'" in broken.load_error
    texts = [label.text() for label in broken.findChildren(QLabel)]
    assert "Lab could not be opened" in texts and not any("coming soon" in t for t in texts)
    assert window.sidebar.views.item(1).toolTip() == "Lab could not be opened"
    window.show_view("zoo")
    window.statusBar().clearMessage()
    window.view("zoo").sigStatus.emit("still here")
    assert window.statusBar().currentMessage() == "still here"
    window.close()


def test_menus_have_the_usual_shortcuts(main_window):
    actions = {a.text().replace("&", ""): a for m in main_window.menuBar().actions()
               for a in m.menu().actions() if a.text()}
    for name, key in (("Open…", "Ctrl+O"), ("Save…", "Ctrl+S"), ("Quit", "Ctrl+Q"),
                      ("Paste", "Ctrl+V"), ("Preferences…", "Ctrl+,"), ("About Net Studio", "F1")):
        assert QKeySequence(key) in actions[name].shortcuts(), name
    assert QKeySequence("Ctrl+5") in actions["Zoo"].shortcuts()
    assert "Open Recent" in actions


def test_geometry_view_and_device_are_remembered(make_main_window, isolated_settings):
    first = make_main_window()
    first.resize(1100, 700)
    first.show_view("zoo")
    first.close()
    second = make_main_window(isolated_settings, size=None)
    assert second.current_key() == "zoo"
    # the offscreen screen is 800x800, so Qt fits the restored width into the screen (and
    # then our minimum width); the height fits and comes back exactly
    assert second.height() == 700 and second.size() != QSize(1280, 820)
    assert isolated_settings.value("device") == "cpu"
    assert "Device: CPU" in second.device_label.text()


def test_recent_files_remember_what_was_opened(main_window, tmp_path):
    main_window.recent.add(tmp_path / "a.png")
    main_window.recent.add(tmp_path / "b.png")
    main_window.recent.add(tmp_path / "a.png")
    assert [p.rsplit("/", 1)[-1] for p in main_window.recent.paths()] == ["a.png", "b.png"]


@pytest.mark.skipif(context.num_gpus() > 0, reason="checks the no-CUDA state")
def test_device_selector_without_cuda_disables_the_gpu_and_says_why(main_window):
    selector: DeviceSelector = main_window.device_selector
    model = selector.model()
    assert [model.item(r).text() for r in range(model.rowCount())] == ["CPU", "GPU (unavailable)"]
    gpu_item = model.item(1)
    assert not gpu_item.isEnabled()
    assert gpu_item.toolTip() == context.gpu_unavailable_reason()
    assert "CuPy" in gpu_item.toolTip() or "CUDA" in gpu_item.toolTip()
    assert selector.set_current_key("gpu:0") is False
    assert selector.current_key() == "cpu" and gpu_item.data(KEY_ROLE) == "gpu:0"
    selector.showPopup()
    screenshot(selector.view().window(), "device_popup")
    screenshot(main_window.sidebar, "sidebar")
    selector.hidePopup()


def test_about_names_version_build_and_device(main_window):
    lines = dict(about_lines())
    assert lines["Version"] and lines["Built"] and "CPU" in lines["Devices"]
    assert lines["Kernels"].startswith("compiled (numba")   # numba is a dependency
    assert "process" in lines["Threads"]
    assert "NanoDet" in lines["Models"] and "Apache-2.0" in lines["Models"] and "MIT" in lines["Models"]
    dialog = AboutDialog(main_window)
    dialog.show()
    screenshot(dialog, "about")
    dialog.close()


def test_zoo_view_lists_the_registry(main_window):
    from core.zoo import list_models
    zoo = main_window.show_view("zoo")
    names = [zoo.table_model.info(r).name for r in range(zoo.table_model.rowCount())]
    assert names == [info.name for info in list_models()]
    assert "efficientnet-lite0" in names and not zoo.error.isVisible()
    row = names.index("efficientnet-lite0")
    assert zoo.table_model.index(row, 5).data() in ("Installed", "Not installed")
    screenshot(main_window, "zoo")


def test_use_in_classify_is_routed_to_the_classify_view(main_window, qtbot):
    zoo = main_window.show_view("zoo")
    zoo.sigUseInClassify.emit("efficientnet-lite0")
    classify = main_window.view("classify")
    assert main_window.current_view() is classify
    assert classify.selector.current_spec().name == "efficientnet-lite0"


def test_self_test_command_exits_zero_with_a_top5(tmp_path):
    shot = tmp_path / "self-test.png"
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    import os
    env = {**os.environ, **env}
    done = subprocess.run([sys.executable, "-m", "app", "--self-test", "--screenshot", str(shot)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1. espresso" in done.stdout and "self-test passed" in done.stdout
    from core import runtime
    assert ("Lanes: LeNet trained in 2 processes" if runtime.describe().max_lanes > 1 else "Lanes: one process") in done.stdout
    assert shot.stat().st_size > 10_000


def test_preferences_show_the_device_and_settings_file(main_window, isolated_settings):
    from app.preferences import PreferencesDialog
    dialog = PreferencesDialog(isolated_settings, "cpu", main_window)
    dialog.show()
    assert dialog.device_key() == "cpu"
    screenshot(dialog, "preferences")
    dialog.close()


def test_dragging_files_over_classify_highlights_the_whole_view(main_window, qtbot):
    from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent
    from PySide6.QtWidgets import QApplication
    from .conftest import SAMPLES
    view = main_window.show_view("classify")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLES / "coffee.png"))])
    point = view.mapTo(main_window, QPoint(40, view.height() - 40))   # near a corner, not the list
    enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(main_window.windowHandle(), enter)
    assert enter.isAccepted() and view.overlay.isVisible()
    screenshot(main_window, "classify_drag_over")
    view.dragLeaveEvent(None)
    assert not view.overlay.isVisible()
