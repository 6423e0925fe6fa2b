"""``netstudio export MODEL --onnx OUT`` and ``netstudio classify --model OUT.onnx``."""
import json

from ..test_cli import netstudio  # noqa: F401  (fixture)
from ..zoo_support import SAMPLES, session_cache  # noqa: F401  (fixture)
from .onnx_support import FIXTURES


def _top(done):
    return [(p["label"], p["probability"]) for p in json.loads(done.stdout)[0]["top"]]


def test_exported_zoo_model_classifies_like_the_original(netstudio, tmp_path):
    done = netstudio("export", "fashion-mnist-lenet", "--onnx", tmp_path / "lenet.onnx", check_code=0)
    assert "wrote" in done.stdout and (tmp_path / "lenet-meta.json").is_file()   # labels travel along
    picture = SAMPLES / "coffee.png"
    original = _top(netstudio("classify", "--model", "fashion-mnist-lenet", "--json", picture, check_code=0))
    exported = _top(netstudio("classify", "--model", tmp_path / "lenet.onnx", "--json", picture, check_code=0))
    assert [label for label, _ in exported] == [label for label, _ in original]
    assert all(abs(a - b) < 1e-4 for (_, a), (_, b) in zip(exported, original))


def test_exported_efficientnet_still_sees_espresso(netstudio, tmp_path):
    netstudio("export", "efficientnet-lite0", "--onnx", tmp_path / "effnet.onnx", check_code=0)
    done = netstudio("classify", "--model", tmp_path / "effnet.onnx", "--top", "1", SAMPLES / "coffee.png",
                     check_code=0)
    probability, label = done.stdout.splitlines()[1].split(maxsplit=1)
    assert label == "espresso" and float(probability) > 0.9


def test_an_onnx_classifier_takes_its_class_names_from_a_file(netstudio, tmp_path):
    classes = tmp_path / "classes.txt"
    classes.write_text("\n".join(f"kind {i}" for i in range(10)) + "\n")
    done = netstudio("classify", "--model", FIXTURES / "small_convnet.onnx", "--classes", classes, "--json",
                     SAMPLES / "rocket.jpg", check_code=0)
    top = _top(done)
    assert len(top) == 5 and all(label.startswith("kind ") for label, _ in top)


def test_export_says_what_is_wrong(netstudio, tmp_path):
    assert "one of them" in netstudio("export", "--onnx", tmp_path / "x.onnx", check_code=2).stderr
    done = netstudio("export", "no-such-model", "--onnx", tmp_path / "x.onnx", check_code=1)
    assert done.stderr.startswith("netstudio export:") and "Traceback" not in done.stderr
    assert not (tmp_path / "x.onnx").exists()
