"""Getting a model onto disk (download, unpack, convert) and finding what loading it needs:
checkpoint prefix and epoch, labels, input size and preprocessing.

Downloads stream into ``<cache>/downloads/`` first, so an interrupted one resumes there;
only a complete, verified file moves into the model's folder.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import DownloadError, FormatError, NetworkError, RegistryError
from . import store
from .catalog import ARCHIVE_SUFFIXES, Preprocess, bundle_prefix, registry, resource_path
from .meta import default_preprocess, read_class_file


@dataclass(frozen=True)
class LoadSpec:
    name: str
    prefix: Path
    epoch: int
    labels: list | None
    input_size: tuple
    preprocess: Preprocess


def downloads_dir():
    return store.cache_dir() / "downloads"


def _fetch(spec_url, filename, sha256, size, progress, cancel, max_bytes=None):
    from .download import MAX_UNKNOWN_BYTES, download
    dest = downloads_dir() / filename
    dest.parent.mkdir(parents=True, exist_ok=True)
    download(spec_url, dest, sha256=sha256, size=size, progress=progress, cancel=cancel,
             max_bytes=max_bytes or MAX_UNKNOWN_BYTES)
    return dest


def download_ceiling(entry):
    """The most one file of ``entry`` may bring when its exact size is not pinned: twice the
    catalog's ``download_size`` (an estimate), so an endless or wrong body stops early."""
    return 2 * entry.download_size + 2**20 if entry.download_size else None


def install_entry(entry, progress=None, cancel=None):
    """Make a registry model usable: convert, check the bundle, or download its files."""
    if entry.source == "convert":
        import importlib
        converter = importlib.import_module(entry.extra.get("converter") or "core.zoo.convert_efficientnet")
        return converter.ensure_converted()
    if entry.source == "bundled":
        if bundle_prefix(entry) is None:
            raise RegistryError(f"the bundled model {entry.name!r} is missing from {entry.extra.get('bundle')}")
        return {"source": "bundled"}
    record = store.read_marker(entry.name)
    if record is not None:
        return record

    def build(folder):
        for spec in entry.files:
            fetched = _fetch_from_entry(entry, spec, progress, cancel)
            if entry.extra.get("convert") == "torchvision":
                return _convert_torchvision(entry, fetched, folder)
            if entry.archive:
                _unpack(fetched, folder)
            else:
                os.replace(fetched, folder / spec.name)
        return describe_package(folder) if entry.archive else {}

    return store.install(entry.name, build, {"source": "download", "prefix": entry.prefix,
                                             "epoch": entry.epoch, "url": entry.files[0].url if entry.files else None})


def _fetch_from_entry(entry, spec, progress, cancel):
    try:
        return _fetch(spec.url, spec.name, spec.sha256, spec.size, progress, cancel, download_ceiling(entry))
    except (NetworkError, DownloadError) as error:
        if not entry.extra.get("legacy_host"):
            raise
        raise type(error)(f"{error} -- {entry.name} comes from a legacy host that may be offline "
                          f"for good ({entry.extra.get('origin', 'retired')})") from error


def _convert_torchvision(entry, weights, folder):
    """torchvision's downloaded weights, converted onto the builtin network and saved as
    the entry's checkpoint; the PyTorch file is not kept."""
    from .torchvision_weights import save_converted
    try:
        save_converted(weights, entry.extra["torchvision_model"], folder / entry.prefix, entry.epoch)
    finally:
        weights.unlink(missing_ok=True)
    return {"converted_from": entry.files[0].url}


def install_url(name, url, progress=None, cancel=None):
    """Install a model package (an archive) from any URL under ``name``."""
    filename = Path(url.split("?")[0]).name or f"{name}.tar.gz"
    if not filename.endswith(ARCHIVE_SUFFIXES):
        raise FormatError(f"{url}: not a model package; expected a .tar.gz (or .zip) holding "
                          f"<prefix>-symbol.json, <prefix>-NNNN.params and labels")

    def build(folder):
        _unpack(_fetch(url, filename, None, None, progress, cancel), folder)
        return describe_package(folder)

    return store.install(name, build, {"source": "url", "url": url})


def _unpack(archive, folder):
    from .download import extract_archive
    try:
        extract_archive(archive, folder / "package")
    finally:
        try:
            archive.unlink()
        except OSError:
            pass


