"""The Classify view with the detector chosen: dropped photos get labelled boxes; hover
highlights a box and its row; the threshold slider re-filters without running again;
the boxes export as CSV and JSON."""
import csv
import json

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from app.model_spec import ModelSpec

from .conftest import MODEL_TIMEOUT_MS, SAMPLES, drop_urls, screenshot


def detecting_view(window):
    view = window.show_view("classify")
    row = next(r for r in range(view.selector.count())
               if view.selector.itemData(r, Qt.ItemDataRole.UserRole + 1) == ModelSpec.zoo("nanodet-coco"))
    view.selector.setCurrentIndex(row)
    view.selector.activated.emit(row)          # what choosing it in the combo box does
    assert view.detector_spec == ModelSpec.zoo("nanodet-coco")
    return view


def hover(widget, point):
    event = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(point), QPointF(widget.mapToGlobal(point)),
                        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def test_dropped_photos_get_boxes_that_the_slider_filters(main_window, qtbot, tmp_path):
    view = detecting_view(main_window)
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        drop_urls(view, [SAMPLES / "chelsea.png", SAMPLES / "coffee.png"])
    panel = view.detection
    assert view.pages.currentWidget() is panel and len(panel.results) == 2
    assert [b["label"] for b in panel.shown_boxes()][0] == "cat"
    assert panel.pictures.item(0).text().startswith("chelsea.png")
    screenshot(main_window, "classify_detect_chelsea")

    everything = list(panel.results)
    panel.slider.setValue(50)                   # the cat (0.58) stays, the rest go
    assert [b["label"] for b in panel.shown_boxes()] == ["cat"] and panel.results == everything
    assert not view.busy()                      # nothing ran again
    panel.slider.setValue(25)

    panel.pictures.setCurrentRow(1)
    labels = [b["label"] for b in panel.shown_boxes()]
    assert labels == ["dining table", "cup"]
    # the cup's box lies inside the table's: hovering the cup picks the smaller box
    cup = panel.canvas._widget_rect(panel.shown_boxes()[1]["box"])
    hover(panel.canvas, cup.center().toPoint())
    assert panel.canvas.hovered == 1 and panel.boxes.currentRow() == 1
    hover(panel.canvas, cup.bottomRight().toPoint() + QPoint(20, 20))
    assert panel.canvas.hovered == 0 and panel.boxes.currentRow() == 0
    hover(panel.canvas, cup.center().toPoint())
    screenshot(main_window, "classify_detect_coffee")

    panel.export(tmp_path / "boxes.csv")
    with open(tmp_path / "boxes.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {"chelsea.png", "coffee.png"} == {r["image"] for r in rows}
    assert all(float(r["score"]) >= 0.25 for r in rows) and any(r["label"] == "cup" for r in rows)
    panel.export(tmp_path / "boxes.json")
    doc = json.loads((tmp_path / "boxes.json").read_text())
    assert [d["image"] for d in doc] == ["chelsea.png", "coffee.png"]
    assert doc[0]["detections"][0]["label"] == "cat"


def test_choosing_a_classifier_again_classifies(main_window, qtbot):
    view = detecting_view(main_window)
    view.use_model("efficientnet-lite0")
    assert view.detector_spec is None
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        drop_urls(view, [SAMPLES / "coffee.png"])
    assert view.pages.currentIndex() == 1 and view.results.items()[0].predictions[0][1] == "espresso"


def test_the_detector_opens_in_the_build_view(main_window, qtbot):
    from core.zoo.convert_nanodet import ensure_converted
    ensure_converted()                              # what its first use in Classify does
    zoo = main_window.show_view("zoo")
    zoo.select_model("nanodet-coco")
    zoo.editor_button.click()
    assert main_window.current_key() == "editor"
    editor = main_window.current_view()
    assert not editor.banner.isVisible(), editor.banner.text()
    ops = [node.op for node in editor.doc.nodes.values()]
    assert ops.count("Convolution") == 34 and ops.count("BilinearResize2D") == 4
    screenshot(main_window, "editor_nanodet")


def test_the_detector_choice_is_remembered(make_main_window, isolated_settings):
    first = make_main_window()
    detecting_view(first)
    first.close()
    view = make_main_window().show_view("classify")
    assert view.detector_spec == ModelSpec.zoo("nanodet-coco")
    assert "Detector" in view.model_state.text()
