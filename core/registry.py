"""One registry of classes by lower-case name, shared by initializers, metrics and
optimizers (``create('xavier')``, ``create('acc')``, ``create('sgd')``).

>>> reg = Registry("widget")
>>> @reg.register
... class Knob: pass
>>> reg.get("KNOB") is Knob
True
"""
from __future__ import annotations

from .errors import RegistryError


class Registry:
    def __init__(self, kind, base=None):
        self.kind = kind
        self.base = base          # may be set after the base class is defined
        self._classes = {}

    def register(self, klass, name=None):
        """Make ``klass`` creatable as ``name`` (default: its lower-case class name).
        Registering the same class again (a reloaded module) is fine; another class is not."""
        if self.base is not None and not (isinstance(klass, type) and issubclass(klass, self.base)):
            raise RegistryError(f"only {self.base.__name__} subclasses can be registered as "
                                f"{self.kind}s, got {klass!r}")
        name = (name or klass.__name__).lower()
        known = self._classes.get(name)
        if known is not None and known.__qualname__ != klass.__qualname__:
            raise RegistryError(f"{self.kind} {name!r} is registered twice ({known.__module__}."
                                f"{known.__qualname__} and {klass.__module__}.{klass.__qualname__})")
        self._classes[name] = klass
        return klass

    def alias(self, *names):
        """Class decorator registering extra names: ``@alias('zeros')``."""
        def apply(klass):
            for name in names:
                self.register(klass, name)
            return klass
        return apply

    def get(self, name):
        key = name.lower() if isinstance(name, str) else name
        if key not in self._classes:
            raise RegistryError(f"unknown {self.kind} {name!r}; known: {', '.join(self.names())}")
        return self._classes[key]

    def names(self):
        return sorted(self._classes)

    def __contains__(self, name):
        return isinstance(name, str) and name.lower() in self._classes
