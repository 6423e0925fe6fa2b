"""Installed models on disk: ``<cache>/models/<name>/`` holding the model's files and,
written last, ``installed.json`` listing them with their sizes.

A model counts as installed only when that marker exists and every file it lists is
present with the listed size, so an interrupted download or conversion is never
mistaken for a whole model. Installing builds everything in a hidden sibling folder
and renames it into place in one step.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from ..errors import FormatError, RegistryError
from ..fileio import atomic_write_text, temporary_dir

MARKER = "installed.json"


def cache_dir():
    """Net Studio's per-user cache folder (``$NETSTUDIO_CACHE`` overrides)."""
    try:
        from .download import cache_dir as shared_cache_dir
    except ImportError:  # download.py not present: same rule, kept in one place there
        override = os.environ.get("NETSTUDIO_CACHE")
        if override:
            return Path(override)
        import platformdirs
        return Path(platformdirs.user_cache_dir("netstudio"))
    return Path(shared_cache_dir())


def models_root():
    return cache_dir() / "models"


def _check_name(name):
    if not name or name in (".", "..") or any(c in name for c in "/\\:\0") or name.startswith("."):
        raise RegistryError(f"{name!r} is not a usable model name (no slashes, colons or leading dot)")
    return name


def model_path(name):
    """A packaged app's bundled copy of ``name`` if whole (read-only), else its cache folder."""
    bundled = bundled_model_path(name)
    return bundled if bundled is not None else models_root() / _check_name(name)


def bundled_model_path(name):
    from ..resources import bundled_models_dir
    root = bundled_models_dir()
    if root is None:
        return None
    folder = root / _check_name(name)
    return folder if _read_record(folder) is not None else None


def read_marker(name):
    """The install record of ``name`` if it is wholly installed, else None."""
    return _read_record(model_path(name))


def _read_record(folder):
    try:
        record = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    files = record.get("files")
    if not isinstance(files, dict):
        return None
    for relative, size in files.items():
        path = folder / relative
        try:
            if not path.is_file() or path.stat().st_size != size:
                return None
        except OSError:
            return None
    return record


def is_installed(name):
    return read_marker(name) is not None


def installed_names():
    root = models_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and is_installed(p.name))


def install(name, build, record=None):
    """Install ``name``: ``build(folder)`` writes the model's files into an empty
    folder and may return extra fields for the record. Returns the record.

    Two processes installing the same model at once both succeed; the second to
    finish keeps the first one's files.
    """
    target = models_root() / _check_name(name)
    root = target.parent
    root.mkdir(parents=True, exist_ok=True)
    staging = temporary_dir(target, ".partial")      # also clears what a killed install left
    try:
        extra = build(staging) or {}
        files = {str(p.relative_to(staging).as_posix()): p.stat().st_size
                 for p in sorted(staging.rglob("*")) if p.is_file()}
        full = dict(record or {}, **extra, name=name, files=files, installed_at=time.time())
        atomic_write_text(staging / MARKER, json.dumps(full, indent=2))
        _swap_into_place(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return read_marker(name) or full


def _swap_into_place(staging, target):
    if target.exists():
        if _read_record(target) is not None:
            return  # someone else finished first; theirs is whole, keep it
        _remove_tree(target)
    try:
        os.replace(staging, target)
    except OSError:
        if _read_record(target) is None:
            raise


def _remove_tree(folder):
    # rename first so no reader ever sees a half-deleted model
    doomed = folder.with_name(f".{folder.name}.{os.getpid()}.removing")
    try:
        os.replace(folder, doomed)
    except FileNotFoundError:
        return
    shutil.rmtree(doomed, ignore_errors=True)


def remove(name):
    """Delete an installed (or half-installed) model from the cache; True if there was
    anything. A packaged app's bundled copy is never touched."""
    target = models_root() / _check_name(name)
    existed = target.exists()
    if existed:
        _remove_tree(target)
    return existed


def checkpoint_prefix(name, record=None):
    """``(prefix path, epoch)`` of the MXNet checkpoint inside an installed model."""
    record = record or read_marker(name)
    if record is None:
        raise RegistryError(f"model {name!r} is not installed")
    folder = model_path(name) / record.get("root", ".")
    prefix, epoch = record.get("prefix"), record.get("epoch")
    if prefix is None or epoch is None:
        params = sorted(folder.glob("*-[0-9][0-9][0-9][0-9].params"))
        if len(params) != 1:
            raise FormatError(f"{folder}: expected exactly one '<prefix>-NNNN.params' file, found "
                              f"{[p.name for p in params]}; remove the model and download it again")
        stem = params[0].name[:-len(".params")]
        prefix, epoch = stem[:-5], int(stem[-4:])
    return folder / prefix, int(epoch)
