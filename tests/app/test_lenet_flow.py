"""The product's headline flow as a newcomer does it, with the mouse and keyboard on the
real widgets: search the palette and drag each layer onto an empty canvas, drag wires
between ports, type attributes in the inspector, take Build's one-click fixes, press
Train, pick the bundled Fashion-MNIST, train one epoch, classify a test picture with the
result. Screenshots of each step land in tests/_screenshots/lenet_flow_*.png."""
import re

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from core.io.datasets import FASHION_MNIST_CLASSES, bundled_subset_dir

from .conftest import MODEL_TIMEOUT_MS, answer_next_input_dialog, screenshot
from .test_editor import drop_from_palette, port
from .test_editor_canvas import mouse_drag, to_view

RUN_MS = 300_000
LEFT = Qt.MouseButton.LeftButton

# (what a newcomer types in the palette search, the operator it finds, inspector edits)
LAYERS = [
    ("input", "null", {}),
    ("conv2d", "Convolution", {"kernel": "5", "num_filter": "6"}),
    ("relu", "Activation", {}),
    ("max pool", "Pooling", {}),
    ("conv2d", "Convolution", {"kernel": "5", "num_filter": "16"}),
    ("relu", "Activation", {}),
    ("max pool", "Pooling", {}),
    ("flatten", "Flatten", {}),
    ("dense", "FullyConnected", {"num_hidden": "120"}),
    ("relu", "Activation", {}),
    ("linear", "FullyConnected", {}),        # left at its starting width: Build offers the fix
]


@pytest.fixture(autouse=True)
def runs_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NETSTUDIO_RUNS", str(tmp_path / "runs"))


def search_palette(editor, text, op):
    search = editor.palette.search
    search.setFocus()
    search.selectAll()
    QTest.keyClick(search, Qt.Key.Key_Backspace)
    QTest.keyClicks(search, text)
    assert op in editor.palette.visible_ops(), f"searching {text!r} does not show {op}"


def type_into(editor, key, text):
    """Click the inspector field, select what is there and type ``text`` (then Tab)."""
    field = editor.inspector.fields[key]
    widget = field.editor
    QTest.mouseClick(widget, LEFT)
    widget.selectAll()
    QTest.keyClicks(widget, text)
    QTest.keyClick(widget, Qt.Key.Key_Tab)
    assert field.is_valid(), f"{key}={text!r}: {field.message.text()}"


