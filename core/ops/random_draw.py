"""MXNet 1.9.1's random operators, drawn from the seedable source behind ``mx.random.seed``:
``_random_*`` (parameters as attributes, an array of the given shape) and ``_sample_*``
(parameters as input arrays, ``shape`` more draws for each of their entries), plus
``_shuffle``. Random draws have no gradient (MXNet defines none)."""
from __future__ import annotations

from ..errors import GraphError
from ..random_state import generator
from .attrs import Param
from .base import Op, same_shape_op_infer
from .creation import _CTX, _Creation
from .registry import register_op

FLOATS = ("None", "float16", "float32", "float64")
_FLOAT_DTYPE = Param("str", "None", "the sample's dtype; None: float32", choices=FLOATS)


def _dtype(name, default="float32"):
    return default if name == "None" else name


def _exponential(g, lam, size):
    return g.exponential(1 / lam, size)


def _generalized_negative_binomial(g, mu, alpha, size):
    """Poisson draws whose rate is Gamma(1/alpha, mu*alpha): mean mu, variance mu + alpha*mu^2."""
    import numpy as np
    alpha = np.broadcast_to(alpha, size)
    safe = np.where(alpha > 0, alpha, 1.0)
    rate = g.gamma(1 / safe, mu * safe, size)
    return g.poisson(np.where(alpha > 0, rate, np.broadcast_to(mu, size)), size)


#: distribution -> (draw(generator, *params, size), parameter names as MXNet calls them)
DRAWS = {
    "uniform": (lambda g, low, high, size: g.uniform(low, high, size), ("low", "high")),
    "normal": (lambda g, loc, scale, size: g.normal(loc, scale, size), ("loc", "scale")),
    "gamma": (lambda g, alpha, beta, size: g.gamma(alpha, beta, size), ("alpha", "beta")),
    "exponential": (_exponential, ("lam",)),
    "poisson": (lambda g, lam, size: g.poisson(lam, size), ("lam",)),
    "negative_binomial": (lambda g, k, p, size: g.negative_binomial(k, p, size), ("k", "p")),
    "generalized_negative_binomial": (_generalized_negative_binomial, ("mu", "alpha")),
}


class _Random(_Creation):
    """An array of ``shape`` draws; the distribution's parameters are attributes."""
    distribution = ""
    starter_attrs = {"shape": "(1, 1)"}

    def check(self):
        super().check()
        if not self.shape:
            raise self.error("give shape, the sample's shape", GraphError)

    def out_dtype(self):
        return _dtype(self.dtype)

    def make(self, xp):
        draw, names = DRAWS[self.distribution]
        return draw(generator(xp), *(getattr(self, n) for n in names), self.out_shape())

    def forward(self, xp, inputs, aux, is_train):
        return [xp.asarray(self.make(xp)).astype(self.out_dtype(), copy=False)], None


def _random_params(**params):
    return {**params, "shape": Param("shape", (), "the sample's shape"), "ctx": _CTX,
            "dtype": _FLOAT_DTYPE}


@register_op("random_uniform", "uniform")
class RandomUniform(_Random):
    name = "_random_uniform"
    doc = "Draws from the uniform distribution on [low, high)."
    distribution = "uniform"
    params = _random_params(low=Param("float", 0.0, "the lower bound"),
                            high=Param("float", 1.0, "the upper bound (excluded)"))

    def check(self):
        super().check()
        if self.high < self.low:
            raise self.error(f"high={self.high} is below low={self.low}", GraphError)


@register_op("random_normal", "normal")
class RandomNormal(_Random):
    name = "_random_normal"
    doc = "Draws from the normal distribution with mean loc and standard deviation scale."
    distribution = "normal"
    params = _random_params(loc=Param("float", 0.0, "the mean"),
                            scale=Param("float", 1.0, "the standard deviation", low=0))


