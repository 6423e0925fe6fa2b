"""``mx.init``: how parameters get their first values, with MXNet 1.x's names and JSON.

>>> import core as mx
>>> init = mx.init.Xavier(factor_type="in", magnitude=2.34)
>>> init.dumps()
'["xavier", {"rnd_type": "uniform", "factor_type": "in", "magnitude": 2.34}]'
>>> mx.init.create(init.dumps()) == init
True
"""
from __future__ import annotations

import json
import logging
import re

import numpy as np

from .errors import RegistryError
from .ndarray import random as nd_random
from .ndarray.ndarray import NDArray

_REGISTRY = {}


def register(klass, name=None):
    """Make an Initializer subclass creatable by its lower-case name (``create('xavier')``)."""
    if not (isinstance(klass, type) and issubclass(klass, Initializer)):
        raise RegistryError(f"only Initializer subclasses can be registered, got {klass!r}")
    name = (name or klass.__name__).lower()
    known = _REGISTRY.get(name)
    if known is not None and known.__qualname__ != klass.__qualname__:
        raise RegistryError(f"initializer {name!r} is registered twice "
                            f"({known.__module__}.{known.__qualname__} and {klass.__module__}.{klass.__qualname__})")
    _REGISTRY[name] = klass
    return klass


def alias(*names):
    """Register a class under extra names: ``@alias('zeros')``."""
    def apply(klass):
        for name in names:
            register(klass, name)
        return klass
    return apply


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
    name = text.lower()
    if name not in _REGISTRY:
        raise RegistryError(f"unknown initializer {spec!r}; known: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name](*args, **kwargs)


def names():
    return sorted(_REGISTRY)


class InitDesc(str):
    """A parameter name that also carries its variable's attributes (``__init__`` ...) and
    the initializer the user asked for globally."""

    def __new__(cls, name, attrs=None, global_init=None):
        desc = super().__new__(cls, name)
        desc.attrs = attrs or {}
        desc.global_init = global_init
        return desc


def _fill(arr, value):
    """Write a scalar or host array into an NDArray (or NumPy array) in place."""
    if isinstance(arr, NDArray):
        arr._data[...] = arr.xp.asarray(value, dtype=arr._data.dtype)
    else:
        arr[...] = value


def _random(draw, arr):
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
        _fill(arr, 0.0)

    def _init_one(self, _, arr):
        _fill(arr, 1.0)

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


@register
@alias("zeros")
class Zero(Initializer):
    def _init_weight(self, _, arr):
        _fill(arr, 0.0)


@register
@alias("ones")
class One(Initializer):
    def _init_weight(self, _, arr):
        _fill(arr, 1.0)


@register
class Constant(Initializer):
    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        _fill(arr, np.asarray(self.value.asnumpy() if isinstance(self.value, NDArray) else self.value))

    def dumps(self):
        value = self._kwargs["value"]
        if not np.isscalar(value):
            value = np.asarray(value.asnumpy() if isinstance(value, NDArray) else value).tolist()
        return json.dumps(["constant", {"value": value}])


@register
class Uniform(Initializer):
    """Uniform in [-scale, scale]."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        _random(lambda **kw: nd_random.uniform(-self.scale, self.scale, **kw), arr)


@register
class Normal(Initializer):
    """Normal with mean 0 and standard deviation sigma."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        _random(lambda **kw: nd_random.normal(0, self.sigma, **kw), arr)


def fans(shape):
    """(fan_in, fan_out) as MXNet counts them: kernel area times in/out channels."""
    hw_scale = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
    return shape[1] * hw_scale, shape[0] * hw_scale


@register
class Xavier(Initializer):
    """Uniform in [-s, s] or normal with sigma s, ``s = sqrt(magnitude / factor)`` where
    factor is fan_in, fan_out or their mean."""

    def __init__(self, rnd_type="uniform", factor_type="avg", magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        if rnd_type not in ("uniform", "gaussian"):
            raise ValueError(f"Xavier: rnd_type must be 'uniform' or 'gaussian', got {rnd_type!r}")
        if factor_type not in ("avg", "in", "out"):
            raise ValueError(f"Xavier: factor_type must be 'avg', 'in' or 'out', got {factor_type!r}")
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def scale_for(self, name, shape):
        if len(shape) < 2:
            raise ValueError(f"Xavier initializer cannot be applied to vector {name}: "
                             f"shape {tuple(shape)}, it needs at least 2 dimensions")
        fan_in, fan_out = fans(shape)
        factor = {"avg": (fan_in + fan_out) / 2.0, "in": fan_in, "out": fan_out}[self.factor_type]
        return float(np.sqrt(self.magnitude / factor))

    def _init_weight(self, name, arr):
        scale = self.scale_for(name, arr.shape)
        if self.rnd_type == "uniform":
            _random(lambda **kw: nd_random.uniform(-scale, scale, **kw), arr)
        else:
            _random(lambda **kw: nd_random.normal(0, scale, **kw), arr)


@register
class MSRAPrelu(Xavier):
    """He/Kaiming initialization for (P)ReLU networks: gaussian Xavier with magnitude
    ``2 / (1 + slope**2)``."""

    def __init__(self, factor_type="avg", slope=0.25):
        super().__init__("gaussian", factor_type, 2.0 / (1 + slope ** 2))
        self._kwargs = {"factor_type": factor_type, "slope": slope}


@register
class Orthogonal(Initializer):
    """A (scaled) orthogonal matrix from the SVD of a random one (Saxe et al., 2013)."""

    def __init__(self, scale=1.414, rand_type="uniform"):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        nout, nin = arr.shape[0], int(np.prod(arr.shape[1:]))
        if self.rand_type == "uniform":
            tmp = nd_random.uniform(-1.0, 1.0, shape=(nout, nin)).asnumpy()
        else:
            tmp = nd_random.normal(0.0, 1.0, shape=(nout, nin)).asnumpy()
        u, _, v = np.linalg.svd(tmp, full_matrices=False)
        result = u if u.shape == tmp.shape else v
        _fill(arr, self.scale * result.reshape(arr.shape))


@register
class Bilinear(Initializer):
    """Bilinear-upsampling kernels for Deconvolution weights."""

    def _init_weight(self, _, arr):
        shape = arr.shape
        f = np.ceil(shape[3] / 2.0)
        c = (2 * f - 1 - f % 2) / (2.0 * f)
        flat = np.arange(int(np.prod(shape)))
        x, y = flat % shape[3], (flat // shape[3]) % shape[2]
        weight = (1 - np.abs(x / f - c)) * (1 - np.abs(y / f - c))
        _fill(arr, weight.reshape(shape).astype(np.float32))


@register
class LSTMBias(Initializer):
    """Zero LSTM biases except the forget gate's, which starts at forget_bias."""

    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, _, arr):
        values = np.zeros(arr.shape, dtype=np.float32)
        hidden = arr.shape[0] // 4
        values[hidden:2 * hidden] = self.forget_bias
        _fill(arr, values)


class Load:
    """Initialize from saved parameters (a .params file or a dict); anything not found
    goes to ``default_init``."""

    def __init__(self, param, default_init=None, verbose=False):
        if isinstance(param, str):
            from .ndarray import load
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
            _fill(arr, source.asnumpy() if isinstance(source, NDArray) else np.asarray(source))
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
