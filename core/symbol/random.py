"""``mx.sym.random``: MXNet 1.9.1's random functions as graph nodes. Number parameters make
a ``_random_*`` node (``shape`` draws); Symbol parameters a ``_sample_*`` node (``shape``
draws for each of their entries)."""
from __future__ import annotations

from ..ndarray.random_dispatch import LIKE, draw
from .naming import NameManager
from .ops import make
from .symbol import Symbol

__all__ = ["uniform", "normal", "randn", "poisson", "exponential", "gamma", "multinomial",
           "negative_binomial", "generalized_negative_binomial", "shuffle", "randint",
           *(f"{stem}_like" for stem in LIKE)]


def _call(op_name, *inputs, name=None, attr=None, **attrs):
    return make(op_name, inputs, attrs, name=name, attr=attr)


def _draw(stem, params, shape, dtype, kwargs):
    return draw(stem, params, shape, dtype, kwargs, Symbol, _call)


def uniform(low=0, high=1, shape=None, dtype=None, **kwargs):
    return _draw("uniform", [low, high], shape, dtype, kwargs)


def normal(loc=0, scale=1, shape=None, dtype=None, **kwargs):
    return _draw("normal", [loc, scale], shape, dtype, kwargs)


def randn(*shape, loc=0, scale=1, dtype=None, **kwargs):
    return _draw("normal", [loc, scale], shape, dtype, kwargs)


def poisson(lam=1, shape=None, dtype=None, **kwargs):
    return _draw("poisson", [lam], shape, dtype, kwargs)


def exponential(scale=1, shape=None, dtype=None, **kwargs):
    return _draw("exponential", [1.0 / scale], shape, dtype, kwargs)


def gamma(alpha=1, beta=1, shape=None, dtype=None, **kwargs):
    return _draw("gamma", [alpha, beta], shape, dtype, kwargs)


def negative_binomial(k=1, p=1, shape=None, dtype=None, **kwargs):
    return _draw("negative_binomial", [k, p], shape, dtype, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, **kwargs):
    return _draw("generalized_negative_binomial", [mu, alpha], shape, dtype, kwargs)


def randint(low, high, shape=None, dtype=None, **kwargs):
    return _draw("randint", [low, high], shape, dtype, kwargs)


def multinomial(data, shape=None, get_prob=True, dtype="int32", **kwargs):
    """As MXNet's Symbol version, get_prob defaults to True (the NDArray one: False)."""
    attrs = {"shape": shape} if shape is not None else {}
    return _call("_sample_multinomial", data, get_prob=get_prob, dtype=dtype, **attrs, **kwargs)


def shuffle(data, **kwargs):
    return _call("_shuffle", data, **kwargs)


def _like(stem):
    def like(data=None, name=None, attr=None, **kwargs):
        inputs = () if data is None else (data,)   # None: a Variable <node>_data, as MXNet
        name = NameManager.current().get(name, f"{stem}_like")   # MXNet's hint: uniform_like0
        with NameManager():   # the name is final (a Prefix scope has added its prefix)
            return _call(f"_random_{stem}_like", *inputs, name=name, attr=attr, **kwargs)
    like.__name__ = f"{stem}_like"
    like.__doc__ = f"{stem} draws of data's shape and dtype."
    return like


for _stem in LIKE:
    globals()[f"{_stem}_like"] = _like(_stem)
