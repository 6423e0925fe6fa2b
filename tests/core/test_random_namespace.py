"""mx.nd.random / mx.sym.random / mx.random (issue 23 point 16): MXNet 1.9.1's functions,
each call giving the shapes, dtypes and graph nodes MXNet gave
(tests/fixtures/ops_mx191/random_namespace_mx191.json, make_random_namespace_fixtures.py)."""
import json
from pathlib import Path

import numpy as np
import pytest

import core as mx
from core.errors import GraphError

MXNET = json.loads((Path(__file__).parents[1] / "fixtures" / "ops_mx191" /
                    "random_namespace_mx191.json").read_text())
CALLS = MXNET["calls"]


def _public(module):
    return {n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n))
            and getattr(getattr(module, n), "__module__", "") == module.__name__}


def test_the_namespaces_have_mxnets_functions():
    assert _public(mx.nd.random) == set(MXNET["nd_random"]) - {"current_context"}
    assert _public(mx.sym.random) == set(MXNET["sym_random"])
    assert set(MXNET["nd_random"]) - {"current_context"} <= set(dir(mx.random))


def _nd(value):
    if isinstance(value, str) and value.startswith("nd:"):
        return mx.nd.ones(eval(value[3:])) * 0.25
    return value


def _hint(output_name):
    return output_name.rsplit("_", 1)[0].rstrip("0123456789")


def _call_id(call):
    name, args, kwargs = call["call"]
    return f"{name}({', '.join([*map(str, args), *(f'{k}={v}' for k, v in kwargs.items())])})"


@pytest.mark.parametrize("call", CALLS, ids=_call_id)
def test_nd_random_gives_mxnets_shapes_and_dtypes(call):
    name, args, kwargs = call["call"]
    out = getattr(mx.nd.random, name)(*[_nd(a) for a in args], **kwargs)
    outs = out if isinstance(out, list) else [out]
    assert [[list(o.shape), np.dtype(o.dtype).name] for o in outs] == call["nd"]


@pytest.mark.parametrize("call", CALLS, ids=_call_id)
def test_sym_random_builds_mxnets_nodes(call):
    name, args, kwargs = call["call"]
    inputs, known = [], {}
    for index, arg in enumerate(args):
        if isinstance(arg, str) and arg.startswith("nd:"):
            inputs.append(mx.sym.var(f"in{index}"))
            known[f"in{index}"] = eval(arg[3:])
        else:
            inputs.append(arg)
    with mx.sym.NameManager():
        if call["sym"]["shapes"] is None:   # MXNet builds it and cannot tell the shape
            with pytest.raises(GraphError, match="give shape"):
                getattr(mx.sym.random, name)(*inputs, **kwargs)
            return
        sym = getattr(mx.sym.random, name)(*inputs, **kwargs)
    nodes = [n for n in json.loads(sym.tojson())["nodes"] if n["op"] != "null"]
    assert [n["op"] for n in nodes] == call["sym"]["ops"]
    assert len(sym.list_outputs()) == len(call["sym"]["outputs"])
    # the node's name hint (MXNet's counters ran on through the whole fixture script)
    assert _hint(sym.list_outputs()[0]) == _hint(call["sym"]["outputs"][0])
    assert [list(s) for s in sym.infer_shape(**known)[1]] == call["sym"]["shapes"]


def test_numbers_and_arrays_do_not_mix_and_randn_needs_a_shape():
    with pytest.raises(ValueError, match="same type"):
        mx.nd.random.uniform(0, mx.nd.ones((2,)))
    with pytest.raises(ValueError, match="NDArray or numbers"):
        mx.nd.random.normal("0")
    with pytest.raises(ValueError, match="must be numbers"):
        mx.nd.random.randint(mx.nd.zeros((2,)), mx.nd.ones((2,)))
    with pytest.raises(GraphError, match="give shape"):
        mx.nd.random.randn()


def test_draws_repeat_under_seed_and_fill_out():
    mx.random.seed(7)
    first = mx.nd.random.normal(1, 2, shape=(3,)).asnumpy()
    mx.random.seed(7)
    np.testing.assert_array_equal(mx.random.normal(1, 2, shape=(3,)).asnumpy(), first)
    out = mx.nd.zeros((2, 2), dtype="float64")
    assert mx.nd.random.uniform(5, 6, out=out) is out
    assert out.dtype == np.float64 and (out.asnumpy() >= 5).all()
    per_row = mx.nd.random.uniform(mx.nd.array([0, 10]), mx.nd.array([1, 11]), shape=500).asnumpy()
    assert (per_row[0] < 1).all() and (per_row[1] >= 10).all()
