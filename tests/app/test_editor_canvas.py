"""The canvas with real mouse and keyboard events: port drags, rubber-band selection,
moving, deleting, copy/paste, zoom, and the hand-offs through the main window."""
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from core.graphdoc import Edge

from .conftest import answer_next_message_box, screenshot
from .test_editor import drop_from_palette, edit_field, make_editor, node_named, port, select_only

LEFT, NO_BUTTON = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def editor(qtbot):
    return make_editor(qtbot)


def to_view(view, scene_point):
    return view.canvas.mapFromScene(scene_point)


def mouse_drag(view, start, end, steps=6):
    """Press at ``start``, move with the button held, release at ``end`` (viewport points)."""
    viewport = view.canvas.viewport()
    QTest.mousePress(viewport, LEFT, NO_MODIFIER, start)
    for step in range(1, steps + 1):
        point = start + (end - start) * step / steps
        move = QMouseEvent(QEvent.Type.MouseMove, QPointF(point), QPointF(viewport.mapToGlobal(point)),
                           NO_BUTTON, LEFT, NO_MODIFIER)
        QApplication.sendEvent(viewport, move)
    QTest.mouseRelease(viewport, LEFT, NO_MODIFIER, end)


def two_layers(view):
    data = drop_from_palette(view, "null", QPoint(300, 120))
    dense = drop_from_palette(view, "FullyConnected", QPoint(300, 320))
    return data, dense


def test_dragging_from_an_output_port_to_an_input_port_connects_them(editor):
    data, dense = two_layers(editor)
    start = to_view(editor, port(editor, data, "out", 0).scenePos())
    end = to_view(editor, port(editor, dense, "in", "data").scenePos())
    mouse_drag(editor, start, end)
    assert editor.doc.edges == [Edge(data, 0, dense, "data")]
    assert editor.undo_stack.undoText() == "Connect"
    editor.analyse_now()
    assert editor.report.errors == {}
    label = next(iter(editor.scene.edge_items.values())).label
    assert label == "1×28×28"
    mouse_drag(editor, end, start)            # dragging back from the input works too
    assert len(editor.doc.edges) == 1


def test_a_drag_released_on_empty_canvas_or_same_kind_port_connects_nothing(editor):
    data, dense = two_layers(editor)
    start = to_view(editor, port(editor, data, "out", 0).scenePos())
    mouse_drag(editor, start, start + QPoint(200, 40))
    other = drop_from_palette(editor, "Activation", QPoint(600, 120))
    mouse_drag(editor, start, to_view(editor, port(editor, other, "out", 0).scenePos()))
    assert editor.doc.edges == []
    assert editor.scene._drag_line is None


def test_rubber_band_selects_and_dragging_moves_with_one_undo_step(editor):
    data, dense = two_layers(editor)
    far = drop_from_palette(editor, "Activation", QPoint(900, 600))
    editor.scene.clearSelection()
    mouse_drag(editor, QPoint(60, 60), QPoint(560, 420))
    assert sorted(editor.scene.selected_node_ids()) == sorted([data, dense])
    before = {i: editor.doc.nodes[i].pos for i in (data, dense)}
    far_before = editor.doc.nodes[far].pos
    grab = to_view(editor, editor.scene.node_items[dense].sceneBoundingRect().center() + QPointF(-40, 0))
    mouse_drag(editor, grab, grab + QPoint(120, 60))
    after = {i: editor.doc.nodes[i].pos for i in (data, dense)}
    zoom = editor.canvas.zoom()
    for node_id in (data, dense):
        assert after[node_id][0] == pytest.approx(before[node_id][0] + 120 / zoom, abs=2)
    assert editor.doc.nodes[far].pos == far_before
    assert editor.undo_stack.undoText() == "Move 2 layers"
    editor.undo_stack.undo()
    assert {i: editor.doc.nodes[i].pos for i in (data, dense)} == before
    assert editor.scene.node_items[data].pos() == QPointF(*before[data])


def test_delete_key_removes_layers_with_their_edges_and_undo_restores(editor):
    editor.new_from_template("lenet")
    relu1 = node_named(editor, "relu1").id
    select_only(editor, relu1)
    editor.canvas.setFocus()
    QTest.keyClick(editor.canvas, Qt.Key.Key_Delete)
    assert relu1 not in editor.doc.nodes and len(editor.doc.edges) == 11
    editor.analyse_now()
    pool1 = node_named(editor, "pool1").id
    assert "not connected" in editor.report.errors[pool1]
    editor.undo_stack.undo()
    assert relu1 in editor.doc.nodes and len(editor.doc.edges) == 13
    edge = editor.scene.edge_items[(relu1, "data")]
    editor.scene.clearSelection()
    edge.setSelected(True)
    QTest.keyClick(editor.canvas, Qt.Key.Key_Delete)
    assert editor.doc.edge_into(relu1, "data") is None and relu1 in editor.doc.nodes
    assert editor.undo_stack.undoText() == "Disconnect"


