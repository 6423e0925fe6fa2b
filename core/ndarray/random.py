"""``mx.nd.random``: MXNet 1.9.1's random functions, from the seedable source
(``mx.random.seed``). Number parameters give ``shape`` draws (one by default); NDArray
parameters give ``shape`` draws for each of their entries."""
from __future__ import annotations

import numpy as np

from ..context import Context
from .random_dispatch import LIKE, draw
from .imperative import invoke
from .ndarray import NDArray

__all__ = ["uniform", "normal", "randn", "poisson", "exponential", "gamma", "multinomial",
           "negative_binomial", "generalized_negative_binomial", "shuffle", "randint",
           *(f"{stem}_like" for stem in LIKE)]


def _draw(stem, params, shape, dtype, ctx, out, kwargs):
    if out is not None:
        shape = out.shape if shape is None else shape
        if dtype is None and np.dtype(out.dtype).kind == "f" and stem != "randint":
            dtype = np.dtype(out.dtype).name
        ctx = ctx or out.context
    if isinstance(shape, int):
        shape = (shape,)
    if not isinstance(params[0], NDArray):
        shape = (1,) if shape is None else shape
    if dtype is not None:
        dtype = np.dtype(dtype).name

    def call(op_name, *inputs, **attrs):
        if isinstance(ctx, Context) and not inputs:
            with ctx:
                return invoke(op_name, *inputs, out=out, **attrs)
        return invoke(op_name, *inputs, out=out, **attrs)
    return draw(stem, params, shape, dtype, kwargs, NDArray, call)


def uniform(low=0, high=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draws from U[low, high)."""
    return _draw("uniform", [low, high], shape, dtype, ctx, out, kwargs)


def normal(loc=0, scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draws from the normal distribution N(loc, scale^2)."""
    return _draw("normal", [loc, scale], shape, dtype, ctx, out, kwargs)


def randn(*shape, loc=0, scale=1, dtype=None, ctx=None, out=None, **kwargs):
    """Normal draws of the given shape: ``randn(2, 3)``."""
    return _draw("normal", [loc, scale], shape, dtype, ctx, out, kwargs)


def poisson(lam=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draws from the Poisson distribution of rate lam."""
    return _draw("poisson", [lam], shape, dtype, ctx, out, kwargs)


def exponential(scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draws from the exponential distribution of mean scale (rate 1/scale)."""
    return _draw("exponential", [1.0 / scale], shape, dtype, ctx, out, kwargs)


def gamma(alpha=1, beta=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draws from the gamma distribution of shape alpha and scale beta."""
    return _draw("gamma", [alpha, beta], shape, dtype, ctx, out, kwargs)


def negative_binomial(k=1, p=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Failures before the k-th success of trials that succeed with probability p."""
    return _draw("negative_binomial", [k, p], shape, dtype, ctx, out, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Counts of mean mu and variance mu + alpha*mu^2."""
    return _draw("generalized_negative_binomial", [mu, alpha], shape, dtype, ctx, out, kwargs)


def randint(low, high, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Integers drawn uniformly from [low, high)."""
    return _draw("randint", [low, high], shape, dtype, ctx, out, kwargs)


def multinomial(data, shape=None, get_prob=False, out=None, dtype="int32", **kwargs):
    """Category indices drawn from each row of probabilities in data (its last axis)."""
    attrs = {"shape": shape} if shape is not None else {}
    return invoke("_sample_multinomial", data, get_prob=get_prob, out=out, dtype=dtype, **attrs, **kwargs)


def shuffle(data, **kwargs):
    """The rows (first axis) of data in a random order."""
    return invoke("_shuffle", data, **kwargs)


def _like(stem):
    def like(data=None, out=None, name=None, **kwargs):
        return invoke(f"_random_{stem}_like", data, out=out, **kwargs)
    like.__name__ = f"{stem}_like"
    like.__doc__ = f"{stem} draws of data's shape and dtype."
    return like


for _stem in LIKE:
    globals()[f"{_stem}_like"] = _like(_stem)
