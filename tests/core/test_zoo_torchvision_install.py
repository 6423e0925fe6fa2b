"""A torchvision zoo entry end to end against a local HTTP server: the weights file is
fetched, checked against the SHA-256 prefix in its name, converted onto the builtin
network and classifies; a wrong prefix installs nothing; a legacy host that does not
answer says so. The real torchvision URLs cannot be reached from the tests."""
import hashlib
import json
import shutil
import socket
import struct

import numpy as np
import pytest

from core.errors import ChecksumError, NetworkError
from core.zoo import store
from core.zoo.builtin import get_symbol
from core.zoo.catalog import registry
from core.zoo.classifier import ImageClassifier
from core.zoo.pretrained import download_model, model_info
from core.zoo.torchvision_weights import ARCHITECTURES, convert, rename, torchvision_keys

from .http_server import FileServer
from .zoo_support import REPO

CLASSES = [f"class {i}" for i in range(7)]


def squeezenet_safetensors():
    """Random weights under torchvision's squeezenet1_1 keys, as a .safetensors file
    (written here: the format is a JSON header and raw bytes), and the state itself."""
    keys = torchvision_keys("squeezenet1_1")
    # every squeezenet weight is a convolution's: dummy 4-d shapes find our names, whose
    # shapes are the real ones
    names = rename({k: np.zeros((1,) * (4 if k.endswith("weight") else 1)) for k in keys},
                   ARCHITECTURES["squeezenet1_1"])
    symbol = get_symbol("squeezenet1.1", num_classes=len(CLASSES))
    shapes = dict(zip(symbol.list_arguments(), symbol.infer_shape(data=(1, 3, 224, 224))[0]))
    rng = np.random.default_rng(3)
    state = {k: rng.normal(0, 0.05, shapes[names[k][0]]).astype(np.float32) for k in keys}
    header, blobs, offset = {}, [], 0
    for key, value in state.items():
        header[key] = {"dtype": "F32", "shape": list(value.shape), "data_offsets": [offset, offset + value.nbytes]}
        blobs.append(value.tobytes())
        offset += value.nbytes
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + b"".join(blobs), state


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with FileServer() as running:
        yield running


@pytest.fixture
def zoo(tmp_path, monkeypatch):
    """A resources folder whose registry lists one torchvision-style and one legacy model."""
    monkeypatch.setenv("NETSTUDIO_CACHE", str(tmp_path / "cache"))
    resources = tmp_path / "resources"
    (resources / "zoo").mkdir(parents=True)
    shutil.copy(REPO / "resources" / "zoo" / "torchvision_keys.json", resources / "zoo")
    (resources / "classes.txt").write_text("\n".join(CLASSES) + "\n")
    monkeypatch.setenv("NETSTUDIO_RESOURCES", str(resources))

    def write(entries):
        (resources / "zoo" / "models.json").write_text(json.dumps({"format": 1, "models": entries}))
    return write


