"""Classify on a cold start says what it is waiting for, and a new model offers to re-run the list."""
import threading

import pytest

from PySide6.QtCore import Qt

from app.classify import worker as classify_worker
from app.classify.results_model import DONE

from .conftest import MODEL_TIMEOUT_MS, SAMPLES, copy_samples, drop_urls


@pytest.fixture
def slow_loading_window(make_main_window, monkeypatch):
    """The model's weights load only when the test says so: a busy CPU, without a clock."""
    gate = threading.Event()
    real_load = classify_worker.load_classifier

    def held_load(spec, ctx):
        gate.wait(MODEL_TIMEOUT_MS / 1000)
        return real_load(spec, ctx)

    monkeypatch.setattr(classify_worker, "load_classifier", held_load)
    try:
        yield make_main_window(), gate
    finally:
        gate.set()          # never leave the worker thread waiting


def test_a_cold_start_says_loading_the_model_then_counts_the_pictures(slow_loading_window, qtbot):
    window, gate = slow_loading_window
    view = window.show_view("classify")
    stages = []
    view.jobs.sigModelProgress.connect(lambda text, fraction: stages.append((text, fraction)))
    drop_urls(view, [SAMPLES / "coffee.png", SAMPLES / "chelsea.png"])
    qtbot.waitUntil(lambda: "reading the weights" in view.summary.text(), timeout=MODEL_TIMEOUT_MS)
    title = view.jobs.spec.title
    assert view.summary.text() == f"Loading {title}… reading the weights"
    assert view.model_state.text() == view.summary.text()
    assert view.progress.isVisible() and view.progress.value() == 0
    assert "loading" in window.model_label.text()
    assert all(item.state != DONE for item in view.results.items())
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        gate.set()
    # the weights were being read (seen above); then the kernels compiled, then ready
    assert stages[-2:] == [(f"Loading {title}… compiling the kernels", 0.5), (f"Loading {title}… ready", 1.0)]
    assert [item.state for item in view.results.items()] == [DONE, DONE]
    assert view.summary.text() == "2 images · 2 classified"
    assert view.model_state.text().startswith("Ready on")


def test_switching_the_model_offers_to_rerun_the_pictures_in_the_list(main_window, qtbot, tmp_path):
    from app.classify.model_selector import SPEC_ROLE
    from core.zoo.installer import load_spec
    load_spec("fashion-mnist-lenet")               # an offline model: installs here, on first use
    view = main_window.show_view("classify")
    view.selector.refresh()
    copy_samples(tmp_path, names=("coffee.png", "chelsea.png"))
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        drop_urls(view, [tmp_path / "coffee.png", tmp_path / "chelsea.png"])
    first_title = view.jobs.spec.title
    assert all(item.model == first_title for item in view.results.items())
    assert not view.rerun_banner.isVisible()

    row = next(r for r in range(view.selector.count())
               if getattr(view.selector.itemData(r, SPEC_ROLE), "name", None) == "fashion-mnist-lenet")
    view.selector.setCurrentIndex(row)
    view.selector.activated.emit(row)              # what choosing the row with the mouse emits
    assert view.rerun_banner.isVisible()
    assert view.rerun_banner.button.text() == "Re-run 2 pictures with fashion-mnist-lenet"
    assert [item.model for item in view.results.items()] == [first_title] * 2   # nothing re-run unasked

    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        qtbot.mouseClick(view.rerun_banner.button, Qt.MouseButton.LeftButton)
    assert not view.rerun_banner.isVisible()
    items = view.results.items()
    assert [item.state for item in items] == [DONE, DONE]
    assert [item.model for item in items] == ["fashion-mnist-lenet"] * 2
    fashion = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"}
    assert all(item.top_label in fashion for item in items), [i.top_label for i in items]


def test_not_now_hides_the_offer_and_a_fresh_list_gets_none(main_window, qtbot, tmp_path):
    from core.zoo.installer import load_spec
    load_spec("fashion-mnist-lenet")
    view = main_window.show_view("classify")
    copy_samples(tmp_path, names=("coffee.png",))
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        drop_urls(view, [tmp_path / "coffee.png"])
    first = view.jobs.spec
    with qtbot.waitSignal(view.jobs.sigModelReady, timeout=MODEL_TIMEOUT_MS):
        view.use_model("fashion-mnist-lenet")
    assert view.rerun_banner.button.text() == "Re-run 1 picture with fashion-mnist-lenet"
    qtbot.mouseClick(view.rerun_banner.dismiss_button, Qt.MouseButton.LeftButton)
    assert not view.rerun_banner.isVisible()
    assert view.results.items()[0].model == first.title
    view.clear()
    view.use_model(first)
    assert not view.rerun_banner.isVisible()       # nothing in the list to re-run
