"""Issue 23 points 3 and 13: reshape's special codes with and without reverse (NDArray and
Symbol), and infer_shape_partial's answers, against MXNet 1.9.1."""
import warnings

import pytest

import core as mx
from core.errors import NetStudioError
from tests.core.semantics.mxnet_answers import facts

RESHAPES = facts()["reshape"]


def _label(case):
    return f"{case['shape']}->{case['target']}{' reverse' if case['reverse'] else ''}"


@pytest.mark.parametrize("case", RESHAPES, ids=[_label(c) for c in RESHAPES])
def test_reshape_codes_give_mxnets_shapes_on_ndarrays_and_symbols(case):
    shape, target, reverse = tuple(case["shape"]), tuple(case["target"]), case["reverse"]
    if case["nd"] == "error":
        with pytest.raises(NetStudioError):
            mx.nd.zeros(shape).reshape(target, reverse=reverse)
    else:
        out = mx.nd.arange(0, int(__import__("math").prod(shape))).reshape(shape)
        reshaped = out.reshape(target, reverse=reverse)
        assert list(reshaped.shape) == case["nd"]
        reshaped[:] = 1                       # a view, as MXNet's reshape shares memory
        assert float(out.sum().asscalar()) == out.size
    sym = mx.sym.Variable("x").reshape(target, reverse=reverse)
    if case["sym"] == "error":
        with pytest.raises(NetStudioError), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sym.infer_shape(x=shape)
    else:
        assert list(sym.infer_shape(x=shape)[1][0]) == case["sym"]


def _partial_case(name):
    a, b = mx.sym.Variable("a"), mx.sym.Variable("b")
    return {"batch_dot": lambda: mx.sym.batch_dot(a, b), "batch_dot_zero": lambda: mx.sym.batch_dot(a, b),
            "where": lambda: mx.sym.where(mx.sym.Variable("c"), a, b), "add_one_known": lambda: a + b,
            "fc_unknown_batch": lambda: mx.sym.FullyConnected(a, num_hidden=5, name="fc"),
            "add_zero": lambda: a + b}[name]()


PARTIAL = sorted(n for n in facts()["partial_shapes"] if n != "embedding")   # Embedding: issue 23 point 16


@pytest.mark.parametrize("name", PARTIAL)
def test_infer_shape_partial_gives_mxnets_partial_answers(name):
    expected = facts()["partial_shapes"][name]
    sym = _partial_case(name)
    given = {k: tuple(v) for k, v in expected["given"].items()}
    if expected["args"] == "error":
        with pytest.raises(NetStudioError):
            sym.infer_shape_partial(**given)
        return
    args, outs, _ = sym.infer_shape_partial(**given)
    assert sym.list_arguments() == expected["arg_names"]
    for ours, theirs in zip(list(args) + list(outs), expected["args"] + expected["outs"]):
        # NOTE: where MXNet leaves a shape undetermined (()), we may know it (where's b and
        # output follow from a); every shape MXNet determines must be ours exactly
        assert list(ours) == theirs or (theirs == [] and isinstance(ours, tuple))


def test_zero_dimensions_are_unknown_for_a_full_infer_shape():
    fc = mx.sym.FullyConnected(mx.sym.Variable("a"), num_hidden=5, name="fc")
    with pytest.warns(UserWarning):
        assert fc.infer_shape(a=(0, 8)) == (None, None, None)
    assert fc.infer_shape(a=(3, 8))[1] == [(3, 5)]