def describe_package(folder):
    """What a model package holds: the checkpoint folder, prefix/epoch, labels, and the
    preprocessing from GraphLab's ``metadata.json`` when present."""
    folder = Path(folder)
    candidates = sorted({p.parent for p in folder.rglob("*-symbol.json")}, key=lambda p: len(p.parts))
    if not candidates:
        raise FormatError(f"the package holds no '<prefix>-symbol.json'; files: "
                          f"{[p.name for p in folder.rglob('*') if p.is_file()][:10]}")
    root = candidates[0]
    params = sorted(root.glob("*-[0-9][0-9][0-9][0-9].params"))
    if not params:
        raise FormatError(f"{root.name}: the package holds a symbol but no '<prefix>-NNNN.params'")
    stem = params[-1].name[:-len(".params")]
    record = {"root": root.relative_to(folder).as_posix(), "prefix": stem[:-5], "epoch": int(stem[-4:])}
    for labels_name in ("labels.json", "synset.txt", "labels.txt"):
        if (root / labels_name).is_file():
            record["labels_file"] = labels_name
            break
    metadata = root / "metadata.json"
    if metadata.is_file():
        record.update(_graphlab_metadata(metadata))
    return record


def _graphlab_metadata(path):
    """GraphLab's metadata: input_shape (h, w, c), mean_rgb and scale, where
    x = (pixel - mean) * scale; ours is x = (pixel * scale - mean) / std."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        height, width, channels = (int(v) for v in meta["input_shape"])
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise FormatError(f"{path}: not a readable model metadata file ({error})") from None
    scale = float(meta.get("scale") or 1.0)
    mean = [float(v) * scale for v in (meta.get("mean_rgb") or [0.0] * 3)][:channels]
    mean += [0.0] * (channels - len(mean))
    rule = {"color": "L" if channels == 1 else "RGB", "mode": "resize", "resize": None, "crop": None,
            "scale": scale, "mean": mean, "std": [1.0] * channels}
    return {"input_size": [channels, height, width], "preprocess": rule,
            "task": "image-classification", "dataset": meta.get("name", "unknown")}


def load_spec(name, install=True, progress=None, cancel=None):
    """Everything needed to load ``name`` as a classifier; installs offline models (and,
    with ``install``, downloads) first."""
    entry = registry().get(name)
    if entry is None:
        record = store.read_marker(name)
        if record is None:
            raise RegistryError(f"model {name!r} is not installed and not in the zoo; download it first "
                                f"(netstudio zoo download URL)")
        return _spec_from_record(name, record, None)
    if entry.source == "bundled":
        install_entry(entry)
        labels = read_class_file(resource_path(entry.classes)) if entry.classes else None
        return LoadSpec(name, bundle_prefix(entry), entry.epoch, labels, entry.input_size, entry.preprocess)
    record = store.read_marker(name)
    if record is None:
        if not (install or entry.source == "convert"):
            raise RegistryError(f"model {name!r} is not installed; download it first "
                                f"(netstudio zoo download {name})")
        record = install_entry(entry, progress=progress, cancel=cancel)
    return _spec_from_record(name, record, entry)


def load_zoo_checkpoint(name, install=True, progress=None, cancel=None):
    """``(spec, symbol, arg_params, aux_params)``: ``load_spec(name)`` and its checkpoint."""
    from ..model.checkpoint import load_checkpoint
    spec = load_spec(name, install=install, progress=progress, cancel=cancel)
    return (spec, *load_checkpoint(str(spec.prefix), spec.epoch))


def _spec_from_record(name, record, entry):
    prefix, epoch = store.checkpoint_prefix(name, record)
    input_size = tuple(record.get("input_size") or (entry.input_size if entry else (3, 224, 224)))
    if entry is not None and entry.preprocess is not None:
        rule = entry.preprocess
    elif record.get("preprocess"):
        rule = Preprocess.from_dict(record["preprocess"], f"{name}/installed.json")
    else:
        rule = default_preprocess(input_size)
    labels = None
    if entry is not None and entry.classes:
        labels = read_class_file(resource_path(entry.classes))
    elif record.get("labels_file"):
        labels = read_class_file(prefix.parent / record["labels_file"])
    return LoadSpec(name, prefix, epoch, labels, input_size, rule)
