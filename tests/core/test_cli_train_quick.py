"""``netstudio train --estimate`` says how long an epoch will take (measured on a few real
steps); ``--quick`` trains on the pictures that fit about a minute here."""
import argparse
import re

import pytest

from netstudio import train

from .test_cli_train import netstudio  # noqa: F401 - the subprocess fixture


def parsed(*args):
    parser = argparse.ArgumentParser()
    train.add_arguments(parser)
    return parser.parse_args(list(args))


def test_estimate_says_the_epoch_time_and_trains_nothing(netstudio, tmp_path):  # noqa: F811
    done = netstudio("lenet", "fashion-mnist-subset", "--estimate", "--epochs", "2")
    assert re.fullmatch(r"netstudio train: (about [\d a-z]+|under a second) per epoch on CPU \(6,000 training "
                        r"pictures\); 2 epochs: (about [\d a-z]+|under a second)\n", done.stderr), done.stderr
    assert done.stdout == "" and not (tmp_path / "runs").exists()


def test_quick_cuts_the_data_to_about_a_minute(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("NETSTUDIO_RUNS", str(tmp_path / "runs"))
    session = train.build_session(parsed("lenet", "fashion-mnist-subset", "--quick", "--epochs", "400"))
    said = capsys.readouterr().err
    kept = len(session.data.source.train)
    assert 64 <= kept < 6000
    assert f"({kept:,} training pictures); 400 epochs: about " in said
    seconds = re.search(r"400 epochs: about (.*)$", said.strip()).group(1)
    assert seconds in ("1 min",) or re.fullmatch(r"[2-5]\d s", seconds), said


def test_quick_on_a_run_that_is_short_already_keeps_all_the_data(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("NETSTUDIO_RUNS", str(tmp_path / "runs"))
    session = train.build_session(parsed("mlp", "fashion-mnist-subset", "--quick", "--epochs", "1"))
    assert len(session.data.source.train) == 6000
    assert "takes under a minute already" in capsys.readouterr().err


def test_quick_and_limit_do_not_go_together(netstudio):  # noqa: F811
    done = netstudio("lenet", "fashion-mnist-subset", "--quick", "--limit", "100", code=2)
    assert "--quick chooses how many pictures" in done.stderr and "Traceback" not in done.stderr
