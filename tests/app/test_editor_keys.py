"""The Build view by keyboard alone (issue 22 §2): quick add at the cursor (Tab, a tap of
Space), connect the selected layer to the next (Ctrl+E), step through layers, edit them
in the inspector and come back, every action listed with its key in the Edit menu, and
a focus ring on the focused layer and on the canvas in both colour schemes.

Keys go to whichever widget has the focus, as when a person types (real widgets)."""
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from core.graphdoc import Edge
from core.graphdoc.convert import to_symbol
from core.graphdoc.readiness import training_problems

from app import theme as app_theme
from app.editor import theme as canvas_theme
from app.editor import node_item

from .conftest import screenshot
from .test_editor import drop_from_palette, make_editor

NO_MODIFIER = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def editor(qtbot):
    view = make_editor(qtbot, 1400, 1000)
    view.activateWindow()
    assert QTest.qWaitForWindowActive(view)
    view.canvas.setFocus()
    QApplication.processEvents()
    return view


def press(key, modifier=NO_MODIFIER):
    """A key on whatever has the keyboard focus."""
    focus = QApplication.focusWidget()
    assert focus is not None, "nothing has the keyboard focus"
    QTest.keyClick(focus, key, modifier)


def type_text(text):
    QTest.keyClicks(QApplication.focusWidget(), text)


def quick_add(editor, words, downs=0):
    """Tab, type ``words``, Down ``downs`` times, Enter; returns the new layer's id."""
    before = set(editor.doc.nodes)
    press(Qt.Key.Key_Tab)
    popup = editor.quick_add_popup
    assert popup.isVisible() and QApplication.focusWidget() is popup.search
    type_text(words)
    for _ in range(downs):
        press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert QApplication.focusWidget() is editor.canvas, "the keyboard went back to the canvas"
    added = set(editor.doc.nodes) - before
    assert len(added) == 1, f"quick add of {words!r} added {len(added)} layers"
    return added.pop()


def undo_texts(editor):
    stack = editor.undo_stack
    return [stack.text(i) for i in range(stack.index())]


def test_a_trainable_net_is_built_with_the_keyboard_alone(editor):
    """Variable → Convolution → Activation → Pooling → Flatten → FullyConnected(10) →
    SoftmaxOutput: quick add, connect-next, Up/Down, Enter into the inspector, Escape back."""
    data = quick_add(editor, "input")
    press(Qt.Key.Key_Escape)                              # select none: the next layer stands alone
    assert editor.scene.selected_node_ids() == []
    conv = quick_add(editor, "conv2d")
    assert editor.doc.edges == []                         # nothing was selected to feed it
    assert editor.doc.nodes[conv].pos[1] > editor.doc.nodes[data].pos[1], "placed below, not on top"
    press(Qt.Key.Key_Up)                                  # back to the input ...
    assert editor.scene.selected_node_ids() == [data]
    press(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)   # ... and wire it to the next layer
    assert editor.doc.edges == [Edge(data, 0, conv, "data")]
    press(Qt.Key.Key_Down)
    assert editor.scene.selected_node_ids() == [conv]
    relu = quick_add(editor, "relu")
    pool = quick_add(editor, "max pool")
    flat = quick_add(editor, "flatten")
    dense = quick_add(editor, "dense")
    press(Qt.Key.Key_Return)                              # into the inspector: num_hidden
    field = editor.inspector.fields["num_hidden"].editor
    assert QApplication.focusWidget() is field
    type_text("10")                                       # the text was selected: typing replaces it
    press(Qt.Key.Key_Escape)                              # and back
    assert QApplication.focusWidget() is editor.canvas
    loss = quick_add(editor, "softmax output")
    editor.analyse_now()

    ops = [editor.doc.nodes[i].op for i in (data, conv, relu, pool, flat, dense, loss)]
    assert ops == ["null", "Convolution", "Activation", "Pooling", "Flatten", "FullyConnected", "SoftmaxOutput"]
    assert editor.doc.nodes[dense].attrs["num_hidden"] == "10"
    assert editor.doc.nodes[pool].attrs["pool_type"] == "max"
    chain = [(data, conv), (conv, relu), (relu, pool), (pool, flat), (flat, dense), (dense, loss)]
    assert set(editor.doc.edges) == {Edge(a, 0, b, "data") for a, b in chain}
    symbol = to_symbol(editor.doc)
    assert symbol.list_arguments() == [
        "data", "convolution0_weight", "convolution0_bias", "fullyconnected0_weight",
        "fullyconnected0_bias", "softmaxoutput0_label"]
    assert symbol.infer_shape(data=(1, 1, 28, 28))[1] == [(1, 10)]
    assert editor.report.errors == {}
    assert training_problems(editor.doc, editor.report, editor.target) == []
    assert editor.readiness.ready and editor.readiness.isVisible()
    assert editor.readiness.label.text().startswith("✓ Ready to train")

    editor.fit()
    QApplication.processEvents()
    screenshot(editor, "editorkeys_built_by_keyboard")
    assert undo_texts(editor) == [
        "Add data", "Add convolution0", "Connect data to convolution0",
        "Add activation0 after convolution0", "Add pooling0 after activation0",
        "Add flatten0 after pooling0", "Add fullyconnected0 after flatten0",
        "Set num_hidden of fullyconnected0", "Add softmaxoutput0 after fullyconnected0"]
    press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)     # Undo takes back the whole step
    assert loss not in editor.doc.nodes and len(editor.doc.edges) == 5
    press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.doc.nodes[dense].attrs["num_hidden"] == "128"


