"""``mx.pretrained_model``: list, download, load and remove pretrained models (seed 002).

>>> import core as mx
>>> [m.name for m in mx.pretrained_model.list_models()][:2]
['efficientnet-lite0', 'fashion-mnist-lenet']

``download_model`` takes a zoo name or a URL of a model package (a ``.tar.gz`` holding
``metadata.json``, ``labels.json`` and an MXNet checkpoint, as GraphLab published them);
the package's name is the file name up to its first '-' (``mnist_lenet-1.0.tar.gz`` ->
``mnist_lenet``). Files stream into the cache, resume when interrupted, are checked
against their SHA-256, and count as installed only once all are in place.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from ..errors import RegistryError
from . import store
from .catalog import ARCHIVE_SUFFIXES, bundle_prefix, entry_for_url, registry, registry_entry
from .installer import install_entry, install_url

#: GraphLab models no longer published -> the zoo model that stands in for each
STAND_INS = {"coco_vgg_16": ("nanodet-coco", "GraphLab's VGG-16 COCO detector is no longer published; "
                                             "NanoDet-g (COCO, offline) stands in for it")}
log = logging.getLogger(__name__)


def resolve_name(name):
    """A zoo name for ``name``: itself, or its stand-in (with a one-line notice)."""
    if name in STAND_INS:
        stand_in, why = STAND_INS[name]
        log.warning("%s: %s", name, why)
        return stand_in
    return name


@dataclass(frozen=True)
class ModelInfo:
    """What the Zoo view and ``netstudio zoo list`` show about one model."""

    name: str
    task: str
    dataset: str
    input_size: tuple
    download_size: int
    installed: bool
    description: str
    title: str = ""
    source: str = ""              # "convert", "bundled", "download" or "url"
    location: str | None = None   # the folder it is installed in
    origin: str = ""              # who publishes it ("torchvision ResNet18_Weights...")
    license: str = ""
    accuracy: str = ""            # as its publisher reports it ("acc@1 69.758")
    legacy_host: bool = False     # a retired host that may be offline
    files: tuple = ()             # (url, checksum or the documented reason there is none)


def _info(entry=None, name=None, record=None):
    if entry is None:
        record = record or store.read_marker(name) or {}
        return ModelInfo(name=name, task=record.get("task", "image-classification"),
                         dataset=record.get("dataset", "unknown"),
                         input_size=tuple(record.get("input_size") or ()),
                         download_size=sum(record.get("files", {}).values()), installed=bool(record),
                         description=f"downloaded from {record.get('url', 'a URL')}", title=name,
                         source="url", location=str(store.model_path(name)) if record else None)
    installed = bundle_prefix(entry) is not None if entry.source == "bundled" else store.is_installed(entry.name)
    location = (str(bundle_prefix(entry).parent) if entry.source == "bundled" and installed
                else str(store.model_path(entry.name)) if installed else None)
    extra = entry.extra
    accuracy = ", ".join(f"{k} {v}" for k, v in (extra.get("accuracy") or {}).items())
    files = tuple((f.url, f.sha256 or f"no checksum: {extra.get('checksum_exception')}") for f in entry.files)
    return ModelInfo(name=entry.name, task=entry.task, dataset=entry.dataset, input_size=entry.input_size,
                     download_size=entry.download_size, installed=installed, description=entry.description,
                     title=entry.title, source=entry.source, location=location,
                     origin=extra.get("origin", "Net Studio" if entry.source == "bundled" else ""),
                     license=extra.get("license", ""), accuracy=accuracy,
                     legacy_host=bool(extra.get("legacy_host")), files=files)


def list_models():
    """Every model the zoo knows, then any installed from other URLs, as ModelInfo."""
    known = [_info(entry) for entry in registry().values()]
    extra = [_info(name=n) for n in store.installed_names() if n not in registry()]
    return known + extra


def installed_models():
    return [info for info in list_models() if info.installed]


def model_info(name):
    if name in registry():
        return _info(registry_entry(name))
    if store.is_installed(name):
        return _info(name=name)
    raise RegistryError(f"no model named {name!r}; known: {', '.join(m.name for m in list_models())}")


def download_model(name_or_url, progress=None, cancel=None, overwrite=False):
    """Install a zoo model by name, or a model package by URL; returns its ModelInfo.
    Already installed: nothing to do unless ``overwrite``. ``progress(done, total)`` is
    called as bytes arrive; ``cancel`` (a callable or Event) stops the download."""
    if _looks_like_url(name_or_url) and package_name(name_or_url) in STAND_INS:
        name_or_url = package_name(name_or_url)
    name_or_url = resolve_name(name_or_url)
    entry = registry().get(name_or_url) or entry_for_url(name_or_url)
    if entry is None and not _looks_like_url(name_or_url):
        raise RegistryError(f"{name_or_url!r} is neither a zoo model nor a URL; zoo models: "
                            f"{', '.join(registry())}")
    name = entry.name if entry else package_name(name_or_url)
    if overwrite and not (entry is not None and entry.source == "bundled"):
        store.remove(name)
    if entry is not None:
        install_entry(entry, progress=progress, cancel=cancel)
        return _info(entry)
    if not store.is_installed(name):
        install_url(name, name_or_url, progress=progress, cancel=cancel)
    return _info(name=name)


def remove_model(name):
    """Delete an installed model's files; True if anything was removed. Bundled models
    ship with Net Studio and cannot be removed."""
    entry = registry().get(name)
    if entry is not None and entry.source == "bundled":
        raise RegistryError(f"{name!r} ships with Net Studio and cannot be removed")
    return store.remove(name)


def load_model(name, ctx=None):
    """An ImageClassifier (or, for a detection model, an ImageDetector) for an installed
    (or offline-installable) model, as GraphLab's ``load_model``; its ``.symbol``,
    ``.arg_params``, ``.aux_params`` are the checkpoint."""
    name = resolve_name(name)
    entry = registry().get(name)
    if entry is not None and entry.task == "object-detection":
        from .detector import ImageDetector
        return ImageDetector.from_zoo(name, ctx=ctx, install=False)
    from .classifier import ImageClassifier
    return ImageClassifier.from_zoo(name, ctx=ctx, install=False)


def load_checkpoint(name):
    """``(symbol, arg_params, aux_params)`` of an installed model (MXNet's tuple)."""
    classifier = load_model(name)
    return classifier.symbol, classifier.arg_params, classifier.aux_params


def package_name(url):
    """GraphLab's rule: the file name up to the first '-' (``mnist_lenet-1.0.tar.gz``)."""
    filename = Path(urlparse(url).path).name
    for suffix in ARCHIVE_SUFFIXES:
        if filename.endswith(suffix):
            filename = filename[:-len(suffix)]
            break
    name = filename.split("-")[0]
    return store._check_name(name or "model")


def _looks_like_url(text):
    return urlparse(str(text)).scheme in ("http", "https", "file")
