"""Classify answers people can read, hear and trust: Ctrl+C copies results as text, the
newest row scrolls into view, screen readers get each card's file name and top-5, and a
picture far from what the model knows says so."""
import numpy as np
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.classify.results_model import DONE

from .conftest import MODEL_TIMEOUT_MS, SAMPLES, copy_samples, drop_urls, screenshot


def test_results_are_copied_heard_scrolled_to_and_unsure_when_they_should_be(main_window, qtbot, tmp_path):
    view = main_window.show_view("classify")
    folder = tmp_path / "pictures"
    copy_samples(folder, names=("coffee.png",))
    rng = np.random.RandomState(0)
    Image.fromarray(rng.randint(0, 256, (224, 224, 3), dtype=np.uint8)).save(folder / "static-noise.png")
    for number in range(10):
        Image.fromarray(np.full((64, 64, 3), 20 * number, np.uint8)).save(folder / f"grey-{number:02d}.png")
    paths = [folder / "coffee.png", folder / "static-noise.png"] + sorted(folder.glob("grey-*.png"))
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        drop_urls(view, paths)
    items = {item.name: item for item in view.results.items()}
    assert all(item.state == DONE for item in items.values())

    # the newest row is in view
    last = view.results.index(view.results.rowCount() - 1)
    assert view.list.viewport().rect().intersects(view.list.visualRect(last))

    # a confident answer is not hedged; a picture of nothing says it is unsure, on the card too
    coffee, noise = items["coffee.png"], items["static-noise.png"]
    assert not coffee.unsure
    assert noise.unsure, noise.predictions
    assert "unsure — may not be one of the 1000 ImageNet classes" in noise.as_text()
    view.list.scrollTo(view.results.index(1))
    screenshot(main_window, "classify_unsure")

    # assistive technology hears the file name and the top-5 with percentages
    coffee_row = view.results.index(0)
    spoken = coffee_row.data(Qt.ItemDataRole.AccessibleTextRole)
    label, probability = coffee.predictions[0][1], coffee.predictions[0][2]
    assert spoken.startswith(f"coffee.png: {label} {probability:.0%}, ")
    assert spoken.count("%") == 5
    interface = QAccessible.queryAccessibleInterface(view.list)
    names = [interface.child(i).text(QAccessible.Text.Name) for i in range(interface.childCount())
             if interface.child(i) is not None]
    assert any(name.startswith("coffee.png: ") for name in names), names[:3]

    # Ctrl+C on the list copies the selected results as text
    view.list.setFocus()
    view.list.clearSelection()
    view.list.selectionModel().select(view.results.index(0), view.list.selectionModel().SelectionFlag.Select)
    view.list.selectionModel().select(view.results.index(1), view.list.selectionModel().SelectionFlag.Select)
    QTest.keyClick(view.list, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QApplication.clipboard().text().splitlines()
    assert copied == [coffee.as_text(), noise.as_text()]
