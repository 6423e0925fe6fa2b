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