def torchvision_entry(url, checksum):
    return {"name": "tiny-squeezenet", "title": "SqueezeNet (test)", "task": "image-classification",
            "dataset": "test", "architecture": "squeezenet1.1", "input_size": [3, 224, 224],
            "preprocess": {"color": "RGB", "mode": "short-side-crop", "resize": 256, "crop": 224,
                           "scale": 1 / 255, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
            "classes": "classes.txt", "checkpoint": {"prefix": "tiny-squeezenet", "epoch": 0},
            "source": "download", "convert": "torchvision", "torchvision_model": "squeezenet1_1",
            "origin": "a test server", "license": "MIT", "accuracy": {"acc@1": 1.0},
            "files": [{"name": url.rsplit("/", 1)[1], "url": url, "sha256": checksum, "size": None}]}


def test_a_torchvision_entry_downloads_checks_the_prefix_converts_and_classifies(server, zoo, tmp_path):
    data, state = squeezenet_safetensors()
    digest = hashlib.sha256(data).hexdigest()
    name = f"squeezenet1_1-{digest[:8]}.safetensors"
    server.add(name, data)
    zoo([torchvision_entry(server.url(name), digest[:8])])
    info = download_model("tiny-squeezenet")
    assert info.installed and info.license == "MIT" and info.accuracy == "acc@1 1.0"
    assert not list((tmp_path / "cache").rglob("*.safetensors"))       # converted, not kept
    classifier = ImageClassifier.from_zoo("tiny-squeezenet", install=False)
    picture = np.random.default_rng(0).integers(0, 256, (240, 300, 3), dtype=np.uint8)
    probabilities = classifier.predict_proba([picture])
    assert probabilities.shape == (1, len(CLASSES)) and abs(probabilities.sum() - 1) < 1e-5
    (top,) = classifier.predict_topk([picture], k=3)
    assert len(top) == 3 and all(p.label in CLASSES for p in top)
    # the checkpoint holds the served weights under our names
    symbol, _, _ = convert(state, "squeezenet1_1")
    assert symbol.list_arguments() == classifier.symbol.list_arguments()
    np.testing.assert_array_equal(classifier.arg_params["squeezenet0_conv0_weight"].asnumpy(),
                                  state["features.0.weight"])


def test_a_wrong_prefix_installs_nothing(server, zoo):
    data, _ = squeezenet_safetensors()
    server.add("squeezenet1_1-00000000.safetensors", data)
    zoo([torchvision_entry(server.url("squeezenet1_1-00000000.safetensors"), "00000000")])
    with pytest.raises(ChecksumError, match="expected SHA-256 00000000"):
        download_model("tiny-squeezenet")
    assert not store.is_installed("tiny-squeezenet")


def test_a_legacy_host_that_does_not_answer_says_it_may_be_offline(zoo):
    with socket.socket() as probe:          # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    entry = torchvision_entry(f"http://127.0.0.1:{port}/old-0000.params", None)
    entry.update(convert=None, legacy_host=True, origin="a retired host",
                 checksum_exception="never published")
    zoo([entry])
    with pytest.raises(NetworkError, match="legacy host that may be offline for good"):
        download_model("tiny-squeezenet")
    assert model_info("tiny-squeezenet").legacy_host


def test_every_download_in_the_shipped_zoo_has_a_checksum_or_a_documented_exception():
    entries = [e for e in registry().values() if e.source == "download"]
    torchvision = [e for e in entries if e.extra.get("convert") == "torchvision"]
    assert len(torchvision) >= 9
    for entry in torchvision:
        (spec,) = entry.files
        assert spec.url.startswith("https://download.pytorch.org/models/")
        assert spec.url.endswith(f"-{spec.sha256}.pth") and len(spec.sha256) >= 8
        assert entry.extra["torchvision_model"] in ARCHITECTURES
        assert entry.extra["license"] and entry.extra["accuracy"]["acc@1"] > 50
    for entry in entries:
        assert all(f.sha256 for f in entry.files) or entry.extra.get("checksum_exception"), entry.name
        assert entry.extra.get("origin") and entry.extra.get("license"), entry.name


@pytest.mark.parametrize("checksum, message", [
    (None, r"have no checksum and the entry gives no 'checksum_exception'"),
    ("abc", r"checksum 'abc' is not"),
    ("md5:0123456789abcdef", r"is not \[sha1:\|sha256:\]"),
])
def test_the_catalog_refuses_a_download_without_a_valid_checksum(zoo, checksum, message):
    from core.errors import FormatError
    zoo([torchvision_entry("http://127.0.0.1:9/w-00000000.pth", checksum)])
    with pytest.raises(FormatError, match=message):
        registry()


def _netstudio(*args, tmp_path):
    import os
    import subprocess
    import sys
    env = dict(os.environ, NETSTUDIO_CACHE=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
    env.pop("NETSTUDIO_RESOURCES", None)
    done = subprocess.run([sys.executable, "-m", "netstudio", *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_zoo_list_shows_the_torchvision_entries_with_sizes_and_sources(tmp_path):
    lines = {line.split()[0]: line for line in _netstudio("zoo", "list", tmp_path=tmp_path).splitlines()}
    assert "SOURCE" in lines["NAME"]
    assert "44.7 MB" not in lines["resnet18-torchvision"] and "46.8 MB" in lines["resnet18-torchvision"]
    assert "torchvision ResNet18_Weights.IMAGENET1K_V1" in lines["resnet18-torchvision"]
    assert "convnext-tiny-torchvision" in lines and "efficientnet-b0-torchvision" in lines
    assert "legacy host - may be offline" in lines["resnet-18"]


def test_zoo_info_tells_origin_licence_accuracy_and_checksum(tmp_path):
    out = _netstudio("zoo", "info", "resnet50-torchvision", tmp_path=tmp_path)
    assert "origin: torchvision ResNet50_Weights.IMAGENET1K_V1" in out
    assert "license: BSD-3-Clause" in out and "acc@1 76.13" in out
    assert "url: https://download.pytorch.org/models/resnet50-0676ba61.pth" in out
    assert "checksum: SHA-256 starting 0676ba61" in out
    legacy = _netstudio("zoo", "info", "inception-bn", tmp_path=tmp_path)
    assert "legacy host - may be offline" in legacy and "no checksum: the host never published" in legacy
