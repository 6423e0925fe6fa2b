"""Operators, one family per module; importing this package registers them all."""
import importlib
import pkgutil

from .attrs import Param
from .base import Op
from .registry import OPS, register_op

_INFRASTRUCTURE = {"attrs", "base", "registry"}

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _INFRASTRUCTURE and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["OPS", "Op", "Param", "register_op"]
