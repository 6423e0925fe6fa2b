"""ONNX in the app: Classify takes an .onnx classifier and its class list, Build opens and
saves .onnx, Zoo and Train export to ONNX."""
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


def test_build_opens_an_onnx_file_and_saves_it_back_with_its_weights(qtbot, tmp_path):
    import numpy as np
    import onnxruntime as ort

    from .test_editor import make_editor
    editor = make_editor(qtbot)
    statuses = []
    editor.sigStatus.connect(statuses.append)
    editor.open_paths([str(FIXTURES / "small_mobilenet.onnx")])
    assert editor.document_title == "small_mobilenet"
    assert editor.report is not None and editor.report.errors == {}
    assert len(editor.scene.node_items) > 20
    out = tmp_path / "again.onnx"
    assert editor.save_to(out)
    assert statuses[-1] == "Saved again.onnx"   # every weight came from the opened file
    x = np.random.default_rng(0).normal(size=(2, 3, 32, 32)).astype(np.float32)
    runs = []
    for path in (FIXTURES / "small_mobilenet.onnx", out):
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        runs.append(session.run(None, {session.get_inputs()[0].name: x})[0])
    np.testing.assert_allclose(runs[1], runs[0], atol=1e-4)


def test_a_new_network_saved_as_onnx_gets_fresh_weights(qtbot, tmp_path):
    import onnx

    from .test_editor import make_editor
    editor = make_editor(qtbot)
    statuses = []
    editor.sigStatus.connect(statuses.append)
    editor.new_from_template("lenet")
    assert editor.save_to(tmp_path / "lenet.onnx")
    assert statuses[-1] == "Saved lenet.onnx (10 parameters freshly initialised)"
    onnx.checker.check_model(onnx.load(str(tmp_path / "lenet.onnx")), full_check=True)


def _export_answers(monkeypatch, path):
    from PySide6.QtWidgets import QFileDialog
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def _classifies_like_lenet(path):
    from core.zoo import ImageClassifier
    exported = ImageClassifier.from_onnx(path)
    original = ImageClassifier.from_zoo("fashion-mnist-lenet")
    picture = SAMPLES / "coffee.png"
    assert exported.labels == original.labels
    [[first, *_]] = exported.predict_topk([picture], k=1)
    [[again, *_]] = original.predict_topk([picture], k=1)
    assert first.label == again.label and abs(first.probability - again.probability) < 1e-4


def test_zoo_exports_the_selected_model_to_onnx(main_window, qtbot, tmp_path, monkeypatch):
    zoo = main_window.show_view("zoo")
    zoo.select_model("fashion-mnist-lenet")
    assert zoo.onnx_button.isEnabled()
    _export_answers(monkeypatch, tmp_path / "lenet")                        # ".onnx" is added
    with qtbot.waitSignal(zoo.sigStatus, timeout=MODEL_TIMEOUT_MS,
                          check_params_cb=lambda text: text.startswith("Exported")):
        zoo.onnx_button.click()
    _classifies_like_lenet(tmp_path / "lenet.onnx")


def test_train_results_export_the_run_checkpoint_to_onnx(main_window, qtbot, tmp_path, monkeypatch):
    import shutil

    from core.resources import resource_path
    run = tmp_path / "run"
    run.mkdir()
    bundle = resource_path("zoo/fashion-mnist-lenet")
    shutil.copy(bundle / "fashion-mnist-lenet-symbol.json", run / "model-symbol.json")
    shutil.copy(bundle / "fashion-mnist-lenet-0010.params", run / "model-0010.params")
    shutil.copy(bundle / "fashion-mnist-lenet-meta.json", run / "model-meta.json")
    view = main_window.show_view("train")
    view.record = {"run_id": "r1", "title": "My LeNet", "folder": str(run), "status": "completed",
                   "epochs_saved": [10]}
    view.results.set_record(view.record)
    assert view.results.onnx_button.isEnabled()
    _export_answers(monkeypatch, tmp_path / "mine.onnx")
    with qtbot.waitSignal(view.sigStatus, timeout=MODEL_TIMEOUT_MS,
                          check_params_cb=lambda text: text.startswith("Exported")):
        view.results.onnx_button.click()
    _classifies_like_lenet(tmp_path / "mine.onnx")
