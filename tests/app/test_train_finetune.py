"""The Train view's fine-tuning choice (frozen base or every layer at a smaller base rate)
reaches the training session the CLI and ``mx.model.finetune`` share."""
import pytest

from core.io.datasets import bundled_subset_dir

RUN_MS = 180_000
MODEL = "fashion-mnist-lenet"


@pytest.fixture(autouse=True)
def runs_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NETSTUDIO_RUNS", str(tmp_path / "runs"))


def start_fine_tuning(view, qtbot, mode, base_rate=None):
    """Choose the zoo model and ``mode`` in the form, start, stop after a few batches;
    returns (the run's record, its session)."""
    form = view.form
    index = form.network.findData(f"zoo:{MODEL}")
    if index < 0:
        pytest.skip("the bundled fashion-mnist-lenet zoo model is not installed")
    form.network.setCurrentIndex(index)
    assert form.select_dataset_folder(bundled_subset_dir())
    form.finetune.setCurrentIndex(form.finetune.findData(mode))
    assert form.base_lr_mult.isVisibleTo(form) == (mode == "full")
    if base_rate is not None:
        form.base_lr_mult.setText(base_rate)
    form.epochs.setValue(1)
    with qtbot.waitSignal(view.sigRunFinished, timeout=RUN_MS) as finished:
        view.start_button.click()
        worker = view.trainer.worker
        qtbot.waitUntil(lambda: view._last_batch is not None and view._last_batch.nbatch >= 2, timeout=RUN_MS)
        view.stop_button.click()
    return finished.args[0], worker.session


def test_the_fine_tuning_rows_show_for_zoo_models_only(main_window):
    form = main_window.show_view("train").form
    form.select_template("lenet")
    assert not form.finetune.isVisibleTo(form) and not form.base_lr_mult.isVisibleTo(form)
    assert form.network_choice().kind == "template"


def test_every_layer_at_the_chosen_base_rate_reaches_the_session(main_window, qtbot):
    record, session = start_fine_tuning(main_window.show_view("train"), qtbot, "full", "0.05")
    assert record["network"]["finetune"] == "full" and record["network"]["base_lr_mult"] == 0.05
    rates = session.module.optimizer.lr_mult
    assert rates["conv1_weight"] == 0.05 and "finetune_fc_weight" not in rates
    assert session.frozen is None


def test_the_frozen_choice_trains_the_head_on_cached_features(main_window, qtbot):
    record, session = start_fine_tuning(main_window.show_view("train"), qtbot, "frozen")
    assert record["network"]["finetune"] == "frozen"
    assert session.frozen is not None and "conv1_weight" not in session.module.symbol.list_arguments()


def test_a_base_rate_out_of_range_is_named(main_window):
    view = main_window.show_view("train")
    form = view.form
    index = form.network.findData(f"zoo:{MODEL}")
    if index < 0:
        pytest.skip("the bundled fashion-mnist-lenet zoo model is not installed")
    form.network.setCurrentIndex(index)
    form.finetune.setCurrentIndex(form.finetune.findData("full"))
    form.base_lr_mult.setText("5")
    view.start_button.click()
    assert not view.trainer.busy()
    assert "base learning-rate multiplier" in view.banner.text()
