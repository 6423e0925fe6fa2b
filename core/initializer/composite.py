"""Initializers that delegate: Load (from saved parameters) and Mixed (by name pattern).

>>> import core as mx
>>> mixed = mx.init.Mixed(["fc1", ".*"], [mx.init.One(), mx.init.Zero()])
>>> w = mx.nd.zeros((2, 2)); mixed("fc1_weight", w); w.asnumpy().sum()
np.float32(4.0)
"""
from __future__ import annotations

import logging
import re

import numpy as np

from ..ndarray.ndarray import NDArray
from .base import fill


class Load:
    """Initialize from saved parameters (a .params file or a dict); anything not found
    goes to ``default_init``."""

    def __init__(self, param, default_init=None, verbose=False):
        if isinstance(param, str):
            from ..ndarray import load
            param = load(param)
        if not isinstance(param, dict):
            raise TypeError(f"Load: expected a dict of arrays or a .params file, got {type(param).__name__}")
        self.param = {(k[4:] if k.startswith(("arg:", "aux:")) else k): v for k, v in param.items()}
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr):
        if name in self.param:
            source = self.param[name]
            if tuple(arr.shape) != tuple(source.shape):
                raise ValueError(f"Parameter {name} cannot be initialized from loading: shape mismatch, "
                                 f"target {tuple(arr.shape)} vs loaded {tuple(source.shape)}")
            fill(arr, source.asnumpy() if isinstance(source, NDArray) else np.asarray(source))
            if self.verbose:
                logging.info("Initialized %s by loading", name)
            return
        if self.default_init is None:
            raise ValueError(f"Cannot initialize {name}: not in the loaded parameters and no default_init given")
        self.default_init(name, arr)
        if self.verbose:
            logging.info("Initialized %s by default", name)


class Mixed:
    """Pick the initializer by the first regular expression that matches the name:
    ``Mixed(['bias', '.*'], [mx.init.Zero(), mx.init.Uniform(0.1)])``."""

    def __init__(self, patterns, initializers):
        if len(patterns) != len(initializers):
            raise ValueError(f"Mixed: {len(patterns)} patterns but {len(initializers)} initializers")
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name, arr):
        for pattern, init in self.map:
            if pattern.match(name):
                init(name, arr)
                return
        raise ValueError(f"Parameter name {name} did not match any pattern of Mixed "
                         f"({[p.pattern for p, _ in self.map]}); add a '.*' pattern with a default initializer")
