"""The zoo's catalog: ``resources/zoo/models.json`` read into records, and looking them
up (by name, by URL, where a bundled model's files are). Data, not code: adding a model is
adding an entry there. The rest of the zoo imports this; it imports nothing of the zoo.

>>> from core.zoo.catalog import registry_entry
>>> entry = registry_entry("efficientnet-lite0")
>>> entry.preprocess.mean, entry.input_size
((127.0, 127.0, 127.0), (3, 224, 224))
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import FormatError, RegistryError

REGISTRY_FILE = "zoo/models.json"
#: what a model package (an archive a URL points at) may be
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip", ".tar.bz2", ".tar.xz")


def resources_dir():
    """The folder holding class lists and the registry: ``$NETSTUDIO_RESOURCES``, a packaged
    app's bundle, the source tree's ``resources/``, or ``<prefix>/share/netstudio/resources``
    (the order is core/resources.py's)."""
    from ..resources import resources_candidates
    candidates = resources_candidates()
    for candidate in candidates:
        if candidate and (Path(candidate) / REGISTRY_FILE).is_file():
            return Path(candidate)
    raise RegistryError("cannot find Net Studio's resources folder (zoo/models.json); looked in "
                        + ", ".join(str(c) for c in candidates if c))


def resource_path(name):
    path = resources_dir() / name
    if not path.exists():
        raise RegistryError(f"resource {name!r} is missing from {resources_dir()}")
    return path


@dataclass(frozen=True)
class Preprocess:
    """How a model wants its pictures: colour order, geometry and normalisation.
    ``x = (pixel * scale - mean) / std`` per channel, pixels 0..255."""

    color: str = "RGB"            # "RGB", "BGR" or "L" (grey)
    mode: str = "short-side-crop"  # or "resize": straight to the input size
    resize: int | None = 256
    crop: int | None = 224
    scale: float = 1.0
    mean: tuple = (0.0, 0.0, 0.0)
    std: tuple = (1.0, 1.0, 1.0)
    # grey models trained on light-on-dark pictures (MNIST): True, False, or "auto" =
    # invert when the picture's border is light (a photo of an object on a pale ground)
    invert: bool | str = False

    @classmethod
    def from_dict(cls, raw, where="preprocess"):
        if not isinstance(raw, dict):
            raise FormatError(f"{where}: expected an object with color/mode/mean/std, got {raw!r}")
        unknown = set(raw) - set(cls.__dataclass_fields__)
        if unknown:
            raise FormatError(f"{where}: unknown keys {sorted(unknown)}")
        values = dict(raw)
        for key in ("mean", "std"):
            if key in values:
                values[key] = tuple(float(v) for v in values[key])
        if values.get("color", "RGB") not in ("RGB", "BGR", "L"):
            raise FormatError(f"{where}: color must be RGB, BGR or L, got {values['color']!r}")
        if values.get("mode", "short-side-crop") not in ("short-side-crop", "resize", "letterbox"):
            raise FormatError(f"{where}: mode must be 'short-side-crop', 'resize' or 'letterbox' (detectors), "
                              f"got {values['mode']!r}")
        if values.get("invert", False) not in (True, False, "auto"):
            raise FormatError(f"{where}: invert must be true, false or \"auto\", got {values['invert']!r}")
        return cls(**values)

    def to_dict(self):
        return {"color": self.color, "mode": self.mode, "resize": self.resize, "crop": self.crop,
                "scale": self.scale, "mean": list(self.mean), "std": list(self.std), "invert": self.invert}


@dataclass(frozen=True)
class FileSpec:
    name: str
    url: str
    sha256: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    title: str
    task: str
    dataset: str
    description: str
    architecture: str | None
    input_size: tuple
    preprocess: Preprocess | None      # None: the archive's metadata.json says
    classes: str | None                # a resources/ file name; None: from the archive
    prefix: str | None
    epoch: int | None
    source: str                        # "convert", "bundled" or "download"
    files: tuple = ()
    archive: bool = False
    download_size: int = 0
    extra: dict = field(default_factory=dict)


def _entry(raw, index):
    where = f"{REGISTRY_FILE} model #{index}"
    try:
        name = raw["name"]
        where = f"{REGISTRY_FILE} model {name!r}"
        checkpoint = raw.get("checkpoint")
        from_archive = raw.get("preprocess") == "archive"
        files = tuple(FileSpec(f["name"], f["url"], f.get("sha256"), f.get("size")) for f in raw.get("files", []))
        return RegistryEntry(
            name=name, title=raw.get("title", name), task=raw["task"], dataset=raw["dataset"],
            description=raw.get("description", ""), architecture=raw.get("architecture"),
            input_size=tuple(raw["input_size"]),
            preprocess=None if from_archive else Preprocess.from_dict(raw["preprocess"], where),
            classes=None if raw.get("classes") == "archive" else raw.get("classes"),
            prefix=checkpoint.get("prefix") if isinstance(checkpoint, dict) else None,
            epoch=checkpoint.get("epoch") if isinstance(checkpoint, dict) else None,
            source=raw["source"], files=files, archive=bool(raw.get("archive")),
            download_size=int(raw.get("download_size") or 0),
            extra={k: v for k, v in raw.items() if k in EXTRA_KEYS})
    except (KeyError, TypeError, AttributeError) as error:
        raise FormatError(f"{where}: missing or malformed field ({error})") from None


# optional facts an entry may carry: where it comes from, its licence and accuracy, how
# its weights are converted (torchvision), and whether its host is a legacy one
EXTRA_KEYS = ("converter", "package", "bundle", "license", "origin", "accuracy", "convert",
              "torchvision_model", "legacy_host", "checksum_exception")


CHECKSUM = re.compile(r"(sha1:|sha256:)?[0-9a-f]{8,64}")


def _check_checksums(entry):
    """Every downloaded file has a checksum, or the entry says why not."""
    unchecked = [f.name for f in entry.files if not f.sha256]
    malformed = [f.sha256 for f in entry.files if f.sha256 and not CHECKSUM.fullmatch(f.sha256.lower())]
    if malformed:
        raise FormatError(f"{REGISTRY_FILE} model {entry.name!r}: checksum {malformed[0]!r} is not "
                          f"[sha1:|sha256:]<at least 8 hex digits>")
    if unchecked and not entry.extra.get("checksum_exception"):
        raise FormatError(f"{REGISTRY_FILE} model {entry.name!r}: {unchecked} have no checksum and "
                          f"the entry gives no 'checksum_exception'")
    return entry


@lru_cache(maxsize=4)
def _load(path):
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise FormatError(f"{path}: cannot read the zoo registry ({error})") from None
    entries = [_check_checksums(_entry(raw, i)) for i, raw in enumerate(doc.get("models", []))]
    return {entry.name: entry for entry in entries}


def registry():
    """{name: RegistryEntry} in file order."""
    return _load(str(resources_dir() / REGISTRY_FILE))


def registry_entry(name):
    entries = registry()
    if name not in entries:
        raise RegistryError(f"no model named {name!r} in the zoo; known: {', '.join(entries)}")
    return entries[name]


def bundle_prefix(entry):
    """The checkpoint prefix of a model bundled with Net Studio (``entry.source ==
    "bundled"``), or None when its files are not there."""
    try:
        folder = resource_path(entry.extra["bundle"])
    except (RegistryError, KeyError):
        return None
    prefix = folder / entry.prefix
    return prefix if Path(f"{prefix}-symbol.json").is_file() else None


def entry_for_url(url):
    """The registry entry one of whose files is at ``url``, or None."""
    for entry in registry().values():
        if any(f.url == url for f in entry.files):
            return entry
    return None


def licence_notices():
    """'Title: licence' for every model that ships with Net Studio (bundled or converted
    offline), for About and the bundle's notices."""
    return [f"{entry.title}: {entry.extra['license']}" for entry in registry().values()
            if entry.source in ("bundled", "convert") and entry.extra.get("license")]
