"""The ``netstudio`` command, run as a real subprocess (``python -m netstudio``, which
runs what the console script calls): classify's text, JSON and CSV output, a bad picture among
good ones, folders with a progress bar, and the zoo commands."""
import csv
import json
import os
import subprocess
import sys

import pytest

from .zoo_support import REPO, SAMPLES, session_cache  # noqa: F401  (fixture)


@pytest.fixture
def netstudio(session_cache, tmp_path):
    env = dict(os.environ, NETSTUDIO_CACHE=str(session_cache), PYTHONPATH=str(REPO))

    def run(*args, check_code=None):
        done = subprocess.run([sys.executable, "-m", "netstudio", *map(str, args)], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        if check_code is not None:
            assert done.returncode == check_code, done.stderr
        return done
    return run


def test_classify_prints_probability_and_label_per_picture(netstudio):
    done = netstudio("classify", SAMPLES / "coffee.png", SAMPLES / "rocket.jpg", "--top", "3", check_code=0)
    lines = done.stdout.splitlines()
    assert lines[0] == str(SAMPLES / "coffee.png")
    probability, label = lines[1].split(maxsplit=1)
    assert label == "espresso" and float(probability) > 0.9
    assert len(lines) == 8 and lines[4] == str(SAMPLES / "rocket.jpg")
    assert {lines[5].split(maxsplit=1)[1], lines[6].split(maxsplit=1)[1]} == {"missile", "projectile"}


def test_json_keeps_going_past_a_bad_picture_and_exits_1(netstudio, tmp_path):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes((SAMPLES / "rocket.jpg").read_bytes()[:2000])        # a truncated JPEG
    done = netstudio("classify", SAMPLES / "chelsea.png", bad, SAMPLES / "coffee.png", "--json", check_code=1)
    rows = json.loads(done.stdout)
    assert [row["image"] for row in rows] == [str(SAMPLES / "chelsea.png"), str(bad), str(SAMPLES / "coffee.png")]
    assert {t["label"] for t in rows[0]["top"][:3]} == {"tiger cat", "Egyptian cat", "tabby"}
    assert set(rows[0]["top"][0]) == {"index", "label", "probability"} and len(rows[0]["top"]) == 5
    assert "broken.jpg" in rows[1]["error"] and "top" not in rows[1]
    assert rows[2]["top"][0]["label"] == "espresso"
    assert "broken.jpg" in done.stderr


def test_a_folder_streams_with_progress_and_writes_csv(netstudio, tmp_path):
    out = tmp_path / "predictions.csv"
    done = netstudio("classify", SAMPLES, "--top", "2", "--csv", out, check_code=0)
    assert "classifying [" in done.stderr and "3/3" in done.stderr
    with open(out, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6 and rows[0].keys() == {"image", "rank", "index", "label", "probability", "error"}
    coffee = [r for r in rows if r["image"].endswith("coffee.png")]
    assert coffee[0]["rank"] == "1" and coffee[0]["label"] == "espresso" and float(coffee[0]["probability"]) > 0.9


def test_zoo_commands(netstudio):
    listing = netstudio("zoo", "list", check_code=0).stdout
    assert listing.splitlines()[0].split()[:3] == ["NAME", "INSTALLED", "SIZE"]
    assert any(line.startswith("fashion-mnist-lenet") and " yes " in line for line in listing.splitlines())
    assert "resnet-152" in listing
    info = netstudio("zoo", "info", "resnet-18", check_code=0).stdout
    assert "installed: no" in info and "ImageNet-1k" in info
    refused = netstudio("zoo", "remove", "fashion-mnist-lenet", check_code=2)
    assert "cannot be removed" in refused.stderr
    unknown = netstudio("classify", SAMPLES / "coffee.png", "--model", "nope", check_code=2)
    assert "no model named 'nope'" in unknown.stderr or "not in the zoo" in unknown.stderr


def test_a_checkpoint_with_its_sidecar_classifies_grey_pictures(netstudio):
    prefix = REPO / "resources" / "zoo" / "fashion-mnist-lenet" / "fashion-mnist-lenet"
    done = netstudio("classify", SAMPLES / "coffee.png", "--checkpoint", prefix, "--epoch", "10", "--json",
                     check_code=0)
    top = json.loads(done.stdout)[0]["top"]
    assert len(top) == 5 and all(t["label"] in {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"} for t in top)


def test_no_command_opens_the_app_lazily():
    # the CLI module itself never imports Qt; the app is imported only to launch it
    code = "import netstudio, sys; print('PySide6' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.stdout.strip() == "False"
