"""Room (issue 22 §2): at the main window's minimum size the Build canvas is not clipped
and every panel's controls are on screen; the side panels collapse and expand from the
keyboard (remembered), giving their room to the canvas or the charts; fit-to-view shows
the whole network."""
import pytest
from PySide6.QtCore import QPoint, QRect, QRectF, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QAbstractItemView, QComboBox, QLineEdit, QWidget

from .conftest import screenshot

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView)


def at_minimum_size(qtbot, window, key):
    window.resize(window.minimumSize())
    view = window.show_view(key)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)   # shortcuts act in the active window
    return view


def unreachable(window, view):
    """Controls of ``view`` (shown ones) that lie outside the window or are squeezed
    below the size they need to show their text."""
    inside = QRect(QPoint(0, 0), window.size())
    bad = []
    for control in view.findChildren(QWidget):
        if not isinstance(control, CONTROLS) or not control.isVisibleTo(window) or control.window() is not window:
            continue
        where = QRect(control.mapTo(window, QPoint(0, 0)), control.size())
        if not inside.contains(where):
            bad.append(f"{type(control).__name__} {getattr(control, 'text', lambda: '')()!r} at {where}")
        elif isinstance(control, QAbstractButton) and control.width() < control.minimumSizeHint().width():
            bad.append(f"button {control.text()!r} squeezed to {control.width()} px "
                       f"(needs {control.minimumSizeHint().width()})")
    return bad


def network_on_screen(editor):
    """Where the network's layers are drawn, in canvas viewport pixels."""
    rect = QRectF()
    for item in editor.scene.node_items.values():
        rect = rect.united(item.sceneBoundingRect())
    return editor.canvas.mapFromScene(rect).boundingRect()


def network_inside_viewport(editor):
    canvas = editor.canvas
    shown = network_on_screen(editor)
    return canvas.viewport().rect().adjusted(-2, -2, 2, 2).contains(shown)


def network_centred(editor):
    canvas = editor.canvas
    shown = network_on_screen(editor)
    return abs(shown.center().x() - canvas.viewport().rect().center().x()) < 0.05 * canvas.viewport().width()


def test_build_at_the_minimum_window_size_has_a_usable_canvas(make_main_window, qtbot, isolated_settings):
    window = make_main_window()
    editor = at_minimum_size(qtbot, window, "editor")
    editor.new_from_template("lenet")
    qtbot.waitUntil(lambda: not editor.analysis_pending)
    assert window.size() == window.minimumSize()
    viewport = editor.canvas.viewport().size()
    assert viewport.width() >= 300 and viewport.height() >= 200, viewport
    # the view fits: nothing in it is laid out below its minimum (which clips at the edge)
    assert editor.minimumSizeHint().width() <= editor.width()
    assert editor.palette.isVisible() and editor.inspector.isVisible()
    assert not unreachable(window, editor), unreachable(window, editor)
    assert editor.train_button.text() == "Train" and editor.train_button.toolTip() == "Train this network"
    qtbot.mouseClick(editor.fit_button, Qt.MouseButton.LeftButton)
    assert network_inside_viewport(editor)
    screenshot(window, "trainroom_minimum")

    # Ctrl+B folds the palette, Ctrl+Alt+B the inspector: the canvas takes their room
    qtbot.keyClick(editor.canvas, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert not editor.palette.isVisible()
    qtbot.waitUntil(lambda: editor.canvas.viewport().width() >= viewport.width() + 90)
    after_palette = editor.canvas.viewport().width()
    qtbot.keyClick(editor.canvas, Qt.Key.Key_B,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert not editor.inspector.isVisible()
    qtbot.waitUntil(lambda: editor.canvas.viewport().width() >= after_palette + 200)
    assert editor.palette_toggle.button.text() == "Palette ▸"
    assert editor.inspector_toggle.button.text() == "◂ Inspector"
    assert network_centred(editor)       # the canvas grew around the network
    editor.canvas.setFocus()
    qtbot.keyClick(editor.canvas, Qt.Key.Key_F)
    assert network_inside_viewport(editor) and network_centred(editor)
    screenshot(window, "trainroom_minimum_collapsed")
    assert isolated_settings.value("editor/palette_shown") in (False, "false")

    # remembered: the next window opens with the panels folded; a click brings one back
    window.close()
    again = make_main_window()
    editor = at_minimum_size(qtbot, again, "editor")
    assert not editor.palette.isVisible() and not editor.inspector.isVisible()
    narrow = editor.canvas.viewport().width()
    qtbot.mouseClick(editor.inspector_toggle.button, Qt.MouseButton.LeftButton)
    assert editor.inspector.isVisible()
    qtbot.waitUntil(lambda: editor.canvas.viewport().width() < narrow)
    assert not unreachable(again, editor), unreachable(again, editor)


def test_the_train_settings_fold_away_for_the_charts(make_main_window, qtbot):
    window = make_main_window()
    train = at_minimum_size(qtbot, window, "train")
    form_panel = train.settings_toggle.panel
    assert form_panel.isVisible()
    qtbot.waitUntil(lambda: "per epoch" in train.form.run_size.note.text(), timeout=120_000)
    screenshot(window, "trainroom_train_minimum")
    charts = train.tabs.width()
    # the same keys as Build's palette: only the view on screen answers
    qtbot.keyClick(train.form.network, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert not form_panel.isVisible()
    qtbot.waitUntil(lambda: train.tabs.width() > charts + 250)
    editor = window.view("editor")
    assert editor.palette_toggle.isChecked() and not editor.palette.isHidden()   # Build's palette did not fold
    screenshot(window, "trainroom_train_minimum_collapsed")
    qtbot.mouseClick(train.settings_toggle.button, Qt.MouseButton.LeftButton)
    assert form_panel.isVisible()
    qtbot.waitUntil(lambda: train.tabs.width() == pytest.approx(charts, abs=2))
