"""The registered initializers: constants, Uniform, Normal, Xavier, MSRAPrelu, Orthogonal,
Bilinear, LSTMBias. Fan-in and fan-out are counted as in MXNet.

>>> import core as mx
>>> mx.init.Xavier(factor_type="in", magnitude=2.34).dumps()
'["xavier", {"rnd_type": "uniform", "factor_type": "in", "magnitude": 2.34}]'
"""
from __future__ import annotations

import json

import numpy as np

from ..errors import GraphError
from ..ndarray import random as nd_random
from ..ndarray.ndarray import NDArray
from .base import Initializer, alias, fill, fill_random, register


@register
@alias("zeros")
class Zero(Initializer):
    def _init_weight(self, _, arr):
        fill(arr, 0.0)


@register
@alias("ones")
class One(Initializer):
    def _init_weight(self, _, arr):
        fill(arr, 1.0)


@register
class Constant(Initializer):
    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        fill(arr, np.asarray(self.value.asnumpy() if isinstance(self.value, NDArray) else self.value))

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
        fill_random(lambda **kw: nd_random.uniform(-self.scale, self.scale, **kw), arr)


@register
class Normal(Initializer):
    """Normal with mean 0 and standard deviation sigma."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        fill_random(lambda **kw: nd_random.normal(0, self.sigma, **kw), arr)


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
            fill_random(lambda **kw: nd_random.uniform(-scale, scale, **kw), arr)
        else:
            fill_random(lambda **kw: nd_random.normal(0, scale, **kw), arr)


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
        fill(arr, self.scale * result.reshape(arr.shape))


@register
class Bilinear(Initializer):
    """Bilinear-upsampling kernels for Deconvolution weights."""

    def _init_weight(self, name, arr):
        shape = arr.shape
        if len(shape) != 4:
            raise GraphError(f"Bilinear makes 4-D upsampling kernels (Deconvolution weights); {str(name)!r} has "
                             f"shape {tuple(shape)}: give it another initializer (mx.init.Mixed by name pattern)")
        f = np.ceil(shape[3] / 2.0)
        c = (2 * f - 1 - f % 2) / (2.0 * f)
        flat = np.arange(int(np.prod(shape)))
        x, y = flat % shape[3], (flat // shape[3]) % shape[2]
        weight = (1 - np.abs(x / f - c)) * (1 - np.abs(y / f - c))
        fill(arr, weight.reshape(shape).astype(np.float32))


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
        fill(arr, values)
