"""MXNet 1.9.1's ``random_pdf_*``: the density (``is_log``: its logarithm) of a sample under
distributions whose parameters are arrays (src/operator/random/pdf_op.h).

The parameter arrays share one shape, the leftmost part of the sample's shape: entry ``i``
of the parameters is the distribution of the samples at index ``i`` (any further sample
axes are more samples of it). Dirichlet's samples are vectors: ``alpha`` ends with their
length ``k``, and the output drops the sample's last axis.

Each distribution states its log-density and that density's derivatives; the gradient is
``head * (1 if is_log else pdf) * derivative``, summed over the extra sample axes for the
parameters. Where MXNet gives no gradient to the sample (uniform, Poisson and both negative
binomials: a count's density is not differentiated), neither do we: it is zero.
"""
from __future__ import annotations

import math

from .attrs import Param
from .base import Op
from .registry import register_op
from .unary_math import _elementwise, _lgamma, digamma


def lgamma(xp, x):
    x = xp.asarray(x)
    return _elementwise(xp, _lgamma, x.reshape(-1)).reshape(x.shape)   # 0-d arrays too


def _negative_binomial_lpdf(xp, x, k, p):
    # MXNet's p multiplies in as p^k (1-p)^x
    return lgamma(xp, x + k) - lgamma(xp, x + 1) - lgamma(xp, k) + k * xp.log(p) + x * xp.log1p(-p)


def _negative_binomial_grads(xp, x, k, p):
    return (xp.zeros_like(x), digamma(xp, x + k) - digamma(xp, k) + xp.log(p), k / p - x / (1 - p))


def _gnb_as_negative_binomial(mu, alpha):
    """MXNet's reparameterisation: k = 1/alpha, p = 1/(mu*alpha + 1)."""
    return 1 / alpha, 1 / (mu * alpha + 1)


def _gnb_grads(xp, x, mu, alpha):
    zero, d_k, d_p = _negative_binomial_grads(xp, x, *_gnb_as_negative_binomial(mu, alpha))
    den = (mu * alpha + 1) ** 2
    return zero, -d_p * alpha / den, -d_k / (alpha * alpha) - d_p * mu / den


#: distribution -> (parameter names, log-density(xp, x, *params),
#:                  derivatives of the log-density (xp, x, *params) -> (d/dx, d/dparam, ...))
DENSITIES = {
    "uniform": (
        ("low", "high"),
        lambda xp, x, low, high: xp.broadcast_to(-xp.log(high - low), x.shape),
        lambda xp, x, low, high: (xp.zeros_like(x), 1 / (high - low) + 0 * x, 1 / (low - high) + 0 * x)),
    "normal": (
        ("mu", "sigma"),
        lambda xp, x, mu, sigma: -0.5 * (x - mu) ** 2 / (sigma * sigma) - xp.log(math.sqrt(2 * math.pi) * sigma),
        lambda xp, x, mu, sigma: ((mu - x) / sigma ** 2, (x - mu) / sigma ** 2,
                                  ((x - mu) ** 2 - sigma ** 2) / sigma ** 3)),
    "gamma": (   # beta is the rate here (the sampler's beta is a scale)
        ("alpha", "beta"),
        lambda xp, x, a, b: a * xp.log(b) + (a - 1) * xp.log(x) - b * x - lgamma(xp, a),
        lambda xp, x, a, b: ((a - 1) / x - b, xp.log(b) + xp.log(x) - digamma(xp, a), a / b - x)),
    "exponential": (
        ("lam",),
        lambda xp, x, lam: xp.log(lam) - lam * x,
        lambda xp, x, lam: (-lam + 0 * x, 1 / lam - x)),
    "poisson": (
        ("lam",),
        lambda xp, x, lam: x * xp.log(lam) - lgamma(xp, x + 1) - lam,
        lambda xp, x, lam: (xp.zeros_like(x), x / lam - 1)),
    "negative_binomial": (("k", "p"), _negative_binomial_lpdf, _negative_binomial_grads),
    "generalized_negative_binomial": (
        ("mu", "alpha"),
        lambda xp, x, mu, alpha: _negative_binomial_lpdf(xp, x, *_gnb_as_negative_binomial(mu, alpha)),
        _gnb_grads),
}


