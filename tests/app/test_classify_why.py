""""Why this answer" on the Classify card, driven as a person would: drop coffee.png,
click its row, reach "Show why" with the keyboard, see the heat map on the cup with its
caption and legend, pick another class, export the PNG; the maps come from the worker."""
import shutil
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


def test_show_why_lays_the_espresso_map_on_the_cup_and_exports_it(main_window, qtbot, tmp_path, monkeypatch):
    view = main_window.show_view("classify")
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        drop_urls(view, [SAMPLES / "coffee.png"])
    [item] = view.results.items()
    assert item.state == DONE and item.top_label == "espresso"
    rect = view.list.visualRect(view.results.index(0))
    QTest.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
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
