"""The Initializer base class, InitDesc and the registry behind ``mx.init.create``.

>>> import core as mx
>>> mx.init.create('["uniform", {"scale": 0.1}]')
Uniform(scale=0.1)
"""
from __future__ import annotations

import json
import logging

import numpy as np

from ..errors import RegistryError
from ..ndarray.ndarray import NDArray
from ..registry import Registry

_REGISTRY = Registry("initializer")  # base set below, once Initializer exists


def register(klass, name=None):
    """Make an Initializer subclass creatable by its lower-case name (``create('xavier')``)."""
    return _REGISTRY.register(klass, name)


def alias(*names):
    """Register a class under extra names: ``@alias('zeros')``."""
    return _REGISTRY.alias(*names)


def create(spec, *args, **kwargs):
    """An Initializer from a name, a JSON string ``'["xavier", {...}]'``, a dict with key
    'initializer', or an instance (returned as is)."""
    if isinstance(spec, Initializer):
        if args or kwargs:
            raise TypeError("create: extra arguments given with an Initializer instance")
        return spec
    if isinstance(spec, dict):
        spec = dict(spec)
        return create(spec.pop("initializer"), **spec)
    if not isinstance(spec, str):
        raise TypeError(f"create: expected an initializer name or JSON string, got {type(spec).__name__}")
    text = spec.strip()
    if text.startswith("[") or text.startswith("{"):
        try:
            decoded = json.loads(text)
        except json.JSONDecodeError as error:
            raise RegistryError(f"initializer JSON {text!r} cannot be read: {error}") from error
        if isinstance(decoded, dict):
            return create(decoded)
        name, params = decoded
        return create(name, **params)
    return _REGISTRY.get(text)(*args, **kwargs)


def names():
    return _REGISTRY.names()


class InitDesc(str):
    """A parameter name that also carries its variable's attributes (``__init__`` ...) and
    the initializer the user asked for globally."""

    def __new__(cls, name, attrs=None, global_init=None):
        desc = super().__new__(cls, name)
        desc.attrs = attrs or {}
        desc.global_init = global_init
        return desc


def fill(arr, value):
    """Write a scalar or host array into an NDArray (or NumPy array) in place."""
    if isinstance(arr, NDArray):
        arr._data[...] = arr.xp.asarray(value, dtype=arr._data.dtype)
    else:
        arr[...] = value


def fill_random(draw, arr):
    """Random values in place, from the seedable source (``mx.random.seed``)."""
    if isinstance(arr, NDArray):
        draw(out=arr)
    else:
        arr[...] = draw(shape=arr.shape).asnumpy()


class Initializer:
    """Base: ``init(InitDesc(name, attrs), arr)`` fills ``arr`` according to the name's
    ending (MXNet's convention) unless the variable's ``__init__`` attribute says otherwise."""

    # NOTE: MXNet decides by the parameter name's ending; we keep its rules so checkpoints
    # and scripts behave the same, but in one table instead of a chain of ifs.
    SUFFIX_RULES = (
        ("weight", "_init_weight"), ("bias", "_init_bias"), ("gamma", "_init_gamma"),
        ("beta", "_init_beta"), ("moving_mean", "_init_zero"), ("moving_var", "_init_one"),
        ("moving_inv_var", "_init_zero"), ("moving_avg", "_init_zero"),
        ("min", "_init_zero"), ("max", "_init_one"),
    )

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose=False, print_func=None):
        self._verbose = verbose
        self._print_func = print_func or (lambda x: str(float(np.linalg.norm(np.asarray(x)) / np.sqrt(x.size))))
        return self

    def dumps(self):
        """``'["name", {kwargs}]'``: what ``create`` and a variable's ``__init__`` read."""
        return json.dumps([type(self).__name__.lower(), self._kwargs])

    def __call__(self, desc, arr):
        if not isinstance(desc, InitDesc):
            desc = InitDesc(str(desc))
        if desc.global_init is None:
            desc.global_init = self
        chosen = desc.attrs.get("__init__", "")
        if chosen:
            create(chosen)._init_weight(desc, arr)
            self._verbose_print(desc, chosen, arr)
            return
        for suffix, method in self.SUFFIX_RULES:
            if desc.endswith(suffix):
                getattr(self, method)(desc, arr)
                self._verbose_print(desc, suffix, arr)
                return
        self._init_default(desc, arr)

    def _verbose_print(self, desc, how, arr):
        if self._verbose and self._print_func:
            logging.info("Initialized %s as %s: %s", desc, how, self._print_func(arr))

    def _init_zero(self, _, arr):
        fill(arr, 0.0)

    def _init_one(self, _, arr):
        fill(arr, 1.0)

    _init_bias = _init_zero
    _init_beta = _init_zero
    _init_gamma = _init_one

    def _init_weight(self, name, arr):
        raise NotImplementedError(f"{type(self).__name__} must define _init_weight")

    def _init_default(self, name, _):
        raise ValueError(f"Unknown initialization pattern for {name!r}: by default only names ending in "
                         "weight, bias, gamma (1.0), beta (0.0), moving_mean/var, min and max are "
                         "initialized; give the variable an initializer with mx.sym.Variable(init=mx.init.*)")

    def __eq__(self, other):
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self._kwargs == other._kwargs

    __hash__ = object.__hash__

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"{type(self).__name__}({args})"


_REGISTRY.base = Initializer
