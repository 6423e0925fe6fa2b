"""Before Start, the Train view says how long an epoch will take (measured on a worker
thread with a few real steps of the chosen network on the chosen data) and offers a quick
run sized for about a minute beside the full dataset."""
import re

import pytest
from PySide6.QtCore import Qt, QTimer

from core.events import RunBegin
from core.io.datasets import bundled_subset_dir

from .conftest import screenshot
from .test_train_view import setup_run

WAIT_MS = 120_000


@pytest.fixture(autouse=True)
def runs_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NETSTUDIO_RUNS", str(tmp_path / "runs"))


def measured(view):
    return "per epoch on CPU" in view.form.run_size.note.text()


def test_the_epoch_time_is_said_before_start_and_a_quick_run_is_offered(main_window, qtbot):
    view = main_window.show_view("train")
    setup_run(view, epochs=1)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.waitUntil(lambda: measured(view), timeout=WAIT_MS)
    timer.stop()
    run_size = view.form.run_size
    assert len(ticks) > 5, "the GUI thread must keep serving events while the epoch is measured"
    assert view.estimate_key_measured() == view.form.estimate_key()
    assert run_size.full_run.isChecked() and run_size.full_run.text() == "Full dataset · 6,000 pictures"
    # one epoch of LeNet on 6,000 pictures is far under a minute: nothing to cut
    assert not run_size.quick_run.isEnabled() and "not needed" in run_size.quick_run.text()
    assert re.search(r"per epoch on CPU · 1 epoch: ", run_size.note.text())
    estimate = run_size.estimate
    assert 0 < estimate.epoch_seconds < 60

    # many epochs: the quick run keeps the pictures that fit about a minute
    view.form.epochs.clear()
    qtbot.keyClicks(view.form.epochs, "400")
    assert run_size.quick_run.isEnabled()
    quick = int(re.search(r"Quick run · ([\d,]+) pictures", run_size.quick_run.text()).group(1).replace(",", ""))
    assert 64 <= quick < 6000
    assert estimate.run_seconds(400, estimate.quick_limit(400)) <= 60 < estimate.run_seconds(400)
    qtbot.mouseClick(run_size.quick_run, Qt.MouseButton.LeftButton)
    assert run_size.quick_run.isChecked()
    assert re.search(r"400 epochs: about (1 min|[2-5]\d s)$", run_size.note.text()), run_size.note.text()
    screenshot(main_window, "trainroom_estimate")

    # Start trains on the quick run's pictures (stopped once that is seen)
    begun = []
    view.trainer.sigRunBegin.connect(begun.append)
    with qtbot.waitSignal(view.sigRunFinished, timeout=WAIT_MS):
        qtbot.mouseClick(view.start_button, Qt.MouseButton.LeftButton)
        assert not run_size.isEnabled()
        qtbot.waitUntil(lambda: bool(begun), timeout=WAIT_MS)
        view.stop()
    assert isinstance(begun[0], RunBegin) and begun[0].train_examples == quick
    assert "Quick run: at most" in view.log.text()


def test_changing_the_choice_cancels_the_measurement_and_answers_are_kept(main_window, qtbot):
    view = main_window.show_view("train")
    setup_run(view, template="lenet", epochs=2)
    view.estimate_now()                       # no wait for the choice to settle
    first = view.estimator.worker
    assert first is not None and not first.cancelled
    view.form.select_template("mlp")          # the user changes the network meanwhile
    assert first.cancelled
    qtbot.waitUntil(lambda: measured(view) and view.estimator.worker is None, timeout=WAIT_MS)
    assert view.estimate_key_measured() == view.form.estimate_key() and "template:mlp" in view.form.estimate_key()
    mlp = view.form.run_size.estimate

    view.form.select_template("lenet")
    qtbot.waitUntil(lambda: measured(view) and view.estimator.worker is None, timeout=WAIT_MS)
    lenet = view.form.run_size.estimate
    assert lenet is not mlp
    view.form.select_template("mlp")          # measured already: said at once, nothing runs
    assert view.form.run_size.estimate is mlp and view.estimator.worker is None
    assert measured(view)

    view.form.batch_size.setValue(32)         # another batch size is another measurement
    assert not measured(view) and "Measuring" in view.form.run_size.note.text()
    qtbot.waitUntil(lambda: measured(view), timeout=WAIT_MS)
    assert view.form.run_size.estimate is not mlp


def test_closing_while_measuring_joins_the_thread(make_main_window, qtbot):
    window = make_main_window()
    view = window.show_view("train")
    view.form.select_dataset_folder(bundled_subset_dir())
    view.estimate_now()
    assert view.estimator.busy()
    window.close()              # the fixture checks that every app thread was joined
