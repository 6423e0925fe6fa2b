"""The rest of MXNet 1.9.1's linalg family as a user meets it: mx.nd and mx.sym calls,
MXNet's own JSON names, clear errors for matrices they cannot take, and the gradients of
potrf and syevd along symmetric perturbations (their input is symmetric; MXNet's gradient
is symmetric)."""
import json

import numpy as np
import pytest

import core as mx
from core.errors import DataError, ShapeError
from core.ops import OPS
from core.testing import _objective

SPD = np.array([[4.0, 1.0, 0.5], [1.0, 4.25, -0.3], [0.5, -0.3, 2.0]])


@pytest.mark.parametrize("name,attrs", [("linalg_potrf", {}), ("linalg_potrf", {"lower": False}),
                                        ("_linalg_syevd", {})])
def test_gradient_matches_finite_differences_along_symmetric_perturbations(name, attrs):
    op = OPS.get(name)(node_name="under_test", **attrs)
    a = np.stack([SPD, SPD + np.diag([1.0, 0.0, 3.0])])
    outputs, saved = op.forward(np, [a.copy()], [], True)
    rng = np.random.default_rng(0)
    head = [rng.standard_normal(o.shape) for o in outputs]
    grad = op.backward(np, saved, head, [True])[0]
    np.testing.assert_allclose(grad, grad.swapaxes(-1, -2))   # symmetric, as MXNet's
    eps = 1e-6
    for b in range(2):
        for i in range(3):
            for j in range(i + 1):
                step = np.zeros_like(a)
                step[b, i, j] = step[b, j, i] = eps
                numeric = (_objective(op, [a + step], [], head, None)
                           - _objective(op, [a - step], [], head, None)) / (2 * eps)
                along = grad[b, i, j] * (1 if i == j else 2)
                assert along == pytest.approx(numeric, rel=1e-5, abs=1e-7), (b, i, j)


def test_cholesky_round_trip_through_ndarray_and_symbol():
    a = mx.nd.array(SPD, dtype="float64")
    factor = mx.nd.linalg_potrf(a)
    np.testing.assert_allclose((factor.asnumpy() @ factor.asnumpy().T), SPD, rtol=1e-12)
    np.testing.assert_allclose(mx.nd.linalg_potri(factor).asnumpy(), np.linalg.inv(SPD), rtol=1e-10)
    x = mx.sym.var("x")
    net = mx.sym.linalg_trsm(mx.sym.linalg_potrf(x), mx.sym.var("b"), alpha=2.0)
    assert net.infer_shape(x=(3, 3), b=(3, 2))[1] == [(3, 2)]
    rhs = np.arange(6.0).reshape(3, 2)
    out = net.eval(ctx=mx.cpu(), x=mx.nd.array(SPD), b=mx.nd.array(rhs))[0].asnumpy()
    np.testing.assert_allclose(np.linalg.cholesky(SPD) @ out, 2 * rhs, rtol=1e-5, atol=1e-5)


def test_lq_slogdet_and_triangles_through_symbols():
    x = mx.sym.var("x")
    q, lower = mx.sym.linalg_gelqf(x)
    sign, logabsdet = mx.sym.linalg_slogdet(lower)
    net = mx.sym.Group([q, mx.sym.linalg_maketrian(mx.sym.linalg_extracttrian(lower)), sign, logabsdet])
    data = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    outs = [o.asnumpy() for o in net.eval(ctx=mx.cpu(), x=mx.nd.array(data))]
    np.testing.assert_allclose(outs[1] @ outs[0], data, rtol=1e-5)
    np.testing.assert_allclose(outs[0] @ outs[0].T, np.eye(2), atol=1e-6)
    assert outs[2].shape == outs[3].shape == (1,)
    np.testing.assert_allclose(outs[2] * np.exp(outs[3]), np.linalg.det(outs[1]), rtol=1e-5)


def test_mxnets_internal_names_load_from_symbol_json():
    """MXNet writes "_linalg_potrf" etc. in symbol JSON; such files load and run."""
    doc = {"nodes": [{"op": "null", "name": "a", "inputs": []},
                     {"op": "_linalg_potrf", "name": "chol", "inputs": [[0, 0, 0]]},
                     {"op": "_linalg_det", "name": "det", "inputs": [[1, 0, 0]]}],
           "arg_nodes": [0], "node_row_ptr": [0, 1, 2, 5], "heads": [[2, 0, 0]],
           "attrs": {"mxnet_version": ["int", 10901]}}
    net = mx.sym.load_json(json.dumps(doc))
    out = net.eval(ctx=mx.cpu(), a=mx.nd.array(SPD))[0].asnumpy()
    np.testing.assert_allclose(out, np.sqrt(np.linalg.det(SPD)), rtol=1e-5)
    assert json.loads(net.tojson())["node_row_ptr"] == [0, 1, 2, 5]   # det's hidden LU, pivots


def test_matrices_an_operator_cannot_take_raise_clear_errors():
    with pytest.raises(DataError, match="'c' \\(linalg_potrf\\).*not symmetric positive-definite"):
        OPS.get("linalg_potrf")(node_name="c").forward(np, [-np.eye(2)], [], False)
    with pytest.raises(DataError, match="singular"):
        OPS.get("linalg_trsm")(node_name="s").forward(np, [np.zeros((2, 2)), np.ones((2, 1))], [], False)
    with pytest.raises(ShapeError, match="at least as many columns as rows"):
        mx.sym.linalg_gelqf(mx.sym.var("x")).infer_shape(x=(3, 2))
    with pytest.raises(ShapeError, match="no triangle's size"):
        mx.sym.linalg_maketrian(mx.sym.var("x")).infer_shape(x=(2, 4))
    with pytest.raises(ShapeError, match="do not fit"):
        mx.sym.linalg_trmm(mx.sym.var("a"), mx.sym.var("b"), rightside=True).infer_shape(a=(3, 3), b=(3, 2))


def test_the_linalg_namespaces_call_the_same_operators():
    a = mx.nd.array(SPD, dtype="float64")
    np.testing.assert_allclose(mx.nd.linalg.potrf(a).asnumpy(), np.linalg.cholesky(SPD), rtol=1e-12)
    q, lower = mx.nd.linalg.gelqf(mx.nd.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    assert q.shape == (2, 3) and lower.shape == (2, 2)
    with mx.name.NameManager():
        chol = mx.sym.linalg.potrf(mx.sym.var("a"))
    assert chol.name == "potrf0"   # MXNet names the node after the short name
    net = mx.sym.linalg.trsm(chol, mx.sym.var("b"), transpose=True, name="solve")
    assert net.name == "solve" and net.list_arguments() == ["a", "b"]
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        mx.sym.linalg.nothing  # noqa: B018


def test_syevd_decomposes_a_symmetric_matrix_with_mxnets_signs():
    u, values = mx.nd.linalg.syevd(mx.nd.array([[1.0, 2.0], [2.0, 4.0]], dtype="float64"))
    np.testing.assert_allclose(u.asnumpy(), [[0.89442719, -0.4472136], [0.4472136, 0.89442719]], rtol=1e-7)
    np.testing.assert_allclose(values.asnumpy(), [0.0, 5.0], atol=1e-12)
    with mx.name.NameManager():
        net = mx.sym.linalg.syevd(mx.sym.var("a"))
    assert net.list_outputs() == ["syevd0_output0", "syevd0_output1"]
    assert net.infer_shape(a=(2, 3, 3))[1] == [(2, 3, 3), (2, 3)]
