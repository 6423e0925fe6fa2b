"""``mx.optimizer`` / ``mx.opt``: weight-update rules, ``create(name, **kw)``, ``get_updater``.

>>> import core as mx
>>> mx.optimizer.create("adam", learning_rate=0.01)
Adam(learning_rate=0.01, wd=0.0, rescale_grad=1.0, clip_gradient=None, beta1=0.9, beta2=0.999, epsilon=1e-08)
"""
from .base import Optimizer, create, names, register
from .rules import NAG, SGD, AdaDelta, AdaGrad, Adam, RMSProp
from .rules_more import FTML, LAMB, SGLD, Adamax, Ftrl, Nadam, Signum
from .updater import Updater, get_updater

create_optimizer = create
Optimizer.register = staticmethod(register)
Optimizer.create_optimizer = staticmethod(create)

__all__ = ["Optimizer", "SGD", "NAG", "Adam", "RMSProp", "AdaGrad", "AdaDelta",
           "Adamax", "Nadam", "FTML", "Ftrl", "LAMB", "SGLD", "Signum", "Updater",
           "create", "get_updater", "register", "names"]
