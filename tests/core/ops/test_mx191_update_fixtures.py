"""The mixed-precision and multi-tensor optimizer operators, all_finite and the amp casts
against what Apache MXNet 1.9.1 computed (tests/fixtures/ops_mx191/make_update_fixtures.py
wrote updates_mx191.npz): outputs and their dtypes, the states and float32 master weights
the updates change in place, the amp casts' gradients, and each operator's input and
output names and inferred dtypes; through the operator, ``mx.nd`` and a bound Symbol."""
import json
from pathlib import Path

import numpy as np
import pytest

import core as mx
from core.errors import GraphError, ShapeError
from core.ops import OPS

FIXTURES = np.load(Path(__file__).parents[2] / "fixtures" / "ops_mx191" / "updates_mx191.npz",
                   allow_pickle=False)
MANIFEST = json.loads(str(FIXTURES["manifest"]))


IDS = [f"{case['op']}{sorted(case['attrs'].items())}" for case in MANIFEST]


def _case(index):
    """The manifest entry and its arrays by kind ('in', 'out', 'after', 'head', 'grad')."""
    case = MANIFEST[index]
    counts = {"in": case["inputs"], "out": case["outputs"], "after": case["inputs"],
              "head": case["outputs"] if case["grads"] else 0, "grad": case["grads"]}
    return case, {kind: [FIXTURES[f"c{index}_{kind}{j}"] for j in range(count)] for kind, count in counts.items()}


def _assert_same(got, want, what):
    """Same dtype and values (to the precision of that dtype)."""
    got = np.asarray(got)
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype}, MXNet's is {want.dtype}"
    rtol, atol = {np.float16: (1e-3, 1e-3), np.float32: (1e-5, 1e-6)}.get(want.dtype.type, (1e-6, 1e-9))
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=what)


ALL = range(len(MANIFEST))
#: the optimizer updates: MXNet's optimizers call them with out= their weights
UPDATES = [i for i in ALL if "update" in MANIFEST[i]["op"]]


@pytest.mark.parametrize("index", ALL, ids=lambda index: IDS[index])
def test_operator_matches_mxnet_1_9_1(index):
    case, arrays = _case(index)
    op = OPS.get(case["op"])(node_name="reference", **case["attrs"])
    inputs = [x.copy() for x in arrays["in"]]
    outputs, saved = op.forward(np, inputs, [], True)
    assert len(outputs) == case["outputs"]
    _, shapes, _ = op.infer_shape([x.shape for x in inputs])
    for number, (got, want, shape) in enumerate(zip(outputs, arrays["out"], shapes)):
        assert got.shape == want.shape == tuple(shape), f"output {number} shape"
        _assert_same(got, want, f"output {number}")
    for name, got, want in zip(op.list_arguments(), inputs, arrays["after"]):
        _assert_same(got, want, f"{name} after the call")
    if case["grads"]:
        grads = op.backward(np, saved, arrays["head"], [True] * len(inputs))
        for name, got, want in zip(op.list_arguments(), grads, arrays["grad"]):
            _assert_same(got, want, f"gradient of {name}")


@pytest.mark.parametrize("index", [i for i in ALL if MANIFEST[i]["input_names"]], ids=lambda index: IDS[index])
def test_symbol_names_and_inferred_dtypes_match_mxnet_1_9_1(index):
    """MXNet lists the inputs an update mutates as auxiliary states; here they are
    arguments, in the same node order (so MXNet's JSON of these nodes loads as is)."""
    case, arrays = _case(index)
    sym = getattr(mx.sym, case["op"])(**case["attrs"], name="node")
    assert sym.list_arguments() == case["input_names"]
    assert sym.list_outputs() == case["output_names"]
    # the weights' and gradients' dtypes given, the float32 states, master weights and rates
    # follow; where MXNet 1.9.1 leaves its inference incomplete, the dtypes its call took
    given = {n: x.dtype for n, x in zip(case["input_names"], arrays["in"])
             if not any(state in n for state in ("mom", "weight32", "lrs", "wds"))}
    arg_types, out_types, _ = sym.infer_type(**given)
    assert [np.dtype(t).name for t in arg_types] == (case["arg_types"] or [x.dtype.name for x in arrays["in"]])
    assert [np.dtype(t).name for t in out_types] == (case["out_types"] or [x.dtype.name for x in arrays["out"]])


