"""A packaged app finds its resources and its converted models inside the bundle
(``sys._MEIPASS``) before anything else, and never deletes a bundled model."""
import json
import sys

import pytest

from core import resources
from core.errors import RegistryError
from core.io import datasets
from core.zoo import catalog, store


@pytest.fixture
def fake_bundle(tmp_path, monkeypatch):
    """A bundle folder with resources/ (registry, class list, subset) as build.py lays it out."""
    bundle = tmp_path / "bundle"
    (bundle / "resources" / "zoo").mkdir(parents=True)
    (bundle / "resources" / "datasets" / "fashion-mnist-subset").mkdir(parents=True)
    (bundle / "resources" / "zoo" / "models.json").write_text(json.dumps({"format": 1, "models": []}))
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.delenv("NETSTUDIO_RESOURCES", raising=False)
    monkeypatch.delenv("NETSTUDIO_BUNDLED_MODELS", raising=False)
    monkeypatch.setenv("NETSTUDIO_CACHE", str(tmp_path / "cache"))
    return bundle


def test_frozen_app_reads_resources_from_the_bundle(fake_bundle):
    assert resources.resources_dir() == fake_bundle / "resources"
    assert catalog.resources_dir() == fake_bundle / "resources"
    assert datasets.bundled_subset_dir() == fake_bundle / "resources" / "datasets" / "fashion-mnist-subset"
    assert resources.bundled_models_dir() == fake_bundle / "models"


def test_source_checkout_has_no_bundled_models(monkeypatch):
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    monkeypatch.delenv("NETSTUDIO_BUNDLED_MODELS", raising=False)
    assert resources.bundled_models_dir() is None
    assert (resources.resources_dir() / "zoo" / "models.json").is_file()


def _install_fake_model(name, files):
    def build(folder):
        for relative, data in files.items():
            (folder / relative).write_bytes(data)
        return {"prefix": "net", "epoch": 3}
    return store.install(name, build, {"source": "convert"})


def test_bundled_model_is_found_before_the_cache_and_never_removed(fake_bundle, tmp_path, monkeypatch):
    # the build step converts into a scratch cache and copies <cache>/models into the bundle
    monkeypatch.setenv("NETSTUDIO_CACHE", str(tmp_path / "build-cache"))
    _install_fake_model("tiny", {"net-symbol.json": b"{}", "net-0003.params": b"12345678"})
    (tmp_path / "build-cache" / "models").rename(fake_bundle / "models")
    monkeypatch.setenv("NETSTUDIO_CACHE", str(tmp_path / "user-cache"))

    assert store.is_installed("tiny")
    assert store.model_path("tiny") == fake_bundle / "models" / "tiny"
    prefix, epoch = store.checkpoint_prefix("tiny")
    assert (prefix, epoch) == (fake_bundle / "models" / "tiny" / "net", 3)
    assert store.remove("tiny") is False                      # nothing in the user's cache
    assert (fake_bundle / "models" / "tiny" / "net-0003.params").is_file()


def test_a_damaged_bundled_model_falls_back_to_the_cache(fake_bundle, tmp_path, monkeypatch):
    monkeypatch.setenv("NETSTUDIO_CACHE", str(tmp_path / "build-cache"))
    _install_fake_model("tiny", {"net-symbol.json": b"{}", "net-0003.params": b"12345678"})
    (tmp_path / "build-cache" / "models").rename(fake_bundle / "models")
    (fake_bundle / "models" / "tiny" / "net-0003.params").write_bytes(b"short")   # wrong size
    monkeypatch.setenv("NETSTUDIO_CACHE", str(tmp_path / "user-cache"))

    assert not store.is_installed("tiny")
    assert store.model_path("tiny") == tmp_path / "user-cache" / "models" / "tiny"
    _install_fake_model("tiny", {"net-symbol.json": b"{}", "net-0003.params": b"87654321"})
    assert store.checkpoint_prefix("tiny")[0] == tmp_path / "user-cache" / "models" / "tiny" / "net"
    with pytest.raises(RegistryError):
        store.model_path("../escape")
