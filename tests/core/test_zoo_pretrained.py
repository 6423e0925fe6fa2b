"""mx.pretrained_model against a real HTTP server on 127.0.0.1 serving a real checkpoint
(the bundled Fashion-MNIST LeNet): registry downloads with SHA-256 and resume, GraphLab
model packages by URL, and every failure leaving nothing that looks installed."""
import hashlib
import io
import json
import socket
import tarfile
from pathlib import Path

import numpy as np
import pytest

import core as mx
from core.errors import ChecksumError, DownloadError, NetworkError, RegistryError
from core.zoo import store

from .http_server import FileServer
from .zoo_support import REPO, fashion_folder

BUNDLE = REPO / "resources" / "zoo" / "fashion-mnist-lenet"
SYMBOL = (BUNDLE / "fashion-mnist-lenet-symbol.json").read_bytes()
PARAMS = (BUNDLE / "fashion-mnist-lenet-0010.params").read_bytes()
CLASSES = (REPO / "resources" / "fashion_mnist_classes.txt").read_text().splitlines()


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with FileServer() as running:
        yield running


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NETSTUDIO_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def registry_with(tmp_path, monkeypatch, server, sha256=None, name="served-lenet"):
    """A resources folder whose registry lists one model served by ``server``."""
    resources = tmp_path / "resources"
    (resources / "zoo").mkdir(parents=True)
    (resources / "fashion_mnist_classes.txt").write_text("\n".join(CLASSES) + "\n")
    files = [{"name": "fashion-mnist-lenet-symbol.json", "url": server.url("lenet-symbol.json"),
              "sha256": hashlib.sha256(SYMBOL).hexdigest(), "size": len(SYMBOL)},
             {"name": "fashion-mnist-lenet-0010.params", "url": server.url("lenet-0010.params"),
              "sha256": sha256 or hashlib.sha256(PARAMS).hexdigest(), "size": len(PARAMS)}]
    entry = {"name": name, "task": "image-classification", "dataset": "Fashion-MNIST",
             "input_size": [1, 28, 28], "source": "download", "classes": "fashion_mnist_classes.txt",
             "preprocess": {"color": "L", "mode": "resize", "scale": 1 / 255, "mean": [0.0], "std": [1.0]},
             "checkpoint": {"prefix": "fashion-mnist-lenet", "epoch": 10}, "files": files,
             "download_size": len(SYMBOL) + len(PARAMS)}
    (resources / "zoo" / "models.json").write_text(json.dumps({"format": 1, "models": [entry]}))
    monkeypatch.setenv("NETSTUDIO_RESOURCES", str(resources))
    server.add("lenet-symbol.json", SYMBOL)
    return name


