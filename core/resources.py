"""Where Net Studio's data files are, in a source tree, an installed package and a
packaged (PyInstaller) app: class lists, the zoo registry, sample images, the bundled
Fashion-MNIST subset -- and, in a packaged app only, the converted offline models.

Resources are looked for in order: ``$NETSTUDIO_RESOURCES``, the bundle's
``<sys._MEIPASS>/resources``, the source tree's ``resources/``, and
``<sys.prefix>/share/netstudio/resources``.

>>> from core.resources import resources_dir
>>> (resources_dir() / "imagenet_synset.txt").is_file()
True
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

SOURCE_RESOURCES = Path(__file__).resolve().parent.parent / "resources"
MARKER_FILE = "zoo/models.json"   # a folder holding this is a whole resources folder


def bundle_dir():
    """The unpacked PyInstaller bundle (``sys._MEIPASS``), or None when not frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else None


def resources_candidates():
    """Every folder that may hold the resources, in order of preference."""
    found = []
    override = os.environ.get("NETSTUDIO_RESOURCES")
    if override:
        found.append(Path(override))
    bundle = bundle_dir()
    if bundle is not None:
        found.append(bundle / "resources")
    found += [SOURCE_RESOURCES, Path(sys.prefix) / "share" / "netstudio" / "resources"]
    return found


def resources_dir():
    """The first candidate holding ``zoo/models.json``; else the first that exists (a
    partial folder still serves its files); else the source tree's path."""
    candidates = resources_candidates()
    for candidate in candidates:
        if (candidate / MARKER_FILE).is_file():
            return candidate
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return SOURCE_RESOURCES


def resource_path(*parts):
    return resources_dir().joinpath(*parts)


def find_resource(*parts):
    """``parts`` in the first candidate folder that has it (an override folder may hold
    only some files); else where ``resource_path`` would put it."""
    for candidate in resources_candidates():
        path = candidate.joinpath(*parts)
        if path.exists():
            return path
    return resource_path(*parts)


def bundled_models_dir():
    """Read-only models shipped with a packaged app (``<bundle>/models/<name>/``, each
    with its ``installed.json``), found before the user cache; ``$NETSTUDIO_BUNDLED_MODELS``
    overrides. None in a source checkout."""
    override = os.environ.get("NETSTUDIO_BUNDLED_MODELS")
    if override:
        return Path(override)
    bundle = bundle_dir()
    return bundle / "models" if bundle is not None else None
