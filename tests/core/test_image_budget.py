"""Thin pictures are memory bombs: a 196-byte 20000x2 PNG scaled so its short side fits a
network becomes gigabytes. Every step is budgeted (decode, resize, crop, pad, thumbnail)
and an extreme aspect ratio is refused with a message -- checked under a 2 GiB address
space cap, so a regression fails instead of swapping."""
import numpy as np
import pytest
from PIL import Image

from core.errors import DataError
from core.image import load_image, resize, to_grayscale
from tests.memory_cap import ROOT, run_capped


def _thin(path, width, height):
    Image.new("L", (width, height), 200).save(path)
    return path


PIPELINES = """
import sys
from core.errors import DataError
from core.image import Preprocess, preprocess_batch
color, paths = sys.argv[1], sys.argv[2:]
spec = Preprocess(size=(224, 224) if color == "RGB" else (28, 28), resize=256 if color == "RGB" else None,
                  color=color, mode="short-side-crop" if color == "RGB" else "resize",
                  mean=(0.0,) * (3 if color == "RGB" else 1), std=(1.0,) * (3 if color == "RGB" else 1))
for path in paths:
    try:
        print("ok", preprocess_batch([path], spec).shape)
    except DataError as error:
        print(error)
"""


@pytest.mark.parametrize("color", ["RGB", "L"])
def test_thin_pictures_are_refused_under_a_memory_cap(tmp_path, color):
    paths = [_thin(tmp_path / "wide.png", 20000, 2), _thin(tmp_path / "line.png", 100000, 1),
             _thin(tmp_path / "tall.png", 3, 20000), _thin(tmp_path / "banner.png", 4000, 50)]
    assert paths[0].stat().st_size < 400
    run = run_capped(PIPELINES, color, *paths)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "wide.png: a 20000x2-pixel image is too thin to classify (aspect ratio 10,000:1, " \
           "limit 100:1); crop it to the subject" in lines[0]
    assert "line.png: a 100000x1-pixel image is too thin" in lines[1]
    assert "tall.png: a 3x20000-pixel image is too thin" in lines[2]
    assert lines[3].startswith("ok (1, ")                          # 80:1 is still a picture


def test_netstudio_classify_reports_a_thin_picture_under_a_memory_cap(tmp_path):
    thin = _thin(tmp_path / "thin.png", 20000, 2)
    script = ("import sys\nfrom netstudio import main\n"
              "sys.exit(main(['classify', sys.argv[1], str(sys.argv[2]), '--model', 'fashion-mnist-lenet']))\n")
    run = run_capped(script, thin, ROOT / "resources" / "samples" / "coffee.png")
    assert "thin.png: a 20000x2-pixel image is too thin" in run.stderr, run.stderr
    assert "coffee.png" in run.stdout and "Traceback" not in run.stderr and "MemoryError" not in run.stderr


def test_image_folder_iterator_skips_a_thin_picture_under_a_memory_cap(tmp_path):
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        Image.new("RGB", (40, 30), "red").save(tmp_path / label / "ok.png")
    _thin(tmp_path / "a" / "thin.png", 20000, 2)
    script = ("import sys\nimport core as mx\nfrom core.errors import DataError\n"
              "it = mx.io.ImageFolderIter(sys.argv[1], data_shape=(3, 224, 224), batch_size=3)\n"
              "print([batch.data[0].shape for batch in it])\n")
    run = run_capped(script, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "ImageFolderIter skips an image:" in run.stderr and "thin.png: a 20000x2-pixel image is too thin" in run.stderr
    assert run.stdout.strip() == "[(3, 3, 224, 224)]"


def test_resize_refuses_an_output_past_the_pixel_budget():
    with pytest.raises(DataError, match=r"resizing a 4x1 picture to 400000x1000 would make 400,000,000 "
                                        r"pixels, over the 89,478,485-pixel limit"):
        resize(np.zeros((1, 4, 3), np.uint8), (400000, 1000))


def test_padding_a_long_grey_picture_to_a_square_is_budgeted_under_a_memory_cap():
    script = ("import numpy as np\nfrom core.image import to_grayscale\n"
              "long = np.full((946, 94600), 100, np.uint8)\n"          # 89 Mpx, 100:1: a picture
              "small = to_grayscale(long, (28, 28))\n"                 # its square: 8.9 GB
              "print(small.shape, int(small.min()), int(small.max()))\n")
    run = run_capped(script)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "(28, 28) 100 100"


def test_a_normal_photo_is_unchanged_by_the_budgets():
    photo = load_image(ROOT / "resources" / "samples" / "chelsea.png")
    assert to_grayscale(photo, (28, 28)).shape == (28, 28)
