"""``mx.random``: seeding and random arrays (the same functions as ``mx.nd.random``)."""
from .ndarray.random import *  # noqa: F401,F403
from .ndarray.random import __all__ as _FUNCTIONS
from .random_state import seed  # noqa: F401

__all__ = [*_FUNCTIONS, "seed"]
