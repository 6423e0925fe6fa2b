"""Grad-CAM ("why this answer"): on real photos where the object's place is known, the
map lies on the object and follows it when it moves; it depends on the class asked
about; its channel weights are the gradients finite differences give; builtin networks
find their layer by themselves and a network without one says so."""
import numpy as np
import pytest
from PIL import Image

import core as mx
from core.errors import DataError, GraphError
from core.zoo import ImageClassifier
from core.zoo.builtin import get_symbol
from core.zoo.gradcam import FEATURES, GradCam, cam_layer, sample_onto, seen_box
from core.zoo.features import Runner
from core.image import Preprocess

from .zoo_support import SAMPLES, session_cache, zoo_cache  # noqa: F401  (fixtures)

COFFEE = SAMPLES / "coffee.png"
ESPRESSO, DINING_TABLE = 967, 532
CUP = (170, 20, 410, 300)           # x0, y0, x1, y1 of the cup in coffee.png (600 x 400)


@pytest.fixture(scope="module")
def efficientnet(session_cache):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NETSTUDIO_CACHE", str(session_cache))
        yield ImageClassifier.from_zoo("efficientnet-lite0")


def centroid(heat):
    ys, xs = np.indices(heat.shape)
    weights = heat / heat.sum()
    return float((weights * xs).sum()), float((weights * ys).sum())


def mass_in(heat, box):
    x0, y0, x1, y1 = box
    return float(heat[y0:y1, x0:x1].sum() / heat.sum())


def test_the_espresso_map_lies_on_the_cup_in_the_middle_of_coffee_png(efficientnet):
    heat = efficientnet.grad_cam(COFFEE)
    assert heat.shape == (400, 600) and heat.dtype == np.float32
    assert 0.0 <= heat.min() and heat.max() == pytest.approx(1.0, abs=0.01)
    y, x = np.unravel_index(int(np.argmax(heat)), heat.shape)
    assert CUP[0] <= x < CUP[2] and CUP[1] <= y < CUP[3]
    assert mass_in(heat, CUP) > 0.7                     # the cup is 28% of the picture
    cx, cy = centroid(heat)
    assert 200 < cx < 400 and 100 < cy < 260
    # the network saw the centre crop only: its margins carry no evidence
    assert efficientnet.explain(COFFEE).box == (125.0, 25.0, 475.0, 375.0)
    assert heat[:, :124].max() == 0 and heat[:, 476:].max() == 0


def _cup_in_corner(corner):
    canvas = Image.new("RGB", (700, 700), (128, 128, 128))
    with Image.open(COFFEE) as photo:
        canvas.paste(photo.convert("RGB").resize((450, 300)), corner)
    return np.asarray(canvas)


def test_the_map_follows_the_cup_into_a_corner(efficientnet):
    maps = {}
    for corner in ((0, 0), (250, 400)):
        explanation = efficientnet.explain(_cup_in_corner(corner), classes=[ESPRESSO])
        assert explanation.maps[0].label == "espresso"
        maps[corner] = explanation.heatmap(0)
        assert maps[corner].shape == (700, 700)
    top_left, bottom_right = centroid(maps[(0, 0)]), centroid(maps[(250, 400)])
    assert top_left[0] < 300 and top_left[1] < 250                  # the cup at (128..308, 15..225)
    assert bottom_right[0] > 400 and bottom_right[1] > 420          # the cup at (378..558, 415..625)
    # most of the evidence lies on the pasted photo (27% of the canvas: 0.7 is 2.5 times its share), little on the other place
    assert mass_in(maps[(0, 0)], (0, 0, 450, 300)) > 0.7 > 0.1 > mass_in(maps[(0, 0)], (250, 400, 700, 700))
    assert mass_in(maps[(250, 400)], (250, 400, 700, 700)) > 0.7 > 0.1 > mass_in(maps[(250, 400)], (0, 0, 450, 300))


def test_the_map_depends_on_the_class_asked_about(efficientnet):
    explanation = efficientnet.explain(COFFEE, classes=[ESPRESSO, DINING_TABLE])
    assert [m.label for m in explanation.maps] == ["espresso", "dining table"]
    assert explanation.maps[0].probability > 0.9 > 0.01 > explanation.maps[1].probability
    espresso, table = explanation.heatmap(0), explanation.heatmap(1)
    assert np.corrcoef(espresso.ravel(), table.ravel())[0, 1] < 0.5
    assert mass_in(table, CUP) < mass_in(espresso, CUP) - 0.2         # the table is the wood around
    # top-k by default, best first, as predict_topk ranks them
    top = efficientnet.explain(COFFEE, k=3)
    assert [m.index for m in top.maps] == [p.index for p in efficientnet.predict_topk(COFFEE, k=3)[0]]


def test_a_class_index_out_of_range_is_a_clear_error(efficientnet):
    with pytest.raises(DataError, match="out of range: the model has 1000 classes"):
        efficientnet.grad_cam(COFFEE, class_index=1000)
    with pytest.raises(DataError, match="one picture at a time"):
        efficientnet.explain([COFFEE, COFFEE])


