"""Work is never lost: quitting with an unsaved network asks to save it, an autosave
brings back what a crash left, Edit > Undo/Redo name their steps, File > Open Recent."""
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from core.graphdoc import document_from_json

from .conftest import answer_next_message_box, screenshot
from .test_editor import drop_from_palette

SAVE, DISCARD, CANCEL = (QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard,
                         QMessageBox.StandardButton.Cancel)


def test_quitting_with_an_unsaved_network_asks_and_save_keeps_it(make_main_window, qtbot, tmp_path):
    window = make_main_window()
    editor = window.show_view("editor")
    editor.new_from_template("lenet")
    path = tmp_path / "mine-symbol.json"
    assert editor.save_to(path)
    editor.set_attribute(editor.doc.by_name("conv1").id, "num_filter", "12")
    window.show_view("classify")
    asked = []
    answer_next_message_box(CANCEL, asked)
    assert not window.close()
    assert window.isVisible() and window.current_key() == "editor"
    assert asked == ["Save the changes to LeNet (seed 001) before quitting?"]
    answer_next_message_box(SAVE)
    assert window.close()
    saved = document_from_json(path.read_text())
    assert saved.by_name("conv1").attrs["num_filter"] == "12"


def test_a_crash_leaves_an_autosave_that_the_next_start_offers_back(make_main_window, qtbot, isolated_settings):
    window = make_main_window()
    editor = window.show_view("editor")
    editor.autosave.timer.setInterval(50)
    data = drop_from_palette(editor, "null", QPoint(300, 100))
    dense = drop_from_palette(editor, "FullyConnected", QPoint(300, 260))
    editor.set_attribute(dense, "num_hidden", "42")
    qtbot.waitUntil(lambda: editor.autosave.path.is_file(), timeout=5000)
    # a crash: the process ends without asking (no closeEvent) -- the file stays behind
    second = make_main_window()
    restored = second.show_view("editor")
    assert restored.restore_bar.isVisible()
    assert "Unsaved work from your last session" in restored.restore_bar.label.text()
    assert "1 layer," in restored.restore_bar.label.text()
    screenshot(second, "editor_restore_offer")
    qtbot.mouseClick(restored.restore_bar.restore_button, Qt.MouseButton.LeftButton)
    assert not restored.restore_bar.isVisible()
    assert restored.doc.by_name("fullyconnected0").attrs["num_hidden"] == "42"
    assert len(restored.doc.edges) == 0 and len(restored.doc.nodes) == 2
    assert restored.undo_stack.undoText() == "Restore autosaved work"
    # leaving knowingly removes the autosave: no offer at the next start
    editor.undo_stack.setClean()             # the first window stands for the crashed process
    answer_next_message_box(DISCARD)
    assert second.close()
    assert not editor.autosave.path.exists()


def test_edit_menu_names_the_step_undo_and_redo_would_take(make_main_window):
    window = make_main_window()
    editor = window.show_view("editor")
    drop_from_palette(editor, "Convolution", QPoint(300, 200))
    window.edit_menu.aboutToShow.emit()
    assert window.undo_action.text().startswith("Undo Add convolution0") and window.undo_action.isEnabled()
    assert not window.redo_action.isEnabled()
    window.undo_action.trigger()
    assert editor.doc.is_empty()
    window.edit_menu.aboutToShow.emit()
    assert window.redo_action.text().startswith("Redo Add convolution0")
    window.redo_action.trigger()
    assert len(editor.doc.nodes) == 1
    window.show_view("classify")
    window.edit_menu.aboutToShow.emit()
    assert not window.undo_action.isEnabled() and window.undo_action.text().startswith("Undo")
    window.show_view("editor")
    editor.undo_stack.setClean()
