"""The Train view's dataset list comes from the format registry (``found_datasets``): a
dataset of any format that says it is on this machine is offered, and training on it
opens it with its own format."""
import dataclasses

import pytest
from PySide6.QtCore import Qt

from core.io import formats
from core.io.datasets import bundled_subset_dir

from ..core.zoo_support import fashion_folder


@pytest.fixture(autouse=True)
def runs_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NETSTUDIO_RUNS", str(tmp_path / "runs"))


def test_a_found_image_folder_is_offered_and_trains(main_window, qtbot, tmp_path, monkeypatch):
    photos = fashion_folder(tmp_path / "photos", 6, classes=[0, 1, 7])
    folder_format = formats.get_format("folder")
    monkeypatch.setitem(formats._FORMATS, "folder",
                        dataclasses.replace(folder_format, found=lambda: [("My photos", photos)]))
    view = main_window.show_view("train")      # showing the view refreshes the list
    form = view.form
    titles = [form.dataset.itemText(i) for i in range(form.dataset.count())]
    assert "My photos" in titles and "Fashion-MNIST (bundled subset)" in titles
    assert form.select_dataset_folder(bundled_subset_dir())
    assert form.dataset_request() == ("idx", str(bundled_subset_dir()))
    assert form.select_dataset_folder(photos)
    assert form.dataset_request() == ("folder", str(photos))
    form.select_template("mlp")
    form.epochs.setValue(1)
    form.batch_size.setValue(6)
    with qtbot.waitSignal(view.sigRunFinished, timeout=180_000) as finished:
        qtbot.mouseClick(view.start_button, Qt.MouseButton.LeftButton)
    record = finished.args[0]
    assert record["status"] == "completed", record["message"]
    dataset = record["dataset"]
    assert (dataset["kind"], dataset["location"], dataset["train"]) == ("folder", str(photos), 18)
    assert sorted(dataset["classes"]) == ["Sneaker", "T-shirt-top", "Trouser"]