def test_copy_and_paste_duplicate_layers_with_fresh_names(editor):
    editor.new_from_template("lenet")
    conv1, relu1 = node_named(editor, "conv1").id, node_named(editor, "relu1").id
    editor.scene.select_nodes([conv1, relu1])
    editor.copy_selection()
    editor.paste()
    names = sorted(editor.doc.nodes[i].name for i in editor.scene.selected_node_ids())
    assert names == ["conv1_1", "relu1_1"]
    assert len(editor.doc.nodes) == 16 and len(editor.doc.edges) == 14
    pasted = node_named(editor, "conv1_1")
    assert pasted.attrs == node_named(editor, "conv1").attrs
    assert pasted.pos[0] == node_named(editor, "conv1").pos[0] + 40
    editor.undo_stack.undo()
    assert len(editor.doc.nodes) == 14


def test_right_click_menu_acts_on_the_layer_under_the_pointer(editor):
    editor.new_from_template("lenet")
    conv1 = editor.scene.node_items[node_named(editor, "conv1").id]
    menu = editor.context_menu(conv1.sceneBoundingRect().center())
    assert editor.scene.selected_node_ids() == [conv1.node_id]
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert actions["Delete"].isEnabled()
    actions["Delete"].trigger()
    assert conv1.node_id not in editor.doc.nodes
    menu = editor.context_menu(QPointF(-3000, -3000))
    assert not {a.text(): a for a in menu.actions()}["Copy"].isEnabled()


def test_fewer_concat_inputs_drop_an_edge_and_undo_brings_it_back(editor):
    data, _ = two_layers(editor)
    concat = drop_from_palette(editor, "Concat", QPoint(300, 500))
    for slot in ("arg0", "arg1"):
        editor.scene.connect_ports(port(editor, data, "out", 0), port(editor, concat, "in", slot))
    select_only(editor, concat)
    edit_field(editor, "num_args", 3)
    assert list(editor.scene.node_items[concat].inputs) == ["arg0", "arg1", "arg2"]
    edit_field(editor, "num_args", 1)
    assert [e.slot for e in editor.doc.edges_into(concat)] == ["arg0"]
    editor.undo_stack.undo()
    assert [e.slot for e in editor.doc.edges_into(concat)] == ["arg0", "arg1"]
    assert editor.scene.node_items[concat].inputs["arg1"].connected


def test_replacing_an_edited_document_asks_first(editor):
    from PySide6.QtWidgets import QMessageBox
    editor.new_from_template("lenet")
    editor.set_attribute(node_named(editor, "conv1").id, "num_filter", "8")
    answers = []
    answer_next_message_box(QMessageBox.StandardButton.Cancel, answers)
    editor.new_from_template("mlp")
    assert answers == ["Save the changes to LeNet (seed 001) before opening another network?"]
    assert node_named(editor, "conv1") is not None
    answer_next_message_box(QMessageBox.StandardButton.Discard)
    editor.new_from_template("mlp")
    assert node_named(editor, "conv1") is None and editor.undo_stack.isClean()


def test_wheel_zooms_and_fit_shows_everything(editor):
    editor.new_from_template("resnet18_v1")
    viewport = editor.canvas.viewport()
    before = editor.canvas.zoom()
    center = QPointF(viewport.rect().center())
    wheel = QWheelEvent(center, QPointF(viewport.mapToGlobal(center.toPoint())), QPoint(0, 0), QPoint(0, -240),
                        NO_BUTTON, NO_MODIFIER, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, wheel)
    assert editor.canvas.zoom() < before
    editor.fit()
    visible = editor.canvas.mapToScene(viewport.rect()).boundingRect()
    assert visible.contains(editor.canvas._content_rect())


def test_the_main_window_hosts_the_editor_and_routes_hand_offs(make_main_window, tmp_path):
    window = make_main_window()
    editor = window.view("editor")
    assert type(editor).__name__ == "EditorView"
    window.view("zoo").sigOpenInEditor.emit("fashion-mnist-lenet")
    assert window.current_key() == "editor"
    assert node_named(editor, "fc3") is not None
    path = tmp_path / "net-symbol.json"
    assert editor.save_to(path)
    assert editor.accepts_path(str(path)) and not editor.accepts_path(str(tmp_path / "x.png"))
    window.open_recent(str(path))
    assert editor.document_title == "net"
    editor.train_button.click()         # routed to the Train view (or a status note if not built yet)
    screenshot(window, "editor_in_main_window")
