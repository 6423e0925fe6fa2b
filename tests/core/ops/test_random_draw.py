"""The random operators draw from the right distributions (mean and variance within a few
standard errors on 10^5 draws), in MXNet 1.9.1's shapes and dtypes, and repeat under
mx.random.seed."""
import numpy as np
import pytest

from core import random_state
from core.errors import GraphError
from core.ops import OPS

N = 100_000


def _draw(name, inputs=(), **attrs):
    op = OPS.get(name)(node_name="n", **attrs)
    return op.forward(np, [np.asarray(x, "float32") for x in inputs], [], True)[0][0]


@pytest.mark.parametrize("name,attrs,mean,var", [
    ("uniform", {"low": "1", "high": "3"}, 2.0, 4 / 12),
    ("random_normal", {"loc": "1", "scale": "2"}, 1.0, 4.0),
    ("random_gamma", {"alpha": "2", "beta": "3"}, 6.0, 18.0),
    ("random_exponential", {"lam": "4"}, 0.25, 1 / 16),
    ("random_poisson", {"lam": "4"}, 4.0, 4.0),
    ("random_negative_binomial", {"k": "3", "p": "0.4"}, 4.5, 11.25),
    ("random_generalized_negative_binomial", {"mu": "2", "alpha": "0.5"}, 2.0, 4.0),
    ("random_randint", {"low": "-2", "high": "5"}, 1.0, 4.0),
])
def test_random_draws_have_the_distributions_moments(name, attrs, mean, var):
    random_state.seed(11)
    out = _draw(name, shape=f"({N},)", **attrs)
    assert out.shape == (N,)
    assert out.dtype == (np.int32 if name == "random_randint" else np.float32)
    assert abs(out.mean() - mean) < 4 * np.sqrt(var / N)
    assert abs(out.var() - var) < 0.05 * var


def test_sample_ops_draw_shape_more_values_per_parameter_entry():
    random_state.seed(5)
    out = _draw("sample_normal", ([0, 10], [1, 2]), shape=f"({N // 2},)")
    assert out.shape == (2, N // 2) and out.dtype == np.float32
    np.testing.assert_allclose(out.mean(1), [0, 10], atol=0.05)
    np.testing.assert_allclose(out.std(1), [1, 2], rtol=0.03)
    uniform = _draw("sample_uniform", ([0, 5], [1, 6]), shape="(3, 4)", dtype="float64")
    assert uniform.shape == (2, 3, 4) and uniform.dtype == np.float64
    assert (uniform[0] < 1).all() and (uniform[1] >= 5).all()
    poisson = _draw("sample_poisson", ([1.0, 30.0],), shape=f"({N // 2},)")
    np.testing.assert_allclose(poisson.mean(1), [1, 30], rtol=0.02)
    assert OPS.get("sample_normal")(node_name="s").list_arguments() == ["mu", "sigma"]
    assert OPS.get("sample_gamma")(node_name="s").list_arguments() == ["alpha", "beta"]


def test_mx_random_seed_repeats_the_draws():
    draws = []
    for _ in range(2):
        random_state.seed(42)
        draws.append((_draw("random_uniform", shape="(5,)"), _draw("shuffle", (np.arange(6),))))
    np.testing.assert_array_equal(draws[0][0], draws[1][0])
    np.testing.assert_array_equal(draws[0][1], draws[1][1])
    random_state.seed(43)
    assert not np.array_equal(_draw("random_uniform", shape="(5,)"), draws[0][0])


def test_shuffle_permutes_rows_and_its_gradient_goes_back_to_them():
    random_state.seed(1)
    op = OPS.get("_shuffle")(node_name="s")
    data = np.arange(12, dtype="float32").reshape(6, 2)
    (out,), order = op.forward(np, [data], [], True)
    assert sorted(map(tuple, out)) == sorted(map(tuple, data))
    (grad,) = op.backward(np, order, [out * 10], [True])
    np.testing.assert_array_equal(grad, data * 10)


def test_bad_attributes_name_the_node():
    with pytest.raises(GraphError, match="high"):
        OPS.get("random_randint")(node_name="r", low="3", high="3", shape="(2,)")
    with pytest.raises(GraphError, match="shape"):
        OPS.get("random_uniform")(node_name="r")
    with pytest.raises(GraphError, match="lam"):
        OPS.get("random_exponential")(node_name="r", lam="0", shape="(2,)")


def test_sample_multinomial_draws_each_rows_categories_as_often_as_their_probability():
    random_state.seed(2)
    probs = np.array([[0.2, 0.3, 0.5], [0.0, 0.9, 0.1]], "float32")
    op = OPS.get("sample_multinomial")(node_name="m", shape=f"({N // 2},)", get_prob="True")
    assert op.list_outputs() == ["output", "prob"]
    assert op.infer_shape([(2, 3)])[1] == [(2, N // 2)] * 2
    (index, logp), _ = op.forward(np, [probs], [], True)
    assert index.shape == (2, N // 2) and index.dtype == np.int32 and logp.dtype == np.float32
    for row, p in enumerate(probs):
        freq = np.bincount(index[row], minlength=3) / (N // 2)
        np.testing.assert_allclose(freq, p, atol=4 * np.sqrt(0.25 / (N // 2)))
    np.testing.assert_allclose(logp, np.log(probs[np.arange(2)[:, None], index]))
    one = OPS.get("sample_multinomial")(node_name="m").forward(np, [probs[0]], [], True)[0][0]
    assert one.shape == (1,)   # MXNet's shape for one row and no shape


def test_mx_nd_and_mx_sym_call_them_by_mxnets_names():
    import core as mx
    mx.random.seed(4)
    first = mx.nd.random_normal(shape=(2, 3))
    mx.random.seed(4)
    again = mx.nd.normal(shape=(2, 3))
    assert first.shape == (2, 3) and first.dtype == np.float32
    np.testing.assert_array_equal(first.asnumpy(), again.asnumpy())
    assert mx.nd.random_randint(low=0, high=4, shape=(5,)).dtype == np.int32
    assert mx.sym.uniform(shape=(2, 3), name="u").infer_shape()[1] == [(2, 3)]