def test_quick_add_opens_at_the_pointer_filters_and_escape_adds_nothing(editor):
    viewport = editor.canvas.viewport()
    spot = QPoint(420, 260)
    QTest.mouseMove(viewport, spot)
    press(Qt.Key.Key_Tab)
    popup = editor.quick_add_popup
    assert popup.isVisible() and not popup.isWindow()
    corner = popup.pos() - viewport.pos()          # both are children of the canvas
    assert (corner - spot).manhattanLength() < 8, f"opened at {corner}, not at the pointer {spot}"
    for words, first in (("dense", "FullyConnected"), ("linear", "FullyConnected"),
                         ("conv2d", "Convolution"), ("max pool", "Pooling"), ("variable", "null")):
        popup.search.selectAll()
        type_text(words)
        assert popup.shown_ops()[0] == first, (words, popup.shown_ops())
        assert popup.current_op() == first
    popup.search.selectAll()
    type_text("relu")
    assert popup.shown_ops()[:2] == ["Activation", "LeakyReLU"]
    press(Qt.Key.Key_Down)
    assert popup.current_op() == "LeakyReLU"
    screenshot(editor, "editorkeys_quick_add")
    press(Qt.Key.Key_Up)
    press(Qt.Key.Key_Tab)                       # Tab again moves on too, the box stays
    assert popup.isVisible() and popup.current_op() == "LeakyReLU"
    press(Qt.Key.Key_Escape)
    assert not popup.isVisible() and editor.doc.is_empty() and editor.undo_stack.count() == 0
    assert QApplication.focusWidget() is editor.canvas

    press(Qt.Key.Key_Space)                     # a tap of Space opens it too (here: at the same spot)
    assert popup.isVisible()
    type_text("relu")
    press(Qt.Key.Key_Return)
    (node,) = editor.doc.nodes.values()
    item = editor.scene.node_items[node.id]
    centre = editor.canvas.mapFromScene(item.sceneBoundingRect().center())
    assert node.op == "Activation" and abs(centre.x() - spot.x()) < 30 and abs(centre.y() - spot.y()) < 30


def test_space_drag_still_pans_without_opening_quick_add(editor):
    viewport = editor.canvas.viewport()
    before = editor.canvas.mapToScene(viewport.rect().center())
    QTest.keyPress(editor.canvas, Qt.Key.Key_Space)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, NO_MODIFIER, QPoint(300, 300))
    QTest.mouseMove(viewport, QPoint(380, 340))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, NO_MODIFIER, QPoint(380, 340))
    QTest.keyRelease(editor.canvas, Qt.Key.Key_Space)
    assert not editor.quick_add_popup.isVisible()
    assert editor.canvas.mapToScene(viewport.rect().center()) != before