def _first_inputs_of_each_weight(case):
    """The weight of each group of a (multi) update: where out= writes, as MXNet's optimizers call it."""
    count = int(case["attrs"].get("num_weights", 1))
    groups = case["inputs"] - (2 if case["op"].startswith("preloaded") else 0)
    return list(range(0, groups, groups // count))


@pytest.mark.parametrize("index", UPDATES, ids=lambda index: IDS[index])
def test_ndarray_call_with_out_the_weights_updates_in_place(index):
    case, arrays = _case(index)
    given = [mx.nd.array(x, dtype=x.dtype) for x in arrays["in"]]
    weights = _first_inputs_of_each_weight(case) if "lamb" not in case["op"] else []
    out = [given[i] for i in weights]
    result = getattr(mx.nd, case["op"])(*given, **case["attrs"], **({"out": out} if out else {}))
    results = result if isinstance(result, list) else [result]
    for number, (got, want) in enumerate(zip(results, arrays["out"])):
        _assert_same(got.asnumpy(), want, f"result {number}")
    after = arrays["after"]
    outs = dict(zip(weights, arrays["out"]))
    for position, array in enumerate(given):
        _assert_same(array.asnumpy(), outs.get(position, after[position]), f"input {position} after the call")


def test_a_bound_symbol_updates_its_states_and_master_weights():
    index = next(i for i in ALL if MANIFEST[i]["op"] == "multi_mp_sgd_mom_update")
    case, arrays = _case(index)
    sym = mx.sym.multi_mp_sgd_mom_update(**case["attrs"], name="node")
    args = {name: mx.nd.array(x, dtype=x.dtype)
            for name, x in zip(sym.list_arguments(), arrays["in"])}
    exe = sym.bind(mx.cpu(), args=args, grad_req="null")
    outputs = exe.forward(is_train=False)
    for got, want in zip(outputs, arrays["out"]):
        _assert_same(got.asnumpy(), want, "output")
    for name, want in zip(sym.list_arguments(), arrays["after"]):
        _assert_same(exe.arg_dict[name].asnumpy(), want, f"{name} after forward")


def test_amp_casts_flow_through_a_graph_with_their_gradients():
    x = mx.sym.Variable("x")
    net = mx.sym.sum(mx.sym.amp_cast(x, dtype="float16") * 2)
    arg_types, out_types, _ = net.infer_type(x="float32")
    assert [t.__name__ for t in arg_types + out_types] == ["float32", "float16"]
    exe = net.simple_bind(mx.cpu(), x=(2, 3), type_dict={"x": "float32"})
    exe.forward(is_train=True, x=mx.nd.array(np.arange(6).reshape(2, 3)))
    exe.backward(mx.nd.ones((1,), dtype="float16"))
    grad = exe.grad_dict["x"].asnumpy()
    assert grad.dtype == np.float32 and np.all(grad == 2)


def test_all_finite_with_init_output_false_keeps_a_zero_already_in_out():
    """MXNet's loss scaler checks gradients in chunks into one flag."""
    flag = mx.nd.array([1.0])
    mx.nd.multi_all_finite(mx.nd.array([1.0, np.nan]), mx.nd.ones((2,)), num_arrays=2, out=flag)
    assert flag.asnumpy().tolist() == [0.0]
    mx.nd.all_finite(mx.nd.ones((3,)), init_output=False, out=flag)
    assert flag.asnumpy().tolist() == [0.0]
    mx.nd.all_finite(mx.nd.ones((3,)), out=flag)
    assert flag.asnumpy().tolist() == [1.0]


@pytest.mark.parametrize("op,attrs,shapes,message", [
    ("multi_sgd_update", {"lrs": (0.1, 0.2), "wds": (0.0,), "num_weights": 2}, None,
     "wds has 1 entries; num_weights is 2"),
    ("multi_sgd_mom_update", {"lrs": (0.1,), "wds": (0.0,)}, [(2, 3), (3, 2), (2, 3)],
     "weight 0.s inputs: input grad has shape \\(3, 2\\)"),
    ("preloaded_multi_sgd_update", {"num_weights": 2}, [(2,), (2,), (3,), (3,), (3,), (2,)],
     "lrs has shape \\(3,\\): expected 2 values"),
    ("mp_sgd_update", {"lr": 0.1}, [(2, 3), (2, 3), (3, 2)], "weight32 has shape \\(3, 2\\)"),
    ("multi_lars", {"eta": 0.1, "eps": 0.0}, [(3,), (3,), (2,), (3,)], "grads_sum_sq has shape \\(2,\\)"),
])
def test_inconsistent_inputs_are_refused_naming_the_node(op, attrs, shapes, message):
    with pytest.raises((GraphError, ShapeError), match=f"'bad' \\({op}\\).*{message}"):
        OPS.get(op)(node_name="bad", **attrs).infer_shape(shapes)


@pytest.mark.parametrize("op,attrs", [("multi_sum_sq", {"num_arrays": 1}), ("all_finite", {}),
                                      ("multi_lars", {"eta": 0.1, "eps": 0.0}),
                                      ("multi_mp_sgd_update", {"lrs": (0.1,), "wds": (0.0,)})])
def test_the_optimizer_helpers_have_no_gradient(op, attrs):
    with pytest.raises(GraphError, match="'helper'.*no gradient"):
        OPS.get(op)(node_name="helper", **attrs).backward(np, None, [np.ones(1)], [True])


OPTIMIZERS = json.loads(str(FIXTURES["opt_manifest"]))


@pytest.mark.parametrize("index", range(len(OPTIMIZERS)), ids=[f"{n}{o}" for n, o in OPTIMIZERS])
def test_multi_precision_optimizer_matches_mxnet_1_9_1s_mp_kernels(index):
    """MXNet's SGD and NAG run mp_sgd_update / mp_sgd_mom_update / mp_nag_mom_update for a
    float16 weight with multi_precision=True: steps too small for float16 add up in the
    float32 master copy (issue 23 point 9)."""
    name, options = OPTIMIZERS[index]
    opt = mx.optimizer.create(name, multi_precision=True, **options)
    weight = mx.nd.array(FIXTURES["opt_weight"], dtype="float16")
    state = opt.create_state_multi_precision(0, weight)
    for grad in FIXTURES["opt_grads"]:
        opt.update_multi_precision(0, weight, mx.nd.array(grad, dtype="float16"), state)
    _assert_same(weight.asnumpy(), FIXTURES[f"opt{index}_weight"], "the float16 weight")
    _assert_same(state[0].asnumpy(), FIXTURES[f"opt{index}_master"], "the float32 master copy")
