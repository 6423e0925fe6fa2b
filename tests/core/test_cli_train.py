"""``netstudio train`` as a real subprocess (``python -m netstudio``): short runs on the
bundled Fashion-MNIST subset leave checkpoints a classifier loads, ``--json`` gives one
object per epoch, ``--resume`` goes on at the next epoch, Ctrl-C saves the weights and
exits 130, and a mistake on the command line is one line on stderr with exit code 2."""
import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from .zoo_support import REPO, fashion_folder

SMALL = ("--limit", "300", "--batch-size", "50")


@pytest.fixture
def netstudio(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO), NETSTUDIO_RUNS=str(tmp_path / "runs"))

    def run(*args, code=0):
        done = subprocess.run(command(*args), cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=600)
        if code is not None:
            assert done.returncode == code, done.stderr
        return done
    run.env = env
    return run


def command(*args):
    return [sys.executable, "-m", "netstudio", "train", *map(str, args)]


def json_lines(done):
    return [json.loads(line) for line in done.stdout.splitlines()]


def one_line(done):
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_train_is_a_listed_command():
    done = subprocess.run([sys.executable, "-m", "netstudio", "--help"], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    assert "train" in done.stdout and "train a network from the command line" in done.stdout


def test_a_short_epoch_of_lenet_leaves_a_checkpoint_and_json_metrics(netstudio, tmp_path):
    from core.session import RunHistory
    from core.zoo import ImageClassifier
    prefix = tmp_path / "out" / "lenet"
    done = netstudio("lenet", "fashion-mnist-subset", *SMALL, "--epochs", "1", "--out", prefix, "--json")
    epoch, end = json_lines(done)
    assert epoch["event"] == "epoch" and (epoch["epoch"], epoch["epochs"]) == (1, 1)
    assert epoch["checkpoint"] == f"{prefix}-0001.params"
    assert 0 < epoch["train_loss"] < 2.4 and 0.3 < epoch["val_accuracy"] <= 1     # chance is 0.1
    assert end["event"] == "end" and end["status"] == "completed" and end["epochs_saved"] == [1]
    assert end["evaluated_on"] == "test" and end["test_accuracy"] == epoch["val_accuracy"]
    assert sorted(p.name for p in prefix.parent.iterdir()) == ["lenet-0001.params", "lenet-meta.json",
                                                               "lenet-symbol.json"]
    classifier = ImageClassifier.from_checkpoint(str(prefix), 1)
    assert classifier.labels[9] == "Ankle boot" and classifier.input_size == (1, 28, 28)
    [record] = RunHistory(tmp_path / "runs").list()      # the Train view's history lists the run
    assert record.model_ref() == {"name": record.title, "prefix": str(prefix), "epoch": 1}
    assert "epoch 1/1 [" in done.stderr and "loss" in done.stderr        # the progress bar


def test_resume_goes_on_at_the_next_epoch_from_the_saved_weights(netstudio, tmp_path):
    prefix = tmp_path / "mlp"
    first = netstudio("mlp", "fashion-mnist-subset", *SMALL, "--epochs", "1", "--out", prefix, "--json")
    again = netstudio("mlp", "fashion-mnist-subset", *SMALL, "--epochs", "2", "--out", prefix, "--resume", "--json")
    [epoch1, _] = json_lines(first)
    [epoch2, end] = json_lines(again)
    assert epoch2["epoch"] == 2 and end["epochs_saved"] == [1, 2]
    assert epoch2["train_loss"] < epoch1["train_loss"] - 0.2     # it went on from trained weights
    done = netstudio("mlp", "fashion-mnist-subset", "--epochs", "2", "--out", prefix, "--resume", code=2)
    assert "has 2 epoch(s) already" in one_line(done) and "--epochs" in done.stderr
    done = netstudio("mlp", "fashion-mnist-subset", "--out", prefix, code=2)
    assert "--resume" in one_line(done) and str(prefix) in done.stderr


@pytest.mark.parametrize("args, names", [
    (("lenet", "no/such/folder"), "no/such/folder: no such file or folder"),
    (("lenett", "fashion-mnist-subset"), "lenett: no such file"),
    (("lenet", "fashion-mnist-subset", "--finetune", "frozen"), "--finetune needs a pretrained zoo model"),
    (("lenet", "fashion-mnist-subset", "--resume"), "--resume goes on from the checkpoints of --out"),
])
def test_a_mistake_is_one_line_with_exit_code_2(netstudio, args, names):
    done = netstudio(*args, code=2)
    assert names in one_line(done)


def test_a_file_that_is_not_a_dataset_is_named(netstudio, tmp_path):
    junk = tmp_path / "pictures.bin"
    junk.write_bytes(b"\0" * 100)
    line = one_line(netstudio("lenet", junk, code=2))
    assert str(junk) in line and "not a dataset" in line


def test_a_network_that_does_not_fit_the_data_is_one_line(netstudio, tmp_path):
    from core.zoo.builtin import get_symbol
    wrong = tmp_path / "five.json"
    get_symbol("lenet", num_classes=5).save(str(wrong))
    line = one_line(netstudio(wrong, "fashion-mnist-subset", "--limit", "50", code=2))
    assert "five has 5 outputs but the dataset has 10 classes" in line


def test_ctrl_c_saves_a_loadable_checkpoint_and_resume_repeats_the_cut_short_epoch(netstudio, tmp_path):
    """As a terminal does it: SIGINT to the whole process group, here with the batch
    split over two processes (a lane worker that died of it used to end the run)."""
    from core.model import load_checkpoint
    prefix = tmp_path / "cut"
    process = subprocess.Popen(command("lenet", "fashion-mnist-subset", "--limit", "3000", "--batch-size", "20",
                                       "--epochs", "3", "--out", prefix, "--json"),
                               cwd=tmp_path, env=dict(netstudio.env, NETSTUDIO_LANES="2"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    seen = ""
    while "epoch 1/3 [" not in seen:         # the progress bar is drawn at the first batch
        char = process.stderr.read(1)
        assert char, seen
        seen += char
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 130, seen + err
    [end] = [json.loads(line) for line in out.splitlines()]
    assert end["status"] == "cancelled" and end["epochs_saved"] == [0]
    assert "interrupted (Ctrl-C)" in err and "--resume" in err and "Traceback" not in err
    symbol, arg_params, _ = load_checkpoint(str(prefix), 0)
    assert symbol.list_outputs() == ["softmax_output"] and np.isfinite(arg_params["fc3_weight"].asnumpy()).all()
    done = netstudio("lenet", "fashion-mnist-subset", *SMALL, "--epochs", "1", "--out", prefix, "--resume",
                     "--json")
    assert [row["epoch"] for row in json_lines(done) if row["event"] == "epoch"] == [1]


def test_image_folders_and_checkpoints_train_through_the_format_registry(netstudio, tmp_path):
    folder = fashion_folder(tmp_path / "photos", 12, classes=[0, 1, 7])
    prefix = tmp_path / "three"
    done = netstudio("lenet", folder, "--epochs", "1", "--batch-size", "8", "--val", "0.25", "--out", prefix,
                     "--json")
    epoch, end = json_lines(done)
    assert end["evaluated_on"] == "validation" and epoch["val_accuracy"] is not None
    further = netstudio(f"{prefix}-symbol.json", folder, "--epochs", "1", "--batch-size", "8",
                        "--out", tmp_path / "further", "--json")
    assert json_lines(further)[-1]["status"] == "completed"


def test_fine_tuning_frozen_keeps_the_base_and_full_trains_it(netstudio, tmp_path):
    from core.model import load_checkpoint
    from core.zoo import installed_models
    from core.zoo.pretrained import load_checkpoint as zoo_checkpoint
    if "fashion-mnist-lenet" not in [m.name for m in installed_models()]:
        pytest.skip("the bundled fashion-mnist-lenet zoo model is not installed")
    _, original, _ = zoo_checkpoint("fashion-mnist-lenet")
    for mode in ("frozen", "full"):
        netstudio("fashion-mnist-lenet", "fashion-mnist-subset", "--limit", "200", "--epochs", "1",
                  "--finetune", mode, "--out", tmp_path / mode)
    _, frozen, _ = load_checkpoint(str(tmp_path / "frozen"), 1)
    _, full, _ = load_checkpoint(str(tmp_path / "full"), 1)
    base = original["conv1_weight"].asnumpy()
    np.testing.assert_array_equal(frozen["conv1_weight"].asnumpy(), base)
    assert not np.allclose(full["conv1_weight"].asnumpy(), base)
    assert "finetune_fc_weight" in frozen and "finetune_fc_weight" in full