def test_connect_next_picks_the_nearest_open_input_below_or_the_second_selected(editor):
    data = drop_from_palette(editor, "null", QPoint(500, 100))
    near = drop_from_palette(editor, "FullyConnected", QPoint(520, 260))
    far = drop_from_palette(editor, "Activation", QPoint(900, 560))
    above = drop_from_palette(editor, "Flatten", QPoint(200, 40))
    editor.canvas.setFocus()
    editor.select_node(data)
    press(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert editor.doc.edges == [Edge(data, 0, near, "data")]
    assert editor.undo_stack.undoText() == f"Connect data to {editor.doc.nodes[near].name}"
    press(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)     # near is taken: the next open one
    assert Edge(data, 0, far, "data") in editor.doc.edges
    assert all(e.dst != above for e in editor.doc.edges), "never into a layer above"
    editor.undo_stack.undo()
    # two selected (Up/Down, Shift+Down): the upper feeds the lower, wherever it is
    editor.select_node(above)                     # reading order: above, data, near, far
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert sorted(editor.scene.selected_node_ids()) == sorted([near, far])
    press(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert Edge(near, 0, far, "data") in editor.doc.edges
    # nothing left to connect into: said, not done
    messages = []
    editor.sigStatus.connect(messages.append)
    editor.select_node(far)
    count = editor.undo_stack.count()
    press(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert editor.undo_stack.count() == count and messages and "No open input" in messages[-1]


def test_every_editor_action_is_in_the_edit_menu_with_its_key(make_main_window, qtbot):
    window = make_main_window()
    window.show_view("editor")
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    menu = window.edit_menu
    menu.popup(window.mapToGlobal(QPoint(40, 40)))
    QApplication.processEvents()
    listed = {a.text(): a.shortcut().toString() for a in menu.actions() if not a.isSeparator()}
    menu.close()
    for text, key in (("Quick add layer…", "Tab"), ("Connect to next layer", "Ctrl+E"),
                      ("Delete", QKeySequence(QKeySequence.StandardKey.Delete).toString()),
                      ("Fit to view", "F"), ("Select next layer", "Down"),
                      ("Select previous layer", "Up"), ("Edit layer properties", "Return"),
                      ("Back to the canvas", "Esc"), ("Auto layout", "Ctrl+L")):
        assert listed.get(text) == key, (text, listed)
    editor = window.view("editor")
    window.activateWindow()                        # the closed menu gives the window back
    assert QTest.qWaitForWindowActive(window)
    editor.canvas.setFocus()
    next(a for a in menu.actions() if a.text() == "Quick add layer…").trigger()   # chosen from the menu
    assert editor.quick_add_popup.isVisible()
    press(Qt.Key.Key_Escape)
    window.show_view("classify")                   # another view: the editor's entries go
    menu.popup(window.mapToGlobal(QPoint(40, 40)))
    QApplication.processEvents()
    assert "Quick add layer…" not in [a.text() for a in menu.actions()]
    menu.close()


def _ring_pixels(image, item, canvas):
    """Colours along the left edge of the focus ring of ``item`` (viewport pixels)."""
    rect = item.sceneBoundingRect()
    x = rect.left() + 7 - getattr(node_item, "FOCUS_GAP", 5.0) - 1       # sceneBoundingRect starts 7 px left of the body
    ys = [rect.center().y() + dy for dy in (-4, 0, 4)]
    points = [canvas.mapFromScene(QPointF(x, y)) for y in ys]
    return [QColor(image.pixel(p.x() + dx, p.y())) for p in points for dx in (-1, 0, 1)]


def _close(colour, wanted, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(colour.getRgb()[:3], wanted.getRgb()[:3]))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_focused_layer_and_the_canvas_show_a_focus_ring(editor, scheme):
    app_theme.apply_scheme(editor, scheme)
    try:
        first = quick_add(editor, "input")
        quick_add(editor, "conv2d")
        press(Qt.Key.Key_Up)                         # the keyboard focus is on the input now
        item = editor.scene.node_items[first]
        assert item.hasFocus() and item.shows_focus_ring()
        QApplication.processEvents()
        image = editor.canvas.viewport().grab().toImage()
        ring = canvas_theme.FOCUS_RING
        assert ring == QColor(app_theme.PALETTES[scheme]["accent_strong"])
        assert any(_close(c, ring) for c in _ring_pixels(image, item, editor.canvas)), "no ring on the layer"
        assert _close(QColor(image.pixel(0, image.height() // 2)), ring), "no ring on the canvas"
        screenshot(editor, f"editorkeys_focus_ring_{scheme}")

        editor.inspector.setFocus()                  # focus elsewhere: neither ring is drawn
        QApplication.processEvents()
        image = editor.canvas.viewport().grab().toImage()
        assert not item.shows_focus_ring()
        assert not any(_close(c, ring, 20) for c in _ring_pixels(image, item, editor.canvas))
        assert not _close(QColor(image.pixel(0, image.height() // 2)), ring, 20)
    finally:
        app_theme.apply_scheme(editor, "light")


def test_enter_on_a_palette_entry_adds_it(editor):
    editor.palette.search.setFocus()
    type_text("max pool")
    _, item = editor.palette.entries["Pooling"]
    editor.palette.tree.setFocus()
    editor.palette.tree.setCurrentItem(item)
    press(Qt.Key.Key_Return)
    assert [n.op for n in editor.doc.nodes.values()] == ["Pooling"]
    assert editor.undo_stack.undoText() == "Add pooling0"