@register_op("random_gamma")
class RandomGamma(_Random):
    name = "_random_gamma"
    doc = "Draws from the gamma distribution with shape alpha and scale beta."
    distribution = "gamma"
    params = _random_params(alpha=Param("float", 1.0, "the shape", low=0),
                            beta=Param("float", 1.0, "the scale", low=0))


@register_op("random_exponential")
class RandomExponential(_Random):
    name = "_random_exponential"
    doc = "Draws from the exponential distribution with rate lam (mean 1/lam)."
    distribution = "exponential"
    params = _random_params(lam=Param("float", 1.0, "the rate", low=0))

    def check(self):
        super().check()
        if self.lam <= 0:
            raise self.error(f"lam={self.lam} must be positive", GraphError)


@register_op("random_poisson")
class RandomPoisson(_Random):
    name = "_random_poisson"
    doc = "Draws from the Poisson distribution with rate lam (counts, as floats)."
    distribution = "poisson"
    params = _random_params(lam=Param("float", 1.0, "the rate", low=0))


@register_op("random_negative_binomial")
class RandomNegativeBinomial(_Random):
    name = "_random_negative_binomial"
    doc = "Draws the failures before the k-th success of trials that succeed with probability p."
    distribution = "negative_binomial"
    params = _random_params(k=Param("int", 1, "the successes to wait for", low=1),
                            p=Param("float", 1.0, "the success probability", low=0, high=1))

    def check(self):
        super().check()
        if self.p <= 0:
            raise self.error(f"p={self.p} must be in (0, 1]", GraphError)


@register_op("random_generalized_negative_binomial")
class RandomGeneralizedNegativeBinomial(_Random):
    name = "_random_generalized_negative_binomial"
    doc = "Draws counts with mean mu and variance mu + alpha*mu^2 (a gamma-Poisson mixture)."
    distribution = "generalized_negative_binomial"
    params = _random_params(mu=Param("float", 1.0, "the mean", low=0),
                            alpha=Param("float", 1.0, "the dispersion", low=0))


@register_op("random_randint")
class RandomRandint(_Random):
    name = "_random_randint"
    doc = "Draws integers uniformly from [low, high)."
    starter_attrs = {"shape": "(1, 1)", "low": "0", "high": "10"}
    params = {"low": Param("int", doc="the lowest value"),
              "high": Param("int", doc="the bound (excluded)"),
              "shape": Param("shape", (), "the sample's shape"), "ctx": _CTX,
              "dtype": Param("str", "None", "int32 or int64; None: int32",
                             choices=("None", "int32", "int64"))}

    def check(self):
        super().check()
        if self.high <= self.low:
            raise self.error(f"high={self.high} must exceed low={self.low}", GraphError)

    def out_dtype(self):
        return _dtype(self.dtype, "int32")

    def make(self, xp):
        return generator(xp).integers(self.low, self.high, self.out_shape())


class _Sample(Op):
    """``shape`` draws for each entry of the parameter arrays (which share one shape)."""
    category = "Tensor"
    per_sample = False   # random draws, made in another process per lane
    distribution = ""
    params = {"shape": Param("shape", (), "the draws per parameter entry"),
              "dtype": _FLOAT_DTYPE}

    def list_arguments(self):
        # MXNet names the normal's inputs mu and sigma (its attributes: loc and scale)
        return ["mu", "sigma"] if self.distribution == "normal" else list(DRAWS[self.distribution][1])

    def infer_shape(self, in_shapes):
        known = [tuple(s) for s in in_shapes if s is not None]
        if any(s != known[0] for s in known):
            raise self.error(f"the parameter arrays differ in shape: {known}")
        if not known:
            return in_shapes, [None], []
        return [known[0]] * len(in_shapes), [known[0] + tuple(self.shape)], []

    def forward(self, xp, inputs, aux, is_train):
        extra = tuple(self.shape)
        size = tuple(inputs[0].shape) + extra
        params = [p.astype("float64").reshape(p.shape + (1,) * len(extra)) for p in inputs]
        draw = DRAWS[self.distribution][0]
        return [xp.asarray(draw(generator(xp), *params, size)).astype(_dtype(self.dtype))], None

    def backward(self, xp, saved, out_grads, needs):
        return [None] * len(self.list_arguments())


