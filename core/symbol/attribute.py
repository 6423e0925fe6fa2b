"""Node attributes as MXNet keeps them, and ``AttrScope`` (``mx.AttrScope``, ``mx.attribute``).

MXNet stores a few well-known keys hidden, as ``__key__``, whichever way they are given
(``lr_mult=`` on a Variable or an operator, ``attr={'lr_mult': '0'}``, an AttrScope), and
lists them under both spellings. Other keys of operator nodes must be hidden ones
(``__mykey__``) or the operator's own attributes; Variables keep any key.

>>> import core as mx
>>> with mx.AttrScope(ctx_group="dev1", lr_mult="0.1"):
...     fc = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2, name="fc")
>>> fc.attr("lr_mult"), fc.attr_dict()["fc_weight"]["__ctx_group__"]
('0.1', 'dev1')
"""
from __future__ import annotations

import threading

#: keys MXNet always stores as ``__key__`` (its C API's kHiddenKeys)
HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage", "profiler_scope")


def is_hidden(key):
    return key.startswith("__") and key.endswith("__") and len(key) > 4


def stored_key(key):
    """The key as stored: ``lr_mult`` -> ``__lr_mult__``; others unchanged."""
    return f"__{key}__" if key in HIDDEN_KEYS else key


def stored(attrs):
    """``attrs`` with well-known keys hidden and every value a string."""
    return {stored_key(k): v if isinstance(v, str) else str(v) for k, v in (attrs or {}).items()}


def split_operator_kwargs(kwargs):
    """(operator attributes, hidden node attributes) from an operator's keyword arguments."""
    params, hidden = {}, {}
    for key, value in kwargs.items():
        key = stored_key(key)
        if is_hidden(key):
            hidden[key] = value if isinstance(value, str) else str(value)
        else:
            params[key] = value
    return params, hidden


def listed(attrs):
    """Attributes as ``list_attr``/``attr_dict`` show them: hidden well-known keys twice."""
    out = dict(attrs)
    for key in HIDDEN_KEYS:
        if f"__{key}__" in attrs:
            out[key] = attrs[f"__{key}__"]
    return out


def lookup(attrs, key):
    """``attrs[key]``, finding a well-known key under its hidden spelling too."""
    value = attrs.get(key)
    if value is None and key in HIDDEN_KEYS:
        value = attrs.get(f"__{key}__")
    return value


class AttrScope:
    """Attributes given to every symbol made in the scope; nested scopes add up.

    ``with mx.AttrScope(ctx_group='dev1', lr_mult='0.1'):`` (values are strings).
    """
    _local = threading.local()

    def __init__(self, **kwargs):
        for key, value in kwargs.items():
            if not isinstance(value, str):
                raise ValueError(f"AttrScope: attribute {key!r} must be a string, "
                                 f"got {type(value).__name__}")
        self._attr = dict(kwargs)
        self._old = None

    def get(self, attr):
        """The scope's attributes updated with ``attr`` (the user's own win)."""
        merged = dict(self._attr)
        merged.update(attr or {})
        return stored(merged)

    def __enter__(self):
        self._old = AttrScope.current()
        merged = dict(self._old._attr)
        merged.update(self._attr)
        self._attr = merged
        AttrScope._local.current = self
        return self

    def __exit__(self, *exc):
        AttrScope._local.current = self._old

    @classmethod
    def current(cls):
        if getattr(cls._local, "current", None) is None:
            cls._local.current = AttrScope()
        return cls._local.current
