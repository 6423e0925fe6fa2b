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


LENET = REPO / "resources" / "zoo" / "fashion-mnist-lenet" / "fashion-mnist-lenet"


def test_kaggle_csv_is_written_as_it_goes_and_resumes(netstudio, tmp_path):
    """Seed 004: 12,500 pictures to kaggle-results.csv in Kaggle's id,label form, followed
    with ``wc -l`` and resumed after an interruption."""
    from .zoo_support import fashion_folder
    folder = fashion_folder(tmp_path / "test", 2, classes=[1, 5, 7])          # 6 pictures
    pictures = sorted(folder.rglob("*.png"))
    out = tmp_path / "kaggle-results.csv"
    args = ("classify", folder, "--checkpoint", LENET, "--epoch", "10", "--csv", out, "--csv-format", "kaggle",
            "--positive", "Trouser")
    netstudio(*args, check_code=0)
    lines = out.read_text().splitlines()
    assert lines[0] == "id,label" and len(lines) == 7
    labels = dict(line.split(",") for line in lines[1:])
    assert set(labels) == {p.stem for p in pictures}
    trousers = {p.stem for p in pictures if p.parent.name == "Trouser"}
    assert all((float(labels[i]) > 0.5) == (i in trousers) for i in labels)

    # interrupted after three rows, the fourth half written: the rerun does only the rest
    out.write_bytes(out.read_bytes()[:len("\r\n".join(lines[:4])) + 2 + 3])
    again = netstudio(*args, check_code=0)
    assert "3/3" in again.stderr
    assert sorted(out.read_text().splitlines()) == sorted(lines)
    done = netstudio(*args, check_code=0)
    assert "already in" in done.stderr and len(out.read_text().splitlines()) == 7


def test_the_long_csv_resumes_and_the_forms_do_not_mix(netstudio, tmp_path):
    out = tmp_path / "long.csv"
    netstudio("classify", SAMPLES / "coffee.png", "--top", "2", "--csv", out, check_code=0)
    netstudio("classify", SAMPLES, "--top", "2", "--csv", out, check_code=0)
    with open(out, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["image"] for r in rows].count(str(SAMPLES / "coffee.png")) == 2       # 2 ranks, once
    assert len(rows) == 6
    mixed = netstudio("classify", SAMPLES, "--csv", out, "--csv-format", "kaggle", "--positive", "espresso",
                      check_code=2)
    assert "not those of --csv-format kaggle" in mixed.stderr
    ten = netstudio("classify", SAMPLES, "--checkpoint", LENET, "--epoch", "10", "--csv", tmp_path / "k.csv",
                    "--csv-format", "kaggle", check_code=2)
    assert "10 classes; say which one is positive with --positive LABEL" in ten.stderr
    alone = netstudio("classify", SAMPLES, "--csv-format", "kaggle", check_code=2)
    assert "give --csv OUT" in alone.stderr


def test_a_resumed_csv_skips_a_picture_whose_name_was_escaped(netstudio, tmp_path):
    (tmp_path / "=cup.png").write_bytes((SAMPLES / "coffee.png").read_bytes())   # the command runs in tmp_path
    out = tmp_path / "out.csv"
    netstudio("classify", "=cup.png", "--top", "1", "--csv", out, check_code=0)
    again = netstudio("classify", "=cup.png", "--top", "1", "--csv", out, check_code=0)
    assert "every picture is already in" in again.stderr
    with open(out, newline="") as handle:
        assert [row["image"] for row in csv.DictReader(handle)] == ["'=cup.png"]    # written escaped, once
