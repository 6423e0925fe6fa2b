"""The Build view builds seed 001's LeNet through its own UI paths, undoes and redoes it,
marks broken layers, and lays out ResNet-18 without overlaps (real widgets, real engine)."""
import json
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtWidgets import QApplication

from core.graphdoc import POS_ATTR, to_json
from core.graphdoc.templates import template
from core.symbol import load
from core.zoo.builtin import get_symbol

from app.editor import EditorView
from app.editor.fields import BoolField, ChoiceField, IntField
from app.resources import load_stylesheet

from .conftest import screenshot

MXNET_PYTHON = Path("/work/mxvenv/bin/python")   # a throwaway MXNet 1.9.1, when present

# seed 001's LeNet, as a person builds it: (palette entry, name, inspector edits)
LENET_STEPS = [
    ("null", "data", {"__shape__": "(1, 1, 28, 28)"}),
    ("Convolution", "conv1", {"kernel": "(5, 5)", "num_filter": 6}),
    ("Activation", "relu1", {"act_type": "relu"}),
    ("Pooling", "pool1", {"kernel": "(2, 2)", "stride": "(2, 2)", "pool_type": "max"}),
    ("Convolution", "conv2", {"kernel": "(3, 3)", "num_filter": 16}),
    ("Activation", "relu2", {}),
    ("Pooling", "pool2", {}),
    ("Flatten", "flatten", {}),
    ("FullyConnected", "fc1", {"num_hidden": 120}),
    ("Activation", "relu3", {}),
    ("FullyConnected", "fc2", {"num_hidden": 84}),
    ("Activation", "relu4", {}),
    ("FullyConnected", "fc3", {"num_hidden": 10}),
    ("SoftmaxOutput", "softmax", {}),
]


def make_editor(qtbot, width=1600, height=1000):
    view = EditorView()
    view.setStyleSheet(load_stylesheet())
    view.resize(width, height)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def drop_from_palette(view, op, point):
    """Drag the palette entry's own MIME data onto the canvas and drop it at ``point``."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
    _, item = view.palette.entries[op]
    mime = view.palette.tree.mimeData([item])
    target = view.canvas.viewport()
    copy, left, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    before = set(view.doc.nodes)
    enter = QDragEnterEvent(point, copy, mime, left, none)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the canvas refused the palette drag"
    QApplication.sendEvent(target, QDragMoveEvent(point, copy, mime, left, none))
    drop = QDropEvent(QPointF(point), copy, mime, left, none)
    QApplication.sendEvent(target, drop)
    added = set(view.doc.nodes) - before
    assert len(added) == 1, f"dropping {op} added {len(added)} nodes"
    return added.pop()


def edit_field(view, key, value):
    """Set an inspector widget's value as a person would (the widget reports the edit)."""
    field = view.inspector.fields[key]
    if isinstance(field, IntField):
        field.editor.setValue(int(value))
    elif isinstance(field, BoolField):
        field.editor.setChecked(bool(value))
    elif isinstance(field, ChoiceField):
        field.editor.setCurrentText(str(value))
    else:
        field.editor.setText(str(value))
    assert field.is_valid(), f"{key}={value!r}: {field.message.text()}"


def select_only(view, node_id):
    view.scene.select_nodes([node_id])
    assert view.inspector.node_id == node_id


def node_named(view, name):
    return view.doc.by_name(name)


def port(view, node_id, kind, key):
    found = view.scene.node_items[node_id].port(kind, key)
    assert found is not None, f"node #{node_id} has no {kind} port {key!r}"
    return found


def strip_positions(doc):
    for node in doc["nodes"]:
        node.get("attrs", {}).pop(POS_ATTR, None)
        if node.get("attrs") == {}:
            del node["attrs"]
    return doc


@pytest.fixture
def editor(qtbot):
    return make_editor(qtbot)


