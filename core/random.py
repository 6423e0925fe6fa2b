"""``mx.random``: seeding and random arrays (the same functions as ``mx.nd.random``)."""
from .ndarray.random import normal, randint, randn, shuffle, uniform  # noqa: F401
from .random_state import seed  # noqa: F401
