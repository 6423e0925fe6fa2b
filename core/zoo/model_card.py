"""One model's card in words, shared by ``netstudio zoo info`` and the app's Zoo view:
title, task, dataset, origin, licence, reported accuracy, size, source and each file's
URL with how it is checked.

>>> from core.zoo.model_card import checksum_text
>>> checksum_text("0676ba61")
'SHA-256 starting 0676ba61'
>>> checksum_text("no checksum: the host never published one")
'no checksum: the host never published one'
"""
from __future__ import annotations

LEGACY_MARK = "legacy host - may be offline"
_HEX = set("0123456789abcdefABCDEF")


def size_text(info) -> str:
    """The download size in MB (10^6 bytes, as publishers give it), or '-' when none."""
    return f"{info.download_size / 1e6:.1f} MB" if info.download_size else "-"


def publisher(info) -> str:
    """Who publishes a model, in a few words, with the legacy mark: the ``zoo list`` column."""
    origin = info.origin.split(" (")[0] if info.origin else info.source
    return f"{origin} [{LEGACY_MARK}]" if info.legacy_host else origin


def source_text(info) -> str:
    """How it installs (bundled / convert / download / url), marked when its host is retired."""
    return f"{info.source} [{LEGACY_MARK}]" if info.legacy_host else (info.source or "-")


def checksum_text(text: str) -> str:
    """How a file is checked, in words: ``0676ba61`` is the start of its SHA-256."""
    algorithm, _, digits = text.rpartition(":")
    if text.startswith("no checksum") or not digits or not set(digits) <= _HEX:
        return text
    label = "SHA-1" if algorithm.lower() == "sha1" else "SHA-256"
    return f"{label} {digits}" if len(digits) in (40, 64) else f"{label} starting {digits}"


def card_rows(info) -> list[tuple[str, str]]:
    """(label, text) rows describing ``info`` (a ModelInfo); each file adds a url and a checksum row."""
    rows = [("name", info.name), ("title", info.title or info.name), ("task", info.task),
            ("dataset", info.dataset), ("input", "x".join(str(v) for v in info.input_size) or "-"),
            ("download", size_text(info)), ("source", source_text(info)),
            ("installed", "yes" if info.installed else "no"), ("location", info.location or "-"),
            ("origin", info.origin or "-"), ("license", info.license or "-"),
            ("accuracy", info.accuracy or "-"), ("about", info.description or "-")]
    for url, checksum in info.files:
        rows += [("url", url), ("checksum", checksum_text(checksum))]
    return rows
