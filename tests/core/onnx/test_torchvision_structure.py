"""torchvision's ResNet-18 and MobileNetV2 as PyTorch 2.14 exports them (dynamo=True,
optimize=True), in CI without torch: the committed graphs (weights' data stripped) are
filled from a seeded RNG, imported, and give ONNX Runtime's numbers within 1e-4; the
ResNet-18 classifies coffee.png as ONNX Runtime does."""
import numpy as np
import onnx
import pytest

import core as mx
from core.zoo import ImageClassifier
from core.zoo.preprocess import prepare

from ..zoo_support import SAMPLES
from .onnx_support import TOLERANCE, run_onnxruntime, run_ours
from .torchvision_structure import TORCHVISION_NETWORKS, structure_path, write_filled

#: ONNX nodes PyTorch writes for each (BatchNorm folded into the convolutions)
NODE_COUNTS = {"resnet18": 49, "mobilenet_v2": 100}


@pytest.mark.parametrize("name", TORCHVISION_NETWORKS)
def test_structure_fixture_keeps_the_graph_but_not_the_weights(name):
    path = structure_path(name)
    model = onnx.load(str(path))
    assert model.producer_name == "pytorch" and len(model.graph.node) == NODE_COUNTS[name]
    weights = [t for t in model.graph.initializer if t.data_type == onnx.TensorProto.FLOAT and np.prod(t.dims) > 8]
    assert len(weights) > 40 and all(not t.raw_data and not t.float_data for t in weights)
    assert sum(int(np.prod(t.dims)) for t in weights) > 2_000_000   # the real layer sizes are kept
    assert path.stat().st_size < 100_000


@pytest.mark.parametrize("name", TORCHVISION_NETWORKS)
def test_torchvision_network_matches_onnxruntime(name, tmp_path):
    path = write_filled(name, tmp_path, seed=1)
    symbol, args, auxs = mx.onnx.import_model(path)
    x = np.random.default_rng(2).normal(0, 1, (2, 3, 224, 224)).astype(np.float32)
    input_name = onnx.load(str(path)).graph.input[0].name
    ours = run_ours(symbol, {k: v.asnumpy() for k, v in {**args, **auxs}.items()}, {input_name: x})[0]
    theirs = run_onnxruntime(path, {input_name: x})[0]
    assert ours.shape == theirs.shape == (2, 1000)
    np.testing.assert_allclose(ours, theirs, atol=TOLERANCE, rtol=0)
    assert theirs.std() > 1e-2 and not np.allclose(theirs[0], theirs[1], atol=1e-3)   # the inputs matter


def test_resnet18_classifies_coffee_as_onnxruntime_does(tmp_path):
    path = write_filled("resnet18", tmp_path)
    labels = [f"class {i}" for i in range(1000)]
    classifier = ImageClassifier.from_onnx(path, labels=labels)
    assert classifier.input_size == (3, 224, 224) and classifier.preprocess.mean == (0.485, 0.456, 0.406)
    picture = SAMPLES / "coffee.png"
    [top] = classifier.predict_topk([picture], k=5)
    logits = run_onnxruntime(path, {"input": prepare(picture, classifier.preprocess, classifier.input_size)[None]})[0][0]
    assert [p.label for p in top] == [labels[i] for i in np.argsort(-logits, kind="stable")[:5]]
    # the logits up to a constant: log-probabilities
    log_probs = np.log(classifier.predict_proba([picture])[0].astype(np.float64))
    expected = logits - logits.max() - np.log(np.exp(logits - logits.max()).sum())
    np.testing.assert_allclose(log_probs, expected, atol=TOLERANCE, rtol=0)