class _Pdf(Op):
    """``sample`` and the parameter arrays in, one density per sample out."""
    category = "Tensor"
    # the parameters' leading axes are the sample's: a batch split must split them too
    per_sample = False
    distribution = ""
    vector_samples = False   # Dirichlet: each sample is a vector along the last axis
    params = {"is_log": Param("bool", False, "give the log-density instead of the density")}

    def parameter_names(self):
        return DENSITIES[self.distribution][0]

    def list_arguments(self):
        return ["sample", *self.parameter_names()]

    def infer_shape(self, in_shapes):
        """MXNet's PdfOpShape: all shapes known, the parameters' shape the sample's leading
        axes (Dirichlet: with the sample's last axis in place of their last)."""
        if any(s is None for s in in_shapes):
            return in_shapes, [None], []
        sample, *parameters = (tuple(s) for s in in_shapes)
        names = self.parameter_names()
        if any(p != parameters[0] for p in parameters):
            raise self.error("the parameter arrays differ in shape: " + ", ".join(
                f"{n} {p}" for n, p in zip(names, parameters)))
        ndim = len(parameters[0])
        if ndim > len(sample):
            raise self.error(f"sample {sample} has fewer axes than the parameters {parameters[0]}")
        wanted = sample[:ndim]
        if self.vector_samples and ndim:
            wanted = wanted[:-1] + sample[-1:]
        if parameters[0] != wanted:
            raise self.error(f"the parameters' shape {parameters[0]} must be the sample's leading "
                             f"axes {wanted} (sample {sample})")
        if self.vector_samples:
            out = sample[:-1] or (1,)
        else:
            out = sample
        return [sample, *[wanted] * len(parameters)], [out], []

    def _spread(self, xp, sample, parameters):
        """The parameters reshaped to broadcast against the sample."""
        ndim = parameters[0].ndim
        extra = (1,) * (sample.ndim - ndim)
        if self.vector_samples:
            return [p.reshape(p.shape[:-1] + extra + p.shape[-1:]) for p in parameters]
        return [p.reshape(p.shape + extra) for p in parameters]

    def _reduce(self, grad, param):
        """A per-sample parameter gradient summed over the extra sample axes."""
        ndim = param.ndim
        if self.vector_samples:
            axes = tuple(range(ndim - 1, grad.ndim - 1))
        else:
            axes = tuple(range(ndim, grad.ndim))
        return grad.sum(axis=axes).reshape(param.shape).astype(param.dtype, copy=False)

    def log_density(self, xp, sample, spread):
        return DENSITIES[self.distribution][1](xp, sample, *spread)

    def derivatives(self, xp, sample, spread):
        return DENSITIES[self.distribution][2](xp, sample, *spread)

    def forward(self, xp, inputs, aux, is_train):
        sample, *parameters = inputs
        self.infer_shape([x.shape for x in inputs])
        spread = self._spread(xp, sample, parameters)
        lpdf = self.log_density(xp, sample, spread)
        out = lpdf if self.is_log else xp.exp(lpdf)
        if self.vector_samples and sample.ndim == 1:
            out = out.reshape(1)
        out = out.astype(sample.dtype, copy=False)
        return [out], (sample, parameters, spread, out)

    def backward(self, xp, saved, out_grads, needs):
        sample, parameters, spread, out = saved
        scaling = out_grads[0] if self.is_log else out_grads[0] * out
        if self.vector_samples:
            scaling = scaling.reshape(sample.shape[:-1] + (1,))
        else:
            scaling = scaling.reshape(sample.shape)
        d_sample, *d_params = self.derivatives(xp, sample, spread)
        grads = [(scaling * d_sample).astype(sample.dtype, copy=False) if needs[0] else None]
        for need, param, derivative in zip(needs[1:], parameters, d_params):
            grads.append(self._reduce(scaling * derivative, param) if need else None)
        return grads


def _pdf_op(distribution, doc):
    cls = type(f"Pdf{distribution.title().replace('_', '')}", (_Pdf,),
               {"name": f"_random_pdf_{distribution}", "distribution": distribution, "doc": doc,
                "__module__": __name__})
    return register_op(f"random_pdf_{distribution}")(cls)


PdfUniform = _pdf_op("uniform", "Density of sample under uniform distributions on [low, high) "
                                "(1/(high-low), the support is not checked).")
PdfNormal = _pdf_op("normal", "Density of sample under normal distributions (mean mu, deviation sigma).")
PdfGamma = _pdf_op("gamma", "Density of sample under gamma distributions (shape alpha, rate beta).")
PdfExponential = _pdf_op("exponential", "Density of sample under exponential distributions (rate lam).")
PdfPoisson = _pdf_op("poisson", "Probability of the counts in sample under Poisson distributions (rate lam).")
PdfNegativeBinomial = _pdf_op(
    "negative_binomial", "Probability of sample under negative binomial distributions "
                         "(limit k, probability p: p^k (1-p)^x).")
PdfGeneralizedNegativeBinomial = _pdf_op(
    "generalized_negative_binomial", "Probability of sample under negative binomials of mean mu "
                                     "and dispersion alpha.")


def _dirichlet_lpdf(xp, x, alpha):
    return (((alpha - 1) * xp.log(x)).sum(-1) + lgamma(xp, alpha.sum(-1))
            - lgamma(xp, alpha).sum(-1))


def _dirichlet_grads(xp, x, alpha):
    psi_sum = digamma(xp, alpha.sum(-1, keepdims=True))
    return (alpha - 1) / x, xp.log(x) + psi_sum - digamma(xp, alpha)


DENSITIES["dirichlet"] = (("alpha",), _dirichlet_lpdf, _dirichlet_grads)


@register_op("random_pdf_dirichlet")
class PdfDirichlet(_Pdf):
    name = "_random_pdf_dirichlet"
    doc = ("Density of the vectors in sample (last axis) under Dirichlet distributions "
           "of concentration alpha.")
    distribution = "dirichlet"
    vector_samples = True
