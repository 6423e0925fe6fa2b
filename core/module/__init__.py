"""``mx.mod``: Module (bind, init_params, forward/backward/update, fit, score, predict).

>>> import core as mx
>>> mx.mod.Module is mx.module.Module
True
"""
from .base_module import BaseModule
from .lane_policy import LanePolicy
from .module import Module

__all__ = ["BaseModule", "LanePolicy", "Module"]
