"""The one operator registry. It feeds the executor, shape inference, JSON loading,
the editor's palette and inspector, and the docs.

>>> from core.ops import OPS
>>> OPS.get("FullyConnected").category
'Dense'
"""
from __future__ import annotations

from ..errors import RegistryError, UnknownOperator


class OpRegistry:
    def __init__(self):
        self._ops = {}
        self._aliases = {}

    def register(self, cls, aliases=()):
        for name in (cls.name, *aliases):
            if name in self._ops or name in self._aliases:
                raise RegistryError(f"operator {name!r} is registered twice")
        self._ops[cls.name] = cls
        for alias in aliases:
            self._aliases[alias] = cls.name
        return cls

    def get(self, name):
        name = self._aliases.get(name, name)
        try:
            return self._ops[name]
        except KeyError:
            raise UnknownOperator(f"unknown operator {name!r}; Net Studio has no operator "
                                  f"of that name (see core.ops.OPS.names())") from None

    def __contains__(self, name):
        return name in self._ops or name in self._aliases

    def __iter__(self):
        return iter(sorted(self._ops))

    def __len__(self):
        return len(self._ops)

    def names(self):
        return sorted(self._ops)

    def aliases(self):
        return dict(self._aliases)

    def by_category(self):
        """{category: [op class, ...]} for palettes, sorted by name within a category."""
        groups = {}
        for name in sorted(self._ops):
            cls = self._ops[name]
            groups.setdefault(cls.category, []).append(cls)
        return groups


OPS = OpRegistry()


def register_op(*aliases):
    """Class decorator: ``@register_op("_Plus", "_plus")`` on an ``Op`` subclass."""
    def wrap(cls):
        return OPS.register(cls, aliases)
    return wrap
