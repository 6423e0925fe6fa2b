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
