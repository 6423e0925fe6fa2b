"""The offline detector on real photos: classes and boxes against boxes measured by hand,
the API's shapes, the threshold, the pictures it draws, and seed 002's names."""
import logging

import numpy as np
import pytest
from PIL import Image

import core as mx
from core.errors import DataError
from core.zoo.nanodet import iou

from .zoo_support import SAMPLES, session_cache, zoo_cache  # noqa: F401 - fixtures

# measured by hand on the pictures (x0, y0, x1, y1 in their pixels)
CAT_IN_CHELSEA = [0, 0, 420, 300]        # the cat fills the frame; its right edge ~420
CUP_IN_COFFEE = [172, 18, 410, 300]      # rim left/right, rim top, base of the cup


@pytest.fixture
def detector(zoo_cache):  # noqa: F811
    return mx.pretrained_model.load_model("nanodet-coco")


def pair_picture():
    """Both photos side by side on a grey 1100x450 canvas: the cat at (20, 60), the cup
    photo at (480, 20) -- the hand-measured boxes move with them."""
    canvas = Image.new("RGB", (1100, 450), (235, 235, 235))
    canvas.paste(Image.open(SAMPLES / "chelsea.png").convert("RGB"), (20, 60))
    canvas.paste(Image.open(SAMPLES / "coffee.png").convert("RGB"), (480, 20))
    return canvas


def shifted(box, dx, dy):
    return [box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy]


def best_of(detections, label):
    found = [d for d in detections if d["label"] == label]
    assert found, f"no {label} among {[(d['label'], d['score']) for d in detections]}"
    return found[0]


@pytest.mark.parametrize("picture, label, box", [
    (SAMPLES / "chelsea.png", "cat", CAT_IN_CHELSEA),
    (SAMPLES / "coffee.png", "cup", CUP_IN_COFFEE),
    (pair_picture, "cat", shifted(CAT_IN_CHELSEA, 20, 60)),
    (pair_picture, "cup", shifted(CUP_IN_COFFEE, 480, 20)),
], ids=["cat-in-chelsea", "cup-in-coffee", "cat-in-pair", "cup-in-pair"])
def test_known_objects_are_found_where_they_are(detector, picture, label, box):
    picture = picture() if callable(picture) else picture
    found = best_of(detector.detect(picture), label)
    assert iou(np.array(box, float), np.array([found["box"]], float))[0] >= 0.5, found
    assert found["index"] == detector.labels.index(label)


def test_chelsea_is_a_cat_first_and_a_rocket_launch_holds_no_coco_object(detector):
    assert detector.detect(SAMPLES / "chelsea.png", k=1)[0]["label"] == "cat"
    assert detector.detect(SAMPLES / "rocket.jpg") == []


def test_answers_per_picture_best_first_within_k_and_threshold(detector):
    pictures = [SAMPLES / "chelsea.png", pair_picture()]
    everything = detector.detect(pictures, k=100, threshold=0.05)
    assert len(everything) == 2
    for detections in everything:
        scores = [d["score"] for d in detections]
        assert scores == sorted(scores, reverse=True) and min(scores) >= 0.05
        assert set(detections[0]) == {"box", "label", "index", "score"}
    # a higher threshold is the same answer filtered: the slider needs no second run
    strict = detector.detect(pictures[1], k=100, threshold=0.3)
    assert strict == [d for d in everything[1] if d["score"] >= 0.3]
    assert len(detector.detect(pictures[1], k=2)) == 2


def test_boxes_stay_inside_the_picture(detector):
    width, height = 1100, 450
    for d in detector.detect(pair_picture(), k=100, threshold=0.05):
        x0, y0, x1, y1 = d["box"]
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height


def test_visualize_detection_draws_labelled_boxes_and_saves(detector, tmp_path):
    prediction = detector.detect(SAMPLES / "coffee.png")
    image = detector.visualize_detection(SAMPLES / "coffee.png", prediction, tmp_path / "coffee.png")
    cup = best_of(prediction, "cup")
    x0, y0, x1, y1 = (round(v) for v in cup["box"])
    original = np.asarray(Image.open(SAMPLES / "coffee.png").convert("RGB"))
    drawn = np.asarray(image)
    assert (drawn[(y0 + y1) // 2, x0] != original[(y0 + y1) // 2, x0]).any()   # the box's left edge
    assert (drawn[(y0 + y1) // 2, (x0 + x1) // 2] == original[(y0 + y1) // 2, (x0 + x1) // 2]).all()
    assert Image.open(tmp_path / "coffee.png").size == (600, 400)


def test_seed_002_name_stands_in_with_a_notice(zoo_cache, caplog):  # noqa: F811
    with caplog.at_level(logging.WARNING):
        detector = mx.pretrained_model.load_model("coco_vgg_16")
    assert isinstance(detector, mx.zoo.ImageDetector) and detector.name == "nanodet-coco"
    notices = [r.getMessage() for r in caplog.records if "coco_vgg_16" in r.getMessage()]
    assert len(notices) == 1 and "NanoDet" in notices[0] and "\n" not in notices[0]


def test_the_detector_opens_as_a_checkpoint_like_any_zoo_model(zoo_cache):  # noqa: F811
    symbol, arg_params, _ = mx.pretrained_model.load_checkpoint("nanodet-coco")
    assert symbol.infer_shape(data=(1, 3, 416, 416))[1][0] == (1, 2704, 80)
    assert sum(v.size for v in arg_params.values()) == 3_786_068
    info = mx.pretrained_model.model_info("nanodet-coco")
    assert info.installed and info.task == "object-detection"


def test_a_broken_picture_is_named(detector, tmp_path):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"not a picture")
    with pytest.raises(DataError, match="broken.jpg"):
        detector.detect(bad)


def test_seed_002_download_url_installs_the_stand_in_offline(zoo_cache, caplog):  # noqa: F811
    url = "https://static.turi.com/models/mxnet_models/release/image_detector/coco_vgg_16-1.0.tar.gz"
    with caplog.at_level(logging.WARNING):
        info = mx.pretrained_model.download_model(url)
    assert info.name == "nanodet-coco" and info.installed
    assert any("no longer published" in r.getMessage() for r in caplog.records)


def test_head_outputs_pair_by_shape_whatever_their_order():
    from core.errors import GraphError
    from core.zoo.nanodet import pair_levels
    outputs = [np.zeros((169, 44)), np.zeros((2704, 80)), np.zeros((169, 80)), np.zeros((2704, 44))]
    scores, boxes = pair_levels(outputs, 80)
    assert [s.shape for s in scores] == [(2704, 80), (169, 80)] and [b.shape for b in boxes] == [(2704, 44), (169, 44)]
    with pytest.raises(GraphError, match="box output"):
        pair_levels(outputs[:3], 80)
