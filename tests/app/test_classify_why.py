""""Why this answer" on the Classify card, driven as a person would: drop coffee.png,
click its row, reach "Show why" with the keyboard, see the heat map on the cup with its
caption and legend, pick another class, export the PNG; the maps come from the worker."""
import shutil
import threading
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from app.classify.results_model import DONE
from app.widgets.thumbnail import array_from_qimage

from .conftest import MODEL_TIMEOUT_MS, SAMPLES, drop_urls

NOTES_SHOT = Path("/work/notes/shots/gradcam.png")


def warmth(pixels):
    """How much redder than blue a region is, on average."""
    return float(pixels[..., 0].astype(int).mean() - pixels[..., 2].astype(int).mean())


def changed(before, after):
    return np.abs(before.astype(int) - after.astype(int)).sum(axis=-1)


def record_threads(monkeypatch):
    """The threads ImageClassifier.explain runs on (the real method runs)."""
    from core.zoo import ImageClassifier
    seen, explain = [], ImageClassifier.explain

    def recorded(self, *args, **kwargs):
        seen.append(threading.current_thread())
        return explain(self, *args, **kwargs)
    monkeypatch.setattr(ImageClassifier, "explain", recorded)
    return seen


def select_first_row(view):
    rect = view.list.visualRect(view.results.index(0))
    QTest.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_show_why_lays_the_espresso_map_on_the_cup_and_exports_it(main_window, qtbot, tmp_path, monkeypatch):
    explained_on = record_threads(monkeypatch)
    view = main_window.show_view("classify")
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        drop_urls(view, [SAMPLES / "coffee.png"])
    [item] = view.results.items()
    assert item.state == DONE and item.top_label == "espresso"
    select_first_row(view)
    detail, controls = view.detail, view.detail.heat
    assert detail.current is item
    plain = array_from_qimage(item.thumbnail)
    assert controls.toggle.isVisible() and controls.toggle.isEnabled()
    assert controls.toggle.accessibleName() == "Why this answer: heat map"
    assert not controls.classes.isVisible() and not controls.legend.isVisible()

    # the keyboard reaches the toggle from the list, and Space turns it on
    main_window.activateWindow()
    view.list.setFocus()
    for _ in range(12):
        if controls.toggle.hasFocus():
            break
        QTest.keyClick(QApplication.focusWidget() or view.list, Qt.Key.Key_Tab)
    assert controls.toggle.hasFocus(), f"Tab stopped at {QApplication.focusWidget()}"
    with qtbot.waitSignal(view.jobs.sigHeatmap, timeout=MODEL_TIMEOUT_MS) as arrived:
        QTest.keyClick(controls.toggle, Qt.Key.Key_Space)
        assert controls.caption.text() == "Working out why…"
    assert arrived.args[0].error is None
    assert explained_on and threading.main_thread() not in explained_on     # never on the GUI thread
    assert controls.toggle.isChecked() and controls.toggle.text() == "Hide &why"

    # the overlay is on the picture: warm on the cup (centre top), the photo itself elsewhere
    shown = array_from_qimage(detail.image._image)
    assert shown.shape == plain.shape
    height, width = plain.shape[:2]
    cup = (slice(int(height * 0.15), int(height * 0.5)), slice(int(width * 0.38), int(width * 0.62)))
    assert changed(plain, shown)[cup].mean() > 40
    assert warmth(shown[cup]) > warmth(plain[cup]) + 20
    assert controls.caption.isVisible() and controls.caption.text().startswith("why: espresso (")
    assert controls.legend.isVisible() and controls.export_button.isEnabled()
    assert controls.classes.count() == 5 and controls.classes.currentText().startswith("espresso")

    # another of the top-5, chosen with the keyboard: another map, another caption
    controls.classes.setFocus()
    QTest.keyClick(controls.classes, Qt.Key.Key_Down)
    second = item.predictions[1][1]
    assert controls.caption.text().startswith(f"why: {second} (")
    assert changed(shown, array_from_qimage(detail.image._image)).mean() > 2
    QTest.keyClick(controls.classes, Qt.Key.Key_Up)
    assert controls.caption.text().startswith("why: espresso (")

    # Export PNG…: the save dialog answered with a path; written on the worker, whole
    out = tmp_path / "coffee-why.png"
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, title, suggested, filters: (asked.append(suggested), (str(out), filters))[1])
    with qtbot.waitSignal(view.jobs.sigHeatmapSaved, timeout=60_000):
        QTest.mouseClick(controls.export_button, Qt.MouseButton.LeftButton)
    assert asked == ["coffee-why-espresso.png"]
    with Image.open(out) as written:
        assert written.format == "PNG"
        exported = np.asarray(written.convert("RGB"))
    with Image.open(SAMPLES / "coffee.png") as photo:
        original = np.asarray(photo.convert("RGB"))
    assert exported.shape[1] == 600 and exported.shape[0] > 400          # full size, and the caption strip
    assert warmth(exported[60:200, 220:360]) > warmth(original[60:200, 220:360]) + 20
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".") or ".tmp" in p.name] == []

    # a screenshot of the card with the map, looked at
    main_window.resize(1180, 780)
    QApplication.processEvents()
    shot = tmp_path / "gradcam.png"
    assert main_window.grab().save(str(shot))
    NOTES_SHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, NOTES_SHOT)
    from app import theme
    try:                                            # and in the dark scheme: the caption stays readable
        theme.apply_scheme(main_window, "dark")
        QApplication.processEvents()
        dark = tmp_path / "gradcam_dark.png"
        assert main_window.grab().save(str(dark))
        shutil.copy(dark, NOTES_SHOT.with_name("gradcam_dark.png"))
        assert controls.caption.palette().windowText().color().lightness() > 150
    finally:
        theme.apply_scheme(main_window, "light")

    # off again: the plain photo
    QTest.mouseClick(controls.toggle, Qt.MouseButton.LeftButton)
    assert not controls.toggle.isChecked()
    assert changed(plain, array_from_qimage(detail.image._image)).max() == 0
    assert not controls.legend.isVisible()


