"""Every widget has a parent: showing and using each view never flashes up a window of
its own (an inspector's reset button, a banner) that would steal the focus."""
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QApplication, QMenu, QToolTip

from .conftest import SAMPLES, drop_urls
from .test_editor import drop_from_palette, edit_field


class WindowWatcher(QObject):
    """Records every widget that is shown while it is a window of its own."""

    def __init__(self, main_window):
        super().__init__()
        self.main_window, self.shown = main_window, []

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Show and obj.isWidgetType() and obj.isWindow() \
                and obj is not self.main_window and not isinstance(obj, QMenu) \
                and obj.metaObject().className() not in ("QTipLabel", "QComboBoxPrivateContainer"):
            self.shown.append(f"{obj.metaObject().className()} {obj.objectName()!r}")
        return False


@pytest.fixture
def watched(main_window, qapp):
    watcher = WindowWatcher(main_window)
    qapp.installEventFilter(watcher)
    yield main_window, watcher
    qapp.removeEventFilter(watcher)


def test_using_each_view_opens_no_window_of_its_own(watched, qtbot, tmp_path):
    window, watcher = watched
    for key in window.view_keys():
        window.show_view(key)
        qtbot.wait(20)
    editor = window.show_view("editor")
    conv = drop_from_palette(editor, "Convolution", QPoint(300, 200))
    editor.scene.select_nodes([conv])
    edit_field(editor, "stride", "(2, 2)")          # a reset button appears beside the field
    editor.inspector._reset_buttons["stride"].click()
    editor.train_button.click()                      # the banner says why not
    assert editor.banner.isVisible()
    editor.scene.select_nodes([])
    editor.undo_stack.setClean()                     # no "discard changes?" question here
    editor.new_from_template("lenet")
    editor.scene.select_nodes([editor.doc.by_name("conv1").id])
    train = window.show_view("train")
    train.banner.setText("x")
    train.banner.show()
    window.show_view("classify")
    window.show_view("zoo")
    window.show_view("data")
    qtbot.wait(50)
    assert watcher.shown == [], f"widgets shown as windows of their own: {watcher.shown}"


def test_build_refuses_drops_it_cannot_use_with_a_message(qtbot, tmp_path):
    from .test_editor import make_editor
    editor = make_editor(qtbot, 1200, 800)
    drop_urls(editor.canvas.viewport(), [SAMPLES / "coffee.png"])
    assert editor.banner.isVisible()
    assert "cannot use coffee.png" in editor.banner.text() and "Classify" in editor.banner.text()
    assert editor.doc.is_empty()
    editor.banner.hide()
    editor.canvas.sigDropped.emit("NoSuchLayer", editor.canvas.mapToScene(QPoint(100, 100)))
    assert editor.banner.isVisible() and "no layer called 'NoSuchLayer'" in editor.banner.text()
    assert editor.doc.is_empty()
