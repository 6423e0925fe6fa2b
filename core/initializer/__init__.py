"""``mx.init``: how parameters get their first values, with MXNet 1.x's names and JSON.

>>> import core as mx
>>> init = mx.init.Xavier(factor_type="in", magnitude=2.34)
>>> mx.init.create(init.dumps()) == init
True
"""
from .base import InitDesc, Initializer, alias, create, names, register  # noqa: F401
from .composite import Load, Mixed  # noqa: F401
from .rules import (Bilinear, Constant, LSTMBias, MSRAPrelu, Normal, One, Orthogonal,  # noqa: F401
                    Uniform, Xavier, Zero, fans)
