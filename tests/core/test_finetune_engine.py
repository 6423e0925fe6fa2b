"""One fine-tuning engine behind ``mx.model.finetune``, ``netstudio train --finetune`` and
the Train view's session: full trains the pretrained layers at ``base_lr_mult`` x the rate
(MXNet's ``__lr_mult__``), frozen trains the new head on the base's features computed once
per picture."""
import numpy as np
import pytest

from core.zoo.features import Runner

MODEL = "fashion-mnist-lenet"


@pytest.fixture(autouse=True)
def lenet_installed(tmp_path, monkeypatch):
    from core.zoo import installed_models
    if MODEL not in [m.name for m in installed_models()]:
        pytest.skip("the bundled fashion-mnist-lenet zoo model is not installed")
    monkeypatch.setenv("NETSTUDIO_RUNS", str(tmp_path / "runs"))


def cli_session(*options):
    """The session ``netstudio train fashion-mnist-lenet fashion-mnist-subset OPTIONS`` runs."""
    from netstudio import build_parser
    from netstudio.train import build_session
    args = build_parser().parse_args(["train", MODEL, "fashion-mnist-subset", "--limit", "120",
                                      "--batch-size", "20", "--optimizer", "sgd", "--lr", "0.05",
                                      *map(str, options)])
    return build_session(args)


def base_change(session):
    """How far training moved conv1 (the base) and the new head from where they started."""
    from core.zoo.pretrained import load_checkpoint
    _, original, _ = load_checkpoint(MODEL)
    trained, _ = session.module.get_params()
    return float(np.abs(trained["conv1_weight"].asnumpy() - original["conv1_weight"].asnumpy()).mean())


def test_cli_full_trains_the_base_at_the_smaller_rate():
    slow = cli_session("--finetune", "full", "--base-lr-mult", "0.1", "--epochs", "1")
    assert slow.run().status == "completed"
    rates = slow.module.optimizer.lr_mult
    assert rates["conv1_weight"] == rates["fc2_weight"] == 0.1 and "finetune_fc_weight" not in rates
    same = cli_session("--finetune", "full", "--base-lr-mult", "1", "--epochs", "1")
    assert same.run().status == "completed"
    moved_slow, moved_same = base_change(slow), base_change(same)
    # the same batches and start: the base moves about a tenth as far at a tenth of the rate
    assert 0 < moved_slow < 0.3 * moved_same
    assert cli_session("--finetune", "full", "--epochs", "1").network.base_lr_mult == 0.1   # the default


def test_cli_frozen_runs_each_picture_through_the_base_once(monkeypatch):
    rows = []
    real = Runner.outputs

    def counted(self, batch):
        rows.append(len(batch))
        return real(self, batch)
    monkeypatch.setattr(Runner, "outputs", counted)
    session = cli_session("--finetune", "frozen", "--epochs", "3")
    assert session.run().status == "completed"
    pictures = session.prepared.train_iter.num_examples + session.prepared.final_iter.num_examples
    # once per picture (the last batch of each pass is padded), not once per epoch
    assert pictures <= sum(rows) < pictures + 2 * 20
    assert "conv1_weight" not in session.module.symbol.list_arguments()      # only the head trains
    from core.model import load_checkpoint
    from core.zoo.pretrained import load_checkpoint as zoo_checkpoint
    _, original, _ = zoo_checkpoint(MODEL)
    symbol, saved, _ = load_checkpoint(session.record.prefix, 3)         # the whole network is saved
    assert "conv1_weight" in symbol.list_arguments() and "finetune_fc_weight" in saved
    np.testing.assert_array_equal(saved["conv1_weight"].asnumpy(), original["conv1_weight"].asnumpy())
    assert session.record.final["test_accuracy"] > 0.5


def test_cli_finetune_mistakes_are_usage_errors():
    from netstudio.train import UsageError
    with pytest.raises(UsageError, match="--base-lr-mult sets the pretrained layers' rate of --finetune full"):
        cli_session("--finetune", "frozen", "--base-lr-mult", "0.1")
    with pytest.raises(UsageError, match="from 0 .* to 1"):
        cli_session("--finetune", "full", "--base-lr-mult", "3")


def test_the_help_says_which_mode_wins_and_when():
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "netstudio", "train", "--help"], capture_output=True, text=True,
                          timeout=120)
    text = " ".join(done.stdout.split())
    assert "--base-lr-mult MULT" in text and "upright vs upside-down" in text and "regrouped" in text
    assert "Start with frozen" in text