def graphlab_package():
    """A GraphLab-style model package: folder with metadata.json, labels.json, checkpoint."""
    buffer = io.BytesIO()
    metadata = {"name": "fashion_lenet", "version": "1.0", "model_type": "IMAGE_CLASSIFIER",
                "input_shape": [28, 28, 1], "mean_nd": None, "mean_rgb": [0, 0, 0], "scale": 1 / 255}
    members = {"metadata.json": json.dumps(metadata).encode(), "labels.json": json.dumps(CLASSES).encode(),
               "fashion_lenet-symbol.json": SYMBOL, "fashion_lenet-0010.params": PARAMS}
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(f"fashion_lenet/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def trouser_picture(tmp_path):
    return sorted((fashion_folder(tmp_path / "pics", 1, classes=[1]) / "Trouser").glob("*.png"))[0]


def test_a_model_package_by_url_installs_loads_classifies_and_removes(server, cache, tmp_path):
    server.add("fashion_lenet-1.0.tar.gz", graphlab_package())
    reports = []
    info = mx.pretrained_model.download_model(server.url("fashion_lenet-1.0.tar.gz"),
                                              progress=lambda *r: reports.append(r))
    assert info.name == "fashion_lenet" and info.installed and info.input_size == (1, 28, 28)
    assert reports and reports[-1][0] == reports[-1][1]
    assert "fashion_lenet" in [m.name for m in mx.pretrained_model.installed_models()]
    model = mx.pretrained_model.load_model("fashion_lenet")
    assert model.labels == CLASSES
    assert model.predict_topk(trouser_picture(tmp_path), k=1)[0][0].label == "Trouser"
    assert mx.pretrained_model.remove_model("fashion_lenet")
    assert not store.model_path("fashion_lenet").exists()
    assert "fashion_lenet" not in [m.name for m in mx.pretrained_model.list_models()]


def test_a_registry_model_resumes_after_a_dropped_connection(server, cache, tmp_path, monkeypatch):
    name = registry_with(tmp_path, monkeypatch, server)
    server.add("lenet-0010.params", PARAMS, drop_after=100_000)
    with pytest.raises(NetworkError, match="cannot reach host 127.0.0.1.*the next attempt resumes"):
        mx.pretrained_model.download_model(name)
    assert not mx.pretrained_model.model_info(name).installed
    assert not store.model_path(name).exists()
    info = mx.pretrained_model.download_model(name)
    assert info.installed
    assert ("lenet-0010.params", "bytes=100000-") in server.requests
    symbol, args, auxs = mx.pretrained_model.load_checkpoint(name)
    assert args["fc3_weight"].shape == (10, 84)
    classifier = mx.zoo.ImageClassifier.from_zoo(name)
    assert classifier.predict_topk(trouser_picture(tmp_path), k=1)[0][0].label == "Trouser"


def test_a_wrong_checksum_installs_nothing(server, cache, tmp_path, monkeypatch):
    name = registry_with(tmp_path, monkeypatch, server, sha256="0" * 64)
    server.add("lenet-0010.params", PARAMS)
    with pytest.raises(ChecksumError, match="expected SHA-256 0000"):
        mx.pretrained_model.download_model(name)
    assert not mx.pretrained_model.model_info(name).installed
    leftovers = [p for p in (cache / "models").rglob("*") if p.is_file()] if (cache / "models").exists() else []
    assert leftovers == []
    assert not list((cache / "downloads").glob("*.params*"))


def test_a_missing_file_and_an_unreachable_host_say_so(server, cache, tmp_path, monkeypatch):
    name = registry_with(tmp_path, monkeypatch, server)          # params never added: 404
    with pytest.raises(DownloadError, match="HTTP 404"):
        mx.pretrained_model.download_model(name)
    with socket.socket() as probe:                                # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError, match="cannot reach host 127.0.0.1: connection refused"):
        mx.pretrained_model.download_model(f"http://127.0.0.1:{port}/nothing_here-1.0.tar.gz")
    assert mx.pretrained_model.installed_models() == []


def test_half_written_models_never_count_as_installed(cache):
    folder = store.model_path("efficientnet-lite0")
    folder.mkdir(parents=True)
    (folder / "efficientnet-lite0-symbol.json").write_text("{}")
    assert not store.is_installed("efficientnet-lite0")
    (folder / store.MARKER).write_text(json.dumps({"files": {"efficientnet-lite0-symbol.json": 999}}))
    assert not store.is_installed("efficientnet-lite0")          # size disagrees
    (folder / store.MARKER).write_text("{not json")
    assert not mx.pretrained_model.model_info("efficientnet-lite0").installed


def test_registry_errors_and_the_default_list(cache):
    names = [m.name for m in mx.pretrained_model.list_models()]
    assert names[:2] == ["efficientnet-lite0", "fashion-mnist-lenet"]
    assert {"resnet-18", "resnet-152", "inception-bn", "vgg16", "imagenet1k_inception_bn", "mnist_lenet"} <= set(names)
    resnet = mx.pretrained_model.model_info("resnet-18")
    assert not resnet.installed and resnet.source == "download"
    with pytest.raises(RegistryError, match="not installed; download it first"):
        mx.pretrained_model.load_model("resnet-18")
    with pytest.raises(RegistryError, match="cannot be removed"):
        mx.pretrained_model.remove_model("fashion-mnist-lenet")
    with pytest.raises(RegistryError, match="neither a zoo model nor a URL"):
        mx.pretrained_model.download_model("resnet-19")
    assert mx.pretrained_model.model_info("fashion-mnist-lenet").installed     # bundled


def test_the_registry_has_the_seed_models_at_their_known_addresses():
    from core.zoo.catalog import registry
    urls = {f.url for entry in registry().values() for f in entry.files}
    assert "http://data.mxnet.io/models/imagenet/resnet/18-layers/resnet-18-0000.params" in urls
    assert "http://data.mxnet.io/models/imagenet/inception-bn/Inception-BN-0126.params" in urls
    assert ("https://static.turi.com/models/mxnet_models/release/image_classifier/"
            "imagenet1k_inception_bn-1.0.tar.gz") in urls
    assert all(Path(f.url).name == f.name for entry in registry().values() for f in entry.files)
    assert np.all([entry.input_size[0] in (1, 3) for entry in registry().values()])