def _sample_op(dist, doc):
    cls = type(f"Sample{dist.title().replace('_', '')}", (_Sample,),
               {"name": f"_sample_{dist}", "distribution": dist, "doc": doc,
                "__module__": __name__})
    return register_op(f"sample_{dist}")(cls)


SampleUniform = _sample_op("uniform", "Uniform draws on [low, high) per entry of low and high.")
SampleNormal = _sample_op("normal", "Normal draws per entry of mu (mean) and sigma (deviation).")
SampleGamma = _sample_op("gamma", "Gamma draws per entry of alpha (shape) and beta (scale).")
SampleExponential = _sample_op("exponential", "Exponential draws per entry of lam (rate).")
SamplePoisson = _sample_op("poisson", "Poisson draws per entry of lam (rate).")
SampleNegativeBinomial = _sample_op(
    "negative_binomial", "Negative binomial draws per entry of k (successes) and p (probability).")
SampleGeneralizedNegativeBinomial = _sample_op(
    "generalized_negative_binomial", "Gamma-Poisson draws per entry of mu (mean) and alpha.")


@register_op("shuffle")
class Shuffle(Op):
    name = "_shuffle"
    category = "Tensor"
    doc = "The rows (first axis) in a random order."
    per_sample = False   # rows move between samples

    def infer_shape(self, in_shapes):
        return same_shape_op_infer(self, in_shapes)

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        if data.ndim == 0:
            return [data.copy()], None
        order = generator(xp).permutation(data.shape[0])
        return [data[order]], order

    def backward(self, xp, order, out_grads, needs):
        if order is None:
            return [out_grads[0]]
        grad = xp.empty_like(out_grads[0])
        grad[order] = out_grads[0]
        return [grad]


@register_op("sample_multinomial")
class SampleMultinomial(Op):
    name = "_sample_multinomial"
    category = "Tensor"
    doc = ("Category indices drawn from each row of probabilities (the last axis); "
           "get_prob adds each draw's log-probability.")
    per_sample = False   # random draws, made in another process per lane
    params = {"shape": Param("shape", (), "the draws per row"),
              "get_prob": Param("bool", False, "also output the log-probability of each draw"),
              "dtype": Param("str", "int32", "the indices' dtype",
                             choices=("float16", "float32", "float64", "int32", "uint8"))}

    def list_outputs(self):
        return ["output", "prob"] if self.get_prob else ["output"]

    def _out(self, data):
        return (tuple(data[:-1]) + tuple(self.shape)) or (1,)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None] * len(self.list_outputs()), []
        if len(data) == 0:
            raise self.error("data must have at least one axis (the categories)")
        return [tuple(data)], [self._out(data)] * len(self.list_outputs()), []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        rows = data.reshape(-1, data.shape[-1]).astype("float64")
        draws = max(1, int(xp.prod(xp.asarray(self.shape, dtype="int64"))))
        cdf = xp.cumsum(rows, axis=1)
        uniform = generator(xp).random((rows.shape[0], draws)) * cdf[:, -1:]
        index = (uniform[:, :, None] >= cdf[:, None, :]).sum(-1)
        index = xp.minimum(index, rows.shape[1] - 1)
        shape = self._out(data.shape)
        outputs = [index.reshape(shape).astype(self.dtype)]
        if self.get_prob:
            picked = xp.take_along_axis(rows, index, axis=1)
            outputs.append(xp.log(picked).reshape(shape).astype(data.dtype))
        return outputs, None

    def backward(self, xp, saved, out_grads, needs):
        return [None]
