"""A ResNet-18 exported by PyTorch (torchvision's, random weights filled into the committed
graph: tests/core/onnx/torchvision_structure.py) opens in the Build view and classifies
coffee.png in the Classify view with a class list, as ONNX Runtime does."""
import numpy as np
import onnx
import onnxruntime as ort

from app.classify.results_model import DONE
from core.symbol.graph import topo_order
from core.zoo.preprocess import prepare
from core.zoo.meta import torchvision_preprocess
from tests.core.onnx.torchvision_structure import write_filled

from .conftest import MODEL_TIMEOUT_MS, SAMPLES, drop_urls


def test_build_shows_the_pytorch_resnet18(qtbot, tmp_path):
    import core as mx

    from .test_editor import make_editor
    path = write_filled("resnet18", tmp_path)
    symbol, _, _ = mx.onnx.import_model(path)
    layers = [node for node in topo_order(symbol.heads) if not node.is_variable]
    editor = make_editor(qtbot)
    editor.open_paths([str(path)])
    assert editor.document_title == "resnet18"
    assert editor.report is not None and editor.report.errors == {}
    ops = [item.op for item in editor.scene.node_items.values()]
    assert ops.count("Convolution") == 20 and ops.count("FullyConnected") == 1
    assert len(layers) <= len(editor.scene.node_items) <= len(layers) + 1   # + the data input


def test_classify_runs_the_pytorch_resnet18_with_a_class_list(main_window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    path = write_filled("resnet18", tmp_path)
    classes = tmp_path / "kinds.txt"
    classes.write_text("\n".join(f"kind {i}" for i in range(1000)) + "\n")
    answers = iter([str(path), str(classes)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (next(answers), ""))
    view = main_window.show_view("classify")
    with qtbot.waitSignal(view.jobs.sigModelReady, timeout=MODEL_TIMEOUT_MS):
        view.selector.activated.emit(view.selector.count() - 1)          # "Add trained model…"
    assert view.selector.current_spec().kind == "onnx"
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        drop_urls(view, [SAMPLES / "coffee.png"])
    [item] = view.results.items()
    assert item.state == DONE, item.error
    # ONNX Runtime on the same file and the same picture, prepared as torchvision does
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    picture = prepare(SAMPLES / "coffee.png", torchvision_preprocess((3, 224, 224)), (3, 224, 224))
    logits = session.run(None, {onnx.load(str(path)).graph.input[0].name: picture[None]})[0][0]
    probs = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    expected = np.argsort(-probs, kind="stable")[:5]
    assert [index for index, _, _ in item.predictions] == list(expected)
    assert [label for _, label, _ in item.predictions] == [f"kind {i}" for i in expected]
    np.testing.assert_allclose([p for _, _, p in item.predictions], probs[expected], atol=1e-6, rtol=1e-4)
