"""``netstudio detect`` as a real subprocess: text, JSON past a bad picture, a folder
with annotated pictures written, and a threshold out of range."""
import json

import numpy as np
from PIL import Image

from .test_cli import netstudio  # noqa: F401  (fixture)
from .zoo_support import SAMPLES, session_cache  # noqa: F401  (fixture)


def test_text_lists_score_label_and_box_per_picture(netstudio):  # noqa: F811
    done = netstudio("detect", SAMPLES / "chelsea.png", "--threshold", "0.5", check_code=0)
    lines = done.stdout.splitlines()
    assert lines[0] == str(SAMPLES / "chelsea.png") and len(lines) == 2
    score, label, box = lines[1].split(maxsplit=2)
    assert label == "cat" and float(score) > 0.5 and len(json.loads(box)) == 4


def test_json_keeps_going_past_a_bad_picture_and_exits_1(netstudio, tmp_path):  # noqa: F811
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"not a picture")
    done = netstudio("detect", bad, SAMPLES / "coffee.png", "--json", check_code=1)
    rows = json.loads(done.stdout)
    assert "broken.jpg" in rows[0]["error"] and "broken.jpg" in done.stderr
    cup = [d for d in rows[1]["detections"] if d["label"] == "cup"][0]
    assert set(cup) == {"box", "label", "index", "score"} and cup["index"] == 41


def test_a_folder_with_annotated_copies(netstudio, tmp_path):  # noqa: F811
    out = tmp_path / "annotated"
    done = netstudio("detect", SAMPLES, "--save-annotated", out, check_code=0)
    assert "detecting [" in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["chelsea.png", "coffee.png", "rocket.png"]
    drawn = np.asarray(Image.open(out / "chelsea.png").convert("RGB")).astype(int)
    original = np.asarray(Image.open(SAMPLES / "chelsea.png").convert("RGB")).astype(int)
    assert drawn.shape == original.shape and (drawn != original).any()
    rocket = np.asarray(Image.open(out / "rocket.png").convert("RGB")).astype(int)
    assert np.array_equal(rocket, np.asarray(Image.open(SAMPLES / "rocket.jpg").convert("RGB")))  # nothing found


def test_a_threshold_outside_0_1_is_refused(netstudio):  # noqa: F811
    done = netstudio("detect", SAMPLES / "chelsea.png", "--threshold", "3", check_code=2)
    assert "--threshold must be between 0 and 1" in done.stderr
