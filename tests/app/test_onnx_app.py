"""ONNX in the app: Classify takes an .onnx classifier and its class list."""
import pytest

from app.classify.results_model import DONE

from .conftest import MODEL_TIMEOUT_MS, SAMPLES, drop_urls

FIXTURES = SAMPLES.parents[1] / "tests" / "fixtures" / "onnx"


def test_classify_uses_an_onnx_classifier_with_a_class_list(main_window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    classes = tmp_path / "kinds.txt"
    classes.write_text("\n".join(f"kind {i}" for i in range(10)) + "\n")
    answers = iter([str(FIXTURES / "small_convnet.onnx"), str(classes)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (next(answers), ""))
    view = main_window.show_view("classify")
    selector = view.selector
    with qtbot.waitSignal(view.jobs.sigModelReady, timeout=MODEL_TIMEOUT_MS):
        selector.activated.emit(selector.count() - 1)          # "Add trained model…"
    spec = selector.current_spec()
    assert spec.kind == "onnx" and spec.classes == str(classes)
    assert "small_convnet · ONNX" in selector.currentText()
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        drop_urls(view, [SAMPLES / "coffee.png"])
    [item] = view.results.items()
    assert item.state == DONE, item.error
    assert item.top_label.startswith("kind ") and len(item.predictions) == 5