def test_a_picture_that_failed_cannot_be_explained(main_window, qtbot, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    view = main_window.show_view("classify")
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        drop_urls(view, [broken])
    view.list.setCurrentIndex(view.results.index(0))
    controls = view.detail.heat
    assert not controls.toggle.isEnabled()
    assert "classified picture" in controls.toggle.toolTip()
    assert view.why.export(tmp_path / "x.png") is False and not (tmp_path / "x.png").exists()


def test_a_pasted_picture_is_explained_from_its_own_pixels(main_window, qtbot):
    view = main_window.show_view("classify")
    with Image.open(SAMPLES / "coffee.png") as photo:
        pixels = np.asarray(photo.convert("RGB"))
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        view.classify_pixels(pixels)
    select_first_row(view)
    controls = view.detail.heat
    with qtbot.waitSignal(view.jobs.sigHeatmap, timeout=MODEL_TIMEOUT_MS) as arrived:
        QTest.mouseClick(controls.toggle, Qt.MouseButton.LeftButton)
    assert arrived.args[0].error is None and arrived.args[0].classes[0][1] == "espresso"
    assert controls.caption.text().startswith("why: espresso (")


def test_a_network_without_feature_maps_says_why_it_cannot_show_why(main_window, qtbot, tmp_path):
    """An MLP checkpoint classifies, but has no spatial layer for Grad-CAM: the card says so."""
    import core as mx
    from core.zoo import ImageClassifier
    from core.zoo.builtin import get_symbol
    symbol = get_symbol("mlp")
    rng = np.random.default_rng(0)
    args, _, _ = symbol.infer_shape(data=(1, 1, 28, 28))
    params = {name: mx.nd.array(rng.normal(0, 0.1, shape).astype(np.float32))
              for name, shape in zip(symbol.list_arguments(), args) if name not in ("data", "softmax_label")}
    ImageClassifier(symbol, params, {}, [f"digit {i}" for i in range(10)], (1, 28, 28),
                    name="mlp").save(tmp_path / "mlp", 0)
    view = main_window.show_view("classify")
    with qtbot.waitSignal(view.jobs.sigModelReady, timeout=MODEL_TIMEOUT_MS):
        view.use_model({"name": "mlp", "prefix": str(tmp_path / "mlp"), "epoch": 0})
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        drop_urls(view, [SAMPLES / "coffee.png"])
    select_first_row(view)
    controls = view.detail.heat
    with qtbot.waitSignal(view.jobs.sigHeatmap, timeout=MODEL_TIMEOUT_MS):
        QTest.mouseClick(controls.toggle, Qt.MouseButton.LeftButton)
    assert controls.caption.text().startswith("No heat map: Grad-CAM needs a convolutional network")
    assert "Traceback" not in controls.caption.text()
    assert not controls.export_button.isEnabled() and not controls.legend.isVisible()
    assert view.why.export(tmp_path / "x.png") is False
