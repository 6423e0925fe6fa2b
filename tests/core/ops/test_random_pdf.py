"""random_pdf_* (issue 23 point 16): every case of random_pdf_mx191.npz - densities and
gradients MXNet 1.9.1 computed (make_random_pdf_fixtures.py) - replayed on our operators,
plus MXNet's shape rules. Finite differences: cases_random_pdf.py."""
import json

import numpy as np
import pytest

import core as mx
from core.errors import ShapeError
from core.ops import OPS

from .test_mx191_fixtures import FIXTURE_DIR, case_id, replay

FIXTURES = np.load(FIXTURE_DIR / "random_pdf_mx191.npz", allow_pickle=False)
MANIFEST = json.loads(str(FIXTURES["manifest"]))


@pytest.mark.parametrize("index", range(len(MANIFEST)), ids=lambda i: case_id(MANIFEST, i))
def test_density_and_gradients_match_mxnet_1_9_1(index):
    # MXNet's digamma (cephes psi) is off by up to 1.3e-7 absolute; ours is exact to 1e-11
    replay(FIXTURES, MANIFEST, index, grad_rtol=1e-5)


def test_mxnet_docstring_examples():
    sample = mx.nd.array([[-2, -1, 0, 1, 2]] * 2)
    out = mx.nd.random_pdf_normal(sample, mx.nd.array([0, 0]), mx.nd.array([1, 2]))
    np.testing.assert_allclose(out.asnumpy()[1], [0.12098537, 0.17603266, 0.19947115, 0.17603266,
                                                  0.12098537], rtol=1e-6)
    out = mx.nd.random_pdf_dirichlet(mx.nd.array([[1, 2], [2, 3], [3, 4]]), mx.nd.array([2.5, 2.5]))
    np.testing.assert_allclose(out.asnumpy(), [38.413498, 199.60245, 564.56085], rtol=1e-6)
    out = mx.nd.random_pdf_generalized_negative_binomial(
        mx.nd.array([[1, 2, 3, 4]]), mx.nd.array([1]), mx.nd.array([1]))
    np.testing.assert_allclose(out.asnumpy(), [[0.25, 0.125, 0.0625, 0.03125]], rtol=1e-6)


@pytest.mark.parametrize("name,shapes,out", [
    ("random_pdf_normal", [(2, 3, 4), (2, 3), (2, 3)], (2, 3, 4)),
    ("random_pdf_exponential", [(5,), (5,)], (5,)),
    ("random_pdf_dirichlet", [(2, 3, 4), (2, 4)], (2, 3)),
    ("random_pdf_dirichlet", [(4,), (4,)], (1,)),
])
def test_output_shape_follows_the_sample(name, shapes, out):
    op = OPS.get(name)(node_name="p")
    assert op.infer_shape(shapes)[1] == [out]
    sym = getattr(mx.sym, name)(*[mx.sym.var(n) for n in op.list_arguments()])
    assert sym.infer_shape(**dict(zip(op.list_arguments(), shapes)))[1] == [out]


@pytest.mark.parametrize("name,shapes,why", [
    ("random_pdf_normal", [(2, 3), (2,), (3,)], "differ in shape"),
    ("random_pdf_normal", [(3, 2), (2,), (2,)], "leading axes"),
    ("random_pdf_gamma", [(2,), (2, 1), (2, 1)], "fewer axes"),
    ("random_pdf_dirichlet", [(2, 3, 4), (2, 3)], "leading axes"),
])
def test_parameters_that_are_not_the_samples_leading_axes_are_refused(name, shapes, why):
    op = OPS.get(name)(node_name="p")
    with pytest.raises(ShapeError, match=why):
        op.infer_shape(shapes)


def test_argument_names_are_mxnets():
    assert OPS.get("random_pdf_normal")(node_name="p").list_arguments() == ["sample", "mu", "sigma"]
    assert OPS.get("random_pdf_negative_binomial")(node_name="p").list_arguments() == ["sample", "k", "p"]
    assert OPS.get("_random_pdf_dirichlet")(node_name="p").list_arguments() == ["sample", "alpha"]
