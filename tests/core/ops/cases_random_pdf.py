"""Gradient cases for random_pdf_* (core/ops/random_pdf.py): finite differences against
the sample (where MXNet differentiates it) and the parameter arrays, summed over the extra
sample axes. Poisson and the negative binomials are densities of counts: MXNet gives the
sample no gradient, so only their parameters are checked here."""
import numpy as np

from .gradcase import GradCase

rng = np.random.default_rng(16)


def positive(low, high, *shape):
    return rng.uniform(low, high, shape)


def simplex(*shape):
    x = rng.uniform(0.2, 1.0, shape)
    return x / x.sum(-1, keepdims=True)


COUNTS = rng.integers(0, 5, (2, 3)).astype(np.float64)
CASES = []
for is_log in (False, True):
    attrs = {"is_log": is_log}
    CASES += [
        GradCase("random_pdf_uniform", attrs, [(2, 3), np.array([-3.0, -2.5]), np.array([2.0, 3.5])]),
        GradCase("random_pdf_normal", attrs, [(2, 3), (2,), positive(0.5, 2, 2)]),
        GradCase("random_pdf_gamma", attrs, [positive(0.5, 3, 2, 2, 3), positive(0.8, 3, 2, 2),
                                             positive(0.5, 2, 2, 2)]),
        GradCase("random_pdf_exponential", attrs, [positive(0, 2, 3, 2), positive(0.5, 2, 3)]),
        GradCase("random_pdf_poisson", attrs, [COUNTS, positive(0.5, 4, 2)], skip=("sample",)),
        GradCase("random_pdf_negative_binomial", attrs, [COUNTS, positive(0.5, 4, 2), positive(0.2, 0.8, 2)],
                 skip=("sample",)),
        GradCase("random_pdf_generalized_negative_binomial", attrs,
                 [COUNTS, positive(0.5, 4, 2), positive(0.2, 1.5, 2)], skip=("sample",)),
        GradCase("random_pdf_dirichlet", attrs, [simplex(2, 3, 4), positive(0.5, 3, 2, 4)]),
        GradCase("random_pdf_dirichlet", attrs, [simplex(3), positive(0.5, 3, 3)]),
    ]
