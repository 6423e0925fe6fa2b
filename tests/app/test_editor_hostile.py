"""The Build view with broken input: every hostile symbol file opens to one sentence in
the editor's banner naming the file (nothing raised, the canvas unchanged), and the
inspector refuses out-of-range attribute values as they are typed, saying the range."""
from tests.core.test_symbol_hostile import HOSTILE

from .test_editor import edit_field, make_editor, node_named, select_only


def test_every_hostile_symbol_file_shows_one_sentence_in_the_banner(qtbot, tmp_path):
    editor = make_editor(qtbot)
    editor.new_from_template("lenet")
    nodes_before = len(editor.doc.nodes)
    files = []
    for name, (text, _) in sorted(HOSTILE.items()):
        files.append(tmp_path / f"{name}-symbol.json")
        files[-1].write_text(text)
    files.append(tmp_path / "latin1-symbol.json")
    files[-1].write_bytes(b'{"nodes": [{"op": "null", "name": "d\xe9", "inputs": []}], "heads": [[0, 0]]}')
    for path in files:
        editor.banner.hide()
        editor.open_paths([path])
        text = editor.banner.text()
        assert editor.banner.isVisibleTo(editor), f"{path.name}: nothing on screen"
        assert str(path) in text and "\n" not in text and "Traceback" not in text, text
        assert len(editor.doc.nodes) == nodes_before     # the open document is kept


def test_the_inspector_says_the_range_as_a_value_is_typed(qtbot):
    editor = make_editor(qtbot)
    editor.new_from_template("lenet")
    conv1 = node_named(editor, "conv1")
    select_only(editor, conv1.id)
    for key, text, words in (("pad", "(-1, -1)", "at least 0"), ("dilate", "(0, 0)", "at least 1"),
                             ("stride", "(2, 0)", "at least 1")):
        field = editor.inspector.fields[key]
        field.editor.setText(text)
        assert not field.is_valid() and words in field.message.text(), (key, field.message.text())
        assert key not in editor.doc.nodes[conv1.id].attrs        # nothing applied
        assert "at least" in field.toolTip()
    num_filter = editor.inspector.fields["num_filter"]
    num_filter.editor.setValue(-3)
    assert not num_filter.is_valid() and "at least 1" in num_filter.message.text()
    assert editor.doc.nodes[conv1.id].attrs["num_filter"] != "-3"
    edit_field(editor, "pad", "(1, 1)")
    assert editor.doc.nodes[conv1.id].attrs["pad"] == "(1, 1)"


def test_the_input_shape_must_be_positive_sizes(qtbot):
    editor = make_editor(qtbot)
    editor.new_from_template("lenet")
    data = node_named(editor, "data")
    select_only(editor, data.id)
    field = editor.inspector.fields["__shape__"]
    field.editor.setText("(1, 1, -28, 28)")
    assert not field.is_valid() and "at least 1" in field.message.text()
    assert editor.doc.nodes[data.id].attrs["__shape__"] != "(1, 1, -28, 28)"


def test_pasting_text_that_only_looks_like_layers_pastes_nothing(qtbot):
    import json

    from PySide6.QtWidgets import QApplication
    editor = make_editor(qtbot)
    editor.new_from_template("lenet")
    before = len(editor.doc.nodes)
    node = {"key": 1, "op": "Activation", "name": "a", "attrs": {}, "pos": [0, 0], "hidden": {}}
    hostile = [{"netstudio_layers": 1, "nodes": [5]},
               {"netstudio_layers": 1, "nodes": [dict(node, attrs=[1, 2])]},
               {"netstudio_layers": 1, "nodes": [dict(node, pos="far")]},
               {"netstudio_layers": 1, "nodes": [dict(node, pos=[1e400, 0])]},
               {"netstudio_layers": 1, "nodes": [node], "edges": [{"src": 1}]},
               {"netstudio_layers": 1, "nodes": "all"}]
    texts = [json.dumps(h).replace("Infinity", "1e400") for h in hostile]
    texts.append('{"netstudio_layers": 1, "nodes": ' + "[" * 100_000)
    texts.append("[" * 100_000 + "]" * 100_000)
    for text in texts:
        QApplication.clipboard().setText(text)
        with qtbot.waitSignal(editor.sigStatus, timeout=1000) as said:
            editor.paste()
        assert said.args[0] == "The clipboard holds no layers.", text[:80]
        assert len(editor.doc.nodes) == before
