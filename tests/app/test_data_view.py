"""The Data view on real data: the bundled Fashion-MNIST subset (always), the full set
(when this machine has it), an image folder and a CSV made from the subset."""
import time

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from core.io.datasets import FASHION_MNIST_CLASSES, bundled_subset_dir, find_fashion_mnist

from .conftest import screenshot

LOAD_MS = 60_000


def data_view(window):
    return window.show_view("data")


def open_and_wait(qtbot, view, opener, name):
    with qtbot.waitSignal(view.sigSpecReady, timeout=LOAD_MS):
        with qtbot.waitSignal(view.sigDatasetReady, timeout=LOAD_MS,
                              check_params_cb=lambda source: source.name == name):
            opener()


def test_bundled_subset_grid_histogram_filter_and_detail(main_window, qtbot):
    view = data_view(main_window)
    open_and_wait(qtbot, view, lambda: view.open_fashion_mnist(bundled_subset_dir()),
                  "Fashion-MNIST (bundled subset)")
    assert view.model.rowCount() == 6000
    assert view.histogram.counts["train"].tolist() == [600] * 10
    assert view.histogram.counts["test"].tolist() == [100] * 10
    view.class_filter.setCurrentIndex(view.class_filter.findText("Ankle boot"))
    assert view.model.rowCount() == 600
    assert {view.model.data(view.model.index(r), Qt.ItemDataRole.UserRole + 2) for r in range(600)} == {9}
    assert view.count_label.text() == "600 of 6,000 pictures"
    view.grid.setCurrentIndex(view.model.index(5))
    assert view.detail.label.text() == "Ankle boot"
    view.class_filter.setCurrentIndex(0)
    view.split_buttons.buttons()[1].click()
    assert view.model.rowCount() == 1000 and view.split_name == "test"
    view.split_buttons.buttons()[0].click()
    view.grid.setCurrentIndex(view.model.index(3))
    qtbot.waitUntil(lambda: "standardized" in view.inputs.summary.text() and view.train_button.isEnabled(),
                    timeout=LOAD_MS)
    choice = view.data_choice()
    assert choice.val_fraction == 0.0 and choice.input.shape == (1, 28, 28)
    screenshot(main_window, "data_grid")


def test_full_fashion_mnist_has_60000_rows_and_scrolls_smoothly(main_window, qtbot):
    root = find_fashion_mnist(include_subset=False)
    if root is None:
        pytest.skip("the full Fashion-MNIST is not on this machine (/usr/share/datasets or ../shared/data)")
    view = data_view(main_window)
    open_and_wait(qtbot, view, lambda: view.open_fashion_mnist(root), "Fashion-MNIST")
    assert view.model.rowCount() == 60_000
    assert view.histogram.counts["train"].tolist() == [6000] * 10
    bar = view.grid.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 100_000, timeout=10_000)   # batched layout done
    made, store = [], view.model._store
    view.model._store = lambda position, image: made.append(position) or store(position, image)
    worst = 0.0
    for value in np.linspace(0, bar.maximum(), 40).astype(int):
        bar.setValue(int(value))
        started = time.perf_counter()
        view.grid.viewport().repaint()
        worst = max(worst, time.perf_counter() - started)
    # a figure, not a verdict (the machine may be shared); what must hold is that painting
    # only makes the thumbnails on screen, never the whole set
    print(f"\nworst repaint of the 60,000-picture grid while scrolling: {worst * 1000:.1f} ms, "
          f"{len(made)} thumbnails made for 40 positions")
    assert 0 < len(made) < 40 * 400
    last = view.model.index(view.model.rowCount() - 1)
    view.grid.scrollTo(last)
    view.grid.setCurrentIndex(last)
    assert view.detail.fields["Example"].text().startswith("#59,999 of 60,000")


def _write_folder(root, subset, per_class=6):
    for label, name in enumerate(FASHION_MNIST_CLASSES[:4]):
        folder = root / name.replace("/", "-")
        folder.mkdir(parents=True)
        picks = np.flatnonzero(subset.train.labels == label)[:per_class]
        for index in picks:
            Image.fromarray(subset.train.images[index]).resize((56, 56)).convert("RGB").save(folder / f"{index}.png")
    (root / "Trouser" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")


def test_image_folder_thumbnails_load_in_the_background(main_window, qtbot, tmp_path):
    from core.session import open_fashion_mnist
    subset = open_fashion_mnist(bundled_subset_dir())
    _write_folder(tmp_path / "clothes", subset)
    view = data_view(main_window)
    open_and_wait(qtbot, view, lambda: view.open_paths([tmp_path / "clothes"]), "clothes")
    assert view.model.rowCount() == 25 and view.source.kind == "folder"
    assert view.source.classes == ["Dress", "Pullover", "T-shirt-top", "Trouser"]
    assert view.inputs.size.isEnabled() and view.spec.shape == (3, 64, 64)
    view.grid.viewport().repaint()
    qtbot.waitUntil(lambda: all(view.model._cache.get(r) is not None for r in range(25)), timeout=20_000)
    broken = next(r for r in range(25) if view.model.split.paths[r].endswith("broken.png"))
    assert view.model._cache[broken].isNull() and not view.model._cache[0].isNull()
    view.inputs.colour.setCurrentIndex(0)
    qtbot.waitUntil(lambda: view.spec.shape == (1, 64, 64), timeout=20_000)
    screenshot(main_window, "data_folder")


def test_csv_of_pictures_and_a_bad_csv(main_window, qtbot, tmp_path):
    from core.session import open_fashion_mnist
    subset = open_fashion_mnist(bundled_subset_dir())
    rows = ["label," + ",".join(f"pixel{i + 1}" for i in range(784))]
    rows += [f"{lab}," + ",".join(map(str, img.ravel())) for img, lab in
             zip(subset.test.images[:50], subset.test.labels[:50])]
    (tmp_path / "fashion-mnist_train.csv").write_text("\n".join(rows) + "\n")
    view = data_view(main_window)
    open_and_wait(qtbot, view, lambda: view.open_paths([tmp_path / "fashion-mnist_train.csv"]),
                  "fashion-mnist_train")
    assert view.model.rowCount() == 50 and view.source.classes == FASHION_MNIST_CLASSES
    assert view.inputs.validation.currentData() == 0.1      # no test file: hold some of train out
    bad = tmp_path / "bad.csv"
    bad.write_text("label,a,b,c\n1,2,3\n")
    with qtbot.waitSignal(view.sigStatus, timeout=LOAD_MS):
        view.open_paths([bad])
    assert view.error.isVisible() and "bad.csv" in view.error.text()
    notes = tmp_path / "notes.txt"
    notes.write_text("not pictures")
    assert not view.accepts_path(notes)
    with qtbot.waitSignal(view.sigStatus, timeout=LOAD_MS):
        view.open_paths([notes])
    assert "notes.txt: not a dataset" in view.error.text() and "CSV files of pictures" in view.error.text()


def test_source_picker_offers_the_registered_formats(main_window):
    from core.io.formats import found_datasets
    picker = data_view(main_window).sources
    assert picker.folder_button.text() == "Open folder…" and picker.file_button.text() == "Open CSV…"
    titles = [picker.combo.itemText(i) for i in range(picker.combo.count())]
    assert titles[:len(found_datasets())] == [title for title, _kind, _path in found_datasets()]
    assert picker.combo.itemData(titles.index("Fashion-MNIST (bundled subset)")).startswith("idx:")