def slot(editor, row):
    """Where the ``row``-th layer goes: a zigzag of two columns down the visible canvas."""
    viewport = editor.canvas.viewport()
    per_column = max(2, (viewport.height() - 40) // 78)
    column, index = divmod(row, per_column)
    return QPoint(140 + 300 * column, 30 + 78 * index)


def pick_from_combo(combo, index):
    """Choose an entry as a keyboard user does: focus the combo box, Home, then Down."""
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(index):
        QTest.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentIndex() == index


def test_a_newcomer_builds_lenet_on_an_empty_canvas_trains_it_and_classifies(make_main_window, qtbot, tmp_path):
    window = make_main_window(size=(1400, 900))
    editor = window.show_view("editor")
    assert editor.doc.is_empty()
    screenshot(window, "lenet_flow_1_empty")

    previous = None
    for row, (query, op, edits) in enumerate(LAYERS):
        search_palette(editor, query, op)
        node_id = drop_from_palette(editor, op, slot(editor, row))
        editor.analyse_now()
        item = editor.scene.node_items[node_id]
        if previous is not None:
            # a fresh layer is not an error: it says quietly that it is not connected yet
            assert item.quiet and item.error
            assert item.callout.message.startswith("not connected yet")
            start = to_view(editor, port(editor, previous, "out", 0).scenePos())
            end = to_view(editor, port(editor, node_id, "in", "data").scenePos())
            mouse_drag(editor, start, end)
            assert editor.doc.edge_into(node_id, "data") is not None, f"the wire into {op} did not connect"
        editor.scene.select_nodes([node_id])
        for key, text in edits.items():
            type_into(editor, key, text)
        editor.analyse_now()
        if row == 1:
            assert editor.status_line.text().startswith("1 layer  ·"), editor.status_line.text()
            assert editor.doc.nodes[node_id].attrs["kernel"] == "(5, 5)"      # `5` means 5×5
            screenshot(window, "lenet_flow_2_first_layers")
        previous = node_id
    search_palette(editor, "", "null")
    assert editor.report.errors == {}
    screenshot(window, "lenet_flow_3_wired")

    # Build says what would stop training, and fixes it in one click each
    bar = editor.readiness
    assert bar.isVisible() and "no loss layer" in bar.label.text()
    assert bar.fix_button.text() == "Add SoftmaxOutput"
    qtbot.mouseClick(bar.fix_button, LEFT)
    assert editor.undo_stack.undoText() == "Add SoftmaxOutput"
    assert "128 outputs but Fashion-MNIST has 10 classes" in bar.label.text()
    assert bar.fix_button.text() == "Set num_hidden to 10 classes"
    screenshot(window, "lenet_flow_4_class_count_fix")
    qtbot.mouseClick(bar.fix_button, LEFT)
    assert bar.ready and bar.label.text().startswith("✓ Ready to train")
    losses = [n for n in editor.doc.nodes.values() if n.op == "SoftmaxOutput"]
    assert [n.name for n in losses] == ["softmaxoutput0"]       # the automatic name trains too
    editor.auto_layout()
    screenshot(window, "lenet_flow_5_ready")

    qtbot.mouseClick(editor.train_button, LEFT)
    train = window.view("train")
    assert window.current_key() == "train"
    form = train.form
    assert form.network.currentText().startswith("From the editor")
    pick_from_combo(form.dataset, form.dataset.findData(f"idx:{bundled_subset_dir()}"))
    for edit, text in ((form.epochs, "1"), (form.batch_size, "64")):
        QTest.mouseClick(edit, LEFT)
        edit.selectAll()
        QTest.keyClicks(edit, text)
    assert (form.epochs.value(), form.batch_size.value()) == (1, 64)
    screenshot(window, "lenet_flow_6_train_form")
    with qtbot.waitSignal(train.sigRunFinished, timeout=RUN_MS) as finished:
        qtbot.mouseClick(train.start_button, LEFT)
        qtbot.waitUntil(lambda: train.charts.points("loss") >= 10, timeout=RUN_MS)
        screenshot(window, "lenet_flow_7_training")
    record = finished.args[0]
    assert record["status"] == "completed", record["message"]
    accuracy = record["final"]["test_accuracy"]
    print(f"\nLeNet built on the canvas, one epoch on the bundled Fashion-MNIST subset: "
          f"test accuracy {accuracy:.4f} on {train.results.confusion.confusion.matrix.sum()} pictures")
    assert accuracy > 0.7
    screenshot(window, "lenet_flow_8_results")

    # the run is named from network, data and time, and can be renamed
    train.tabs.setCurrentIndex(2)
    history = train.history_panel
    qtbot.waitUntil(lambda: history.list.count() == 1, timeout=5000)
    history.list.setCurrentRow(0)
    [record] = history.records.values()
    assert re.fullmatch(r"Untitled network · .*Fashion-MNIST.* · \d\d:\d\d", record.title), record.title
    answer_next_input_dialog("My first LeNet")
    qtbot.mouseClick(history.rename_button, LEFT)
    assert [r.title for r in history.records.values()] == ["My first LeNet"]
    assert history.list.item(0).text().startswith("My first LeNet")
    train.tabs.setCurrentIndex(1)

    classify = window.view("classify")
    with qtbot.waitSignal(classify.jobs.sigModelReady, timeout=MODEL_TIMEOUT_MS):
        qtbot.mouseClick(train.results.use_button, LEFT)
    assert window.current_key() == "classify"
    from core.session import open_fashion_mnist
    test = open_fashion_mnist(bundled_subset_dir()).test
    index = int(np.flatnonzero(test.labels == 1)[0])            # a trouser
    picture = tmp_path / "trouser.png"
    Image.fromarray(test.images[index]).save(picture)
    with qtbot.waitSignal(classify.sigIdle, timeout=MODEL_TIMEOUT_MS):
        classify.classify_paths([picture])
    [result] = [i for i in classify.results.items() if i.name == "trouser.png"]
    assert result.predictions[0][1] == FASHION_MNIST_CLASSES[1], result.predictions
    screenshot(window, "lenet_flow_9_classified")