def build_lenet(view, qtbot):
    """Seed 001's LeNet from an empty canvas: palette drops, port-to-port connections and
    inspector edits, exactly as a person would make them."""
    previous = None
    for number, (op, name, fields) in enumerate(LENET_STEPS):
        node_id = drop_from_palette(view, op, QPoint(260 + 260 * (number // 7), 60 + 100 * (number % 7)))
        select_only(view, node_id)
        edit_field(view, "__name__", name)
        for key, value in fields.items():
            edit_field(view, key, value)
        if previous is not None:
            assert view.scene.connect_ports(port(view, previous, "out", 0), port(view, node_id, "in", "data"))
        previous = node_id
    view.layout_button.click()
    view.analyse_now()


def test_an_empty_editor_says_how_to_start(editor):
    assert editor.doc.is_empty() and editor.report is None
    assert "drag layers from the palette" in editor.status_line.text()
    assert not editor.undo_button.isEnabled()
    screenshot(editor, "editor_empty")


def test_building_lenet_through_the_ui_saves_the_template_network(editor, qtbot, tmp_path):
    build_lenet(editor, qtbot)
    assert editor.report.errors == {}
    assert editor.report.total_params == 60170
    path = tmp_path / "lenet-symbol.json"
    assert editor.save_to(path)
    saved = json.loads(path.read_text())
    by_name = {node["name"]: node for node in saved["nodes"]}
    assert POS_ATTR in by_name["data"]["attrs"] and POS_ATTR in by_name["conv1"]["attrs"]
    expected = json.loads(to_json(template("lenet").document()))
    assert strip_positions(saved) == strip_positions(expected)
    if MXNET_PYTHON.exists():       # the file loads in Apache MXNet 1.9.1 itself
        script = ("import mxnet as mx, sys; s = mx.sym.load(sys.argv[1]); "
                  "print(s.infer_shape(data=(128, 1, 28, 28))[1][0])")
        done = subprocess.run([str(MXNET_PYTHON), "-c", script, str(path)], capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0 and done.stdout.strip().endswith("(128, 10)"), done.stderr
    ours, theirs = load(path), get_symbol("lenet")
    assert ours.infer_shape(data=(128, 1, 28, 28)) == theirs.infer_shape(data=(128, 1, 28, 28))
    conv1 = editor.scene.node_items[node_named(editor, "conv1").id]
    assert conv1.detail == "5×5, 6 filters"
    labels = {item.edge.slot + ":" + editor.doc.nodes[item.edge.dst].name: item.label
              for item in editor.scene.edge_items.values()}
    assert labels["data:relu1"] == "6×24×24" and labels["data:fc1"] == "400"
    assert "60,170 parameters" in editor.status_line.text()
    editor.scene.select_nodes([node_named(editor, "conv1").id])
    screenshot(editor, "editor_lenet")


def test_undo_of_every_step_empties_the_canvas_and_redo_rebuilds_it(editor, qtbot):
    build_lenet(editor, qtbot)
    built = to_json(editor.doc)
    steps = editor.undo_stack.count()
    assert steps >= 14 + 13 + 13 + 1     # drops, connections, renames, layout (plus attribute edits)
    while editor.undo_stack.canUndo():
        editor.undo_stack.undo()
    editor.analyse_now()
    assert editor.doc.is_empty() and not editor.scene.node_items and not editor.scene.edge_items
    assert editor.report is None
    while editor.undo_stack.canRedo():
        editor.undo_stack.redo()
    editor.analyse_now()
    assert to_json(editor.doc) == built
    assert len(editor.scene.node_items) == 14 and len(editor.scene.edge_items) == 13
    assert editor.report.errors == {}


def test_a_kernel_too_large_shows_its_error_on_that_layer(editor, qtbot):
    editor.new_from_template("lenet")
    conv2 = node_named(editor, "conv2")
    select_only(editor, conv2.id)
    edit_field(editor, "kernel", "(13, 13)")
    editor.analyse_now()
    item = editor.scene.node_items[conv2.id]
    assert item.error and "larger than" in item.error
    assert item.callout.isVisible() and "larger than" in item.callout.message
    assert set(editor.report.errors) == {conv2.id}
    assert editor.inspector.error_banner.isVisibleTo(editor.inspector)
    assert editor.scene.node_items[node_named(editor, "softmax").id].blocked
    assert not editor.scene.node_items[node_named(editor, "pool1").id].error
    assert "1 error" in editor.status_line.text()
    screenshot(editor, "editor_error")
    editor.undo_stack.undo()
    editor.analyse_now()
    assert editor.report.errors == {} and not item.callout.isVisible()


def test_merging_two_different_shapes_marks_the_merge_node(editor, qtbot):
    editor.new_from_template("lenet")
    add_id = drop_from_palette(editor, "elemwise_add", QPoint(600, 200))
    pool1, pool2 = node_named(editor, "pool1").id, node_named(editor, "pool2").id
    assert editor.scene.connect_ports(port(editor, pool1, "out", 0), port(editor, add_id, "in", "lhs"))
    assert editor.scene.connect_ports(port(editor, add_id, "in", "rhs"), port(editor, pool2, "out", 0))
    editor.analyse_now()
    assert set(editor.report.errors) == {add_id}
    assert "(1, 16, 5, 5)" in editor.report.errors[add_id] or "(1, 6, 12, 12)" in editor.report.errors[add_id]


def test_invalid_text_is_red_and_not_applied(editor, qtbot):
    editor.new_from_template("lenet")
    conv1 = node_named(editor, "conv1")
    select_only(editor, conv1.id)
    steps = editor.undo_stack.count()
    field = editor.inspector.fields["kernel"]
    field.editor.setText("(5, five)")
    assert not field.is_valid() and field.message.isVisibleTo(field)
    assert editor.doc.nodes[conv1.id].attrs["kernel"] == "(5, 5)"
    assert editor.undo_stack.count() == steps
    field.editor.setText("(3, 3)")
    assert field.is_valid() and editor.doc.nodes[conv1.id].attrs["kernel"] == "(3, 3)"
    name = editor.inspector.fields["__name__"]
    name.editor.setText("conv2")
    assert not name.is_valid() and "already" in name.message.text()
    assert editor.doc.nodes[conv1.id].name == "conv1"
    pool = node_named(editor, "pool1")
    select_only(editor, pool.id)
    edit_field(editor, "pool_type", "avg")
    edit_field(editor, "global_pool", True)
    assert editor.doc.nodes[pool.id].attrs["pool_type"] == "avg"
    assert editor.doc.nodes[pool.id].attrs["global_pool"] == "True"


def test_resnet18_json_opens_laid_out_without_overlaps(editor, qtbot, tmp_path):
    path = tmp_path / "resnet-18-symbol.json"
    path.write_text(get_symbol("resnet18_v1").tojson())
    editor.open_paths([str(path)])
    items = list(editor.scene.node_items.values())
    assert len(items) == 71
    rects = [item.mapRectToScene(item.rect()) for item in items]
    for index, first in enumerate(rects):
        for second in rects[index + 1:]:
            assert not first.intersects(second), (first, second)
    for edge in editor.scene.edge_items.values():       # shape labels sit clear of the layers
        label = edge.mapRectToScene(edge._label_rect())
        if not label.isEmpty():
            assert not any(label.intersects(r) for r in rects), edge.label
    assert editor.report.errors == {}
    assert editor.document_title == "resnet-18"
    assert "11,689,512 parameters" in editor.status_line.text()
    screenshot(editor, "editor_resnet18")
    editor.fit()
    screenshot(editor, "editor_resnet18_whole")


def test_train_this_network_emits_the_symbol(editor, qtbot):
    editor.new_from_template("mlp")
    with qtbot.waitSignal(editor.sigTrainNetwork, timeout=2000) as blocker:
        editor.train_button.click()
    symbol, title = blocker.args[0]
    assert title == editor.document_title
    assert symbol.list_outputs() == ["softmax_output"]
    assert symbol.infer_shape(data=(32, 784))[1] == [(32, 10)]


def test_open_in_editor_takes_a_symbol_or_a_zoo_name(editor, qtbot):
    editor.open_symbol(get_symbol("squeezenet1.1"), "SqueezeNet 1.1")
    assert editor.document_title == "SqueezeNet 1.1" and editor.report.errors == {}
    editor.open_network("fashion-mnist-lenet")
    assert node_named(editor, "conv1") is not None
    assert editor.doc.by_name("data").attrs["__shape__"] == "(1, 1, 28, 28)"
    assert not editor.undo_stack.canUndo()


def test_the_palette_search_filters_and_every_operator_can_be_dropped(editor, qtbot):
    editor.palette.search.setText("pool")
    assert editor.palette.visible_ops() == ["Pooling", "Pooling_v1", "ROIPooling"]
    editor.palette.search.setText("")
    for number, op in enumerate(sorted(editor.palette.entries)):
        drop_from_palette(editor, op, QPoint(100 + 10 * (number % 40), 100 + 10 * (number // 40)))
    assert len(editor.doc.nodes) == len(editor.palette.entries)
    editor.analyse_now()
    QApplication.processEvents()


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs named pipes")
def test_opening_a_named_pipe_called_net_symbol_json_is_refused_at_once(tmp_path):
    import os
    import threading

    from app.editor.sources import document_from_path
    path = tmp_path / "net-symbol.json"
    os.mkfifo(path)
    outcome = {}

    def read():
        try:
            document_from_path(path)
        except Exception as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():
        with open(path, "wb"):      # release the blocked reader
            pass
        pytest.fail("opening a named pipe still blocks")
    assert "net-symbol.json" in str(outcome["error"]) and "named pipe" in str(outcome["error"])
