"""Automatic names, counted within a name scope as MXNet's NameManager does.

>>> with NameManager():
...     NameManager.current().get(None, "convolution")
'convolution0'
"""
from __future__ import annotations

import threading


class NameManager:
    _local = threading.local()

    def __init__(self):
        self._counter = {}
        self._old = None

    def get(self, name, hint):
        if name:
            return name
        count = self._counter.get(hint, 0)
        self._counter[hint] = count + 1
        return f"{hint}{count}"

    def __enter__(self):
        self._old = NameManager.current()
        NameManager._local.current = self
        return self

    def __exit__(self, *exc):
        NameManager._local.current = self._old

    @classmethod
    def current(cls):
        if getattr(cls._local, "current", None) is None:
            cls._local.current = NameManager()
        return cls._local.current


class Prefix(NameManager):
    """Prefix every name made in this scope: ``with Prefix('mynet_'):``."""

    def __init__(self, prefix):
        super().__init__()
        self._prefix = prefix

    def get(self, name, hint):
        return self._prefix + super().get(name, hint)


class AttrScope:
    """Attributes attached to every symbol made in this scope (``ctx_group`` ...)."""
    _local = threading.local()

    def __init__(self, **attrs):
        self._attrs = {f"__{k}__" if not k.startswith("__") else k: str(v) for k, v in attrs.items()}
        self._old = None

    def get(self, attrs):
        merged = dict(self._attrs)
        merged.update(attrs or {})
        return merged

    def __enter__(self):
        self._old = AttrScope.current()
        AttrScope._local.current = self
        return self

    def __exit__(self, *exc):
        AttrScope._local.current = self._old

    @classmethod
    def current(cls):
        if getattr(cls._local, "current", None) is None:
            cls._local.current = AttrScope()
        return cls._local.current
