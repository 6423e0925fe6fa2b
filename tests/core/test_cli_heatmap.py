"""``netstudio classify PHOTO --heatmap OUT.png``: the picture with its Grad-CAM map and
caption, written whole; the class may be chosen; misuse is one clear line."""
import numpy as np
from PIL import Image

from .test_cli import netstudio  # noqa: F401  (fixture)
from .zoo_support import SAMPLES, session_cache  # noqa: F401  (fixture)


def _redness(pixels):
    return pixels[:, :, 0].astype(int) - pixels[:, :, 2].astype(int)


def test_heatmap_writes_the_photo_with_the_evidence_on_the_cup(netstudio, tmp_path):
    out = tmp_path / "why.png"
    done = netstudio("classify", SAMPLES / "coffee.png", "--heatmap", out, check_code=0)
    assert done.stdout.splitlines()[1].split()[1] == "espresso"
    assert f"why espresso: heat map written to {out}" in done.stderr
    with Image.open(out) as written:
        pixels = np.asarray(written.convert("RGB"))
    with Image.open(SAMPLES / "coffee.png") as photo:
        original = np.asarray(photo.convert("RGB"))
    assert pixels.shape[1] == 600 and pixels.shape[0] > 400          # the photo and a caption strip
    changed = np.abs(pixels[:400].astype(int) - original.astype(int)).sum(axis=2)
    cup, saucer_rim = changed[60:200, 220:360], changed[335:370, 140:460]
    assert cup.mean() > 3 * saucer_rim.mean()                       # coloured on the cup, not elsewhere
    margin = changed[:, 490:]                                        # the model never saw it: greyed evenly
    assert 20 < margin.mean() and margin.std() < 30
    assert not list(tmp_path.glob("*.tmp*")) and not list(tmp_path.glob(".*"))


def test_another_class_and_misuse(netstudio, tmp_path):
    table = tmp_path / "table.png"
    done = netstudio("classify", SAMPLES / "coffee.png", "--heatmap", table, "--heatmap-class", "dining table",
                     check_code=0)
    assert "why dining table" in done.stderr and table.exists()
    done = netstudio("classify", SAMPLES / "coffee.png", SAMPLES / "rocket.jpg", "--heatmap", tmp_path / "x.png",
                     check_code=2)
    assert "explains one picture" in done.stderr and "Traceback" not in done.stderr
    done = netstudio("classify", SAMPLES / "coffee.png", "--heatmap", tmp_path / "x.png",
                     "--heatmap-class", "teapot-ish", check_code=2)
    assert "'teapot-ish' is not a class of the model" in done.stderr
    done = netstudio("classify", SAMPLES / "coffee.png", "--heatmap", tmp_path / "x.txt", check_code=2)
    assert "unknown picture type" in done.stderr and "Traceback" not in done.stderr