def random_params(symbol, input_size, seed=0):
    rng = np.random.default_rng(seed)
    args, _, auxs = symbol.infer_shape(data=(1, *input_size))
    arg_params = {name: mx.nd.array(rng.normal(0, 0.3, shape).astype(np.float32))
                  for name, shape in zip(symbol.list_arguments(), args) if name not in ("data", "softmax_label")}
    aux_params = {name: mx.nd.array((np.ones if name.endswith("var") else np.zeros)(shape, np.float32))
                  for name, shape in zip(symbol.list_auxiliary_states(), auxs)}
    return arg_params, aux_params


def test_channel_weights_match_finite_differences_of_the_class_score():
    symbol = get_symbol("lenet")
    arg_params, aux_params = random_params(symbol, (1, 28, 28))
    cam = GradCam(symbol, arg_params, aux_params, (1, 28, 28), mx.cpu())
    assert cam.layer == "pool2"
    picture = np.random.default_rng(1).uniform(0, 1, (1, 1, 28, 28)).astype(np.float32)
    scores, indices, cams = cam(picture, [3, 7])
    features = cam.features(picture).astype(np.float64)
    head = Runner(cam.head, arg_params, aux_params, mx.cpu(), data_name=FEATURES)
    eps = 1e-2
    for index, got in zip(indices, cams):
        weights = []
        for channel in range(features.shape[1]):    # mean gradient = derivative along the channel's ones
            step = np.zeros_like(features)
            step[0, channel] = eps
            up = head((features + step).astype(np.float32))[0, index]
            down = head((features - step).astype(np.float32))[0, index]
            weights.append((up - down) / (2 * eps) / (features.shape[2] * features.shape[3]))
        expected = np.maximum(np.tensordot(np.array(weights), features[0], axes=(0, 0)), 0)
        expected /= expected.max()
        np.testing.assert_allclose(got, expected, atol=2e-3)
    np.testing.assert_allclose(scores, head(cam.features(picture))[0], rtol=1e-5, atol=1e-5)
    assert not np.allclose(cams[0], cams[1], atol=0.05)


@pytest.mark.parametrize("network, layer", [
    ("efficientnet-lite0", "relu1"), ("resnet18_v1", "resnetv10_stage4_activation1"),
    ("squeezenet1.1", "squeezenet0_relu25_fwd"), ("inception-bn-28-small", "concat9"),
    ("mobilenetv2_1.0", None), ("vgg11", None)])
def test_builtin_networks_find_their_last_spatial_layer(network, layer):
    from core.zoo.builtin import input_shape
    found = cam_layer(get_symbol(network), input_shape(network))
    assert found == layer or (layer is None and found)


def test_a_builtin_network_with_random_weights_explains_a_real_photo():
    symbol = get_symbol("resnet18_v1", num_classes=10)
    arg_params, aux_params = random_params(symbol, (3, 224, 224))
    classifier = ImageClassifier(symbol, arg_params, aux_params, [f"class {i}" for i in range(10)])
    explanation = classifier.explain(COFFEE, k=2)
    assert explanation.layer == "resnetv10_stage4_activation1"
    assert [m.cam.shape for m in explanation.maps] == [(7, 7), (7, 7)]
    assert explanation.heatmap(0).shape == (400, 600)


def test_a_network_with_no_spatial_layer_says_grad_cam_needs_one():
    symbol = get_symbol("mlp")
    arg_params, aux_params = random_params(symbol, (1, 28, 28))
    classifier = ImageClassifier(symbol, arg_params, aux_params, input_size=(1, 28, 28))
    with pytest.raises(GraphError, match="Grad-CAM needs a convolutional network"):
        classifier.grad_cam(np.zeros((28, 28, 3), np.uint8))


def test_the_seen_box_follows_each_preprocessing_geometry():
    crop = Preprocess(size=(224, 224), mode="short-side-crop", resize=256)
    assert seen_box((600, 400), crop) == (125.0, 25.0, 475.0, 375.0)
    assert seen_box((400, 600), crop) == (25.0, 125.0, 375.0, 475.0)
    assert seen_box((600, 400), Preprocess(size=(28, 28), mode="resize")) == (0, 0, 600, 400)
    padded = Preprocess(size=(28, 28), mode="resize", color="L", mean=(0,), std=(1,))
    assert seen_box((60, 40), padded) == (0, -10, 60, 50)


def test_sampling_onto_a_picture_keeps_the_cells_in_place():
    cam = np.zeros((3, 3), np.float32)
    cam[0, 2] = 1.0                                # the top-right cell
    heat = sample_onto(cam, (60, 30), (0, 0, 60, 30))
    assert heat.shape == (30, 60)
    assert np.unravel_index(int(np.argmax(heat)), heat.shape) == (0, 59)
    assert heat[:10, 40:].min() > 0.2 and heat[20:, :20].max() < 0.01 and 0 <= heat.min() <= heat.max() <= 1
    uniform = sample_onto(np.full((3, 3), 0.5, np.float32), (60, 30), (0, 0, 60, 30))
    np.testing.assert_allclose(uniform, 0.5, rtol=1e-5)        # the weights sum to 1
    outside = sample_onto(cam, (90, 30), (30, 0, 90, 30))
    assert outside[:, :30].max() == 0 and np.argmax(outside[0]) == 89
