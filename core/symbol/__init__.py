"""``mx.sym``: Variables, operators as functions, Group, JSON in and out."""
from .creation import arange, eye, full, hypot, linspace, maximum, minimum, ones, pow, power, zeros  # noqa: F401
from .json_io import load, load_json  # noqa: F401
from .attribute import AttrScope  # noqa: F401
from .naming import NameManager, Prefix  # noqa: F401
from .symbol import Group, Symbol, Variable, var  # noqa: F401
from . import random  # noqa: F401  (mx.sym.random.uniform ...)
from .wrappers import histogram, split_v2  # noqa: F401
from . import linalg  # noqa: F401  (mx.sym.linalg.potrf ...)


def __getattr__(name):
    from ..ops import OPS
    if name in OPS:
        from .ops import constructor
        return constructor(name)
    raise AttributeError(f"module 'core.sym' has no attribute {name!r}")
