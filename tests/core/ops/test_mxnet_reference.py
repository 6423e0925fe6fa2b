"""Every case in tests/fixtures/ops/mxnet_reference.json - forward outputs and input
gradients computed by Apache MXNet 1.9.1 (make_reference.py there) - replayed on our ops."""
import json
from pathlib import Path

import numpy as np
import pytest

from core.ops import OPS

REFERENCE = Path(__file__).parents[2] / "fixtures" / "ops" / "mxnet_reference.json"
CASES = json.loads(REFERENCE.read_text())["cases"]
#: ops whose forward draws random numbers: MXNet ran them at inference
RANDOM = {"Dropout"}


def _case_id(case):
    attrs = ",".join(f"{k}={v}" for k, v in case["attrs"].items())
    return f"{case['op']}[{attrs}]"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_matches_mxnet(case):
    attrs = dict(case["attrs"])
    if "num_args" in OPS.get(case["op"]).params:
        attrs.setdefault("num_args", len(case["inputs"]))  # as mx.sym.Concat(a, b) fills it in
    op = OPS.get(case["op"])(node_name="reference", **attrs)
    dtype = np.dtype(case["dtype"])
    # erf (gelu) is a 1e-7 approximation here; float32 cases carry float32 rounding
    rtol, atol = (1e-5, 1e-7) if dtype == np.float64 else (1e-5, 1e-6)
    inputs = [np.asarray(x, dtype=dtype) for x in case["inputs"]]
    outputs, saved = op.forward(np, inputs, [], case["op"] not in RANDOM)
    assert len(outputs) == len(case["outputs"])
    for index, (got, want) in enumerate(zip(outputs, case["outputs"])):
        np.testing.assert_allclose(got, np.asarray(want).reshape(got.shape), rtol=rtol, atol=atol,
                                   err_msg=f"output {index}")
        assert got.shape == np.asarray(want).shape, f"output {index} shape"
    out_grads = [np.asarray(g, dtype=o.dtype) for g, o in zip(case["out_grads"], outputs)] \
        if case["out_grads"] else [None] * len(outputs)
    grads = op.backward(np, saved, out_grads, [True] * len(inputs))
    for name, got, want in zip(op.list_arguments(), grads, case["in_grads"]):
        want = np.asarray(want)
        got = np.zeros_like(want) if got is None else got  # MXNet writes zeros for labels
        assert got.shape == want.shape, f"gradient of {name}: shape {got.shape} vs MXNet {want.shape}"
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=f"gradient of {name}")


def test_network_saved_by_mxnet_loads_and_matches_forward_and_backward():
    """mxnet_graph.json: prelu, Reshape codes, Dropout, softmax, split, concat, scalar ops,
    reflect pad, clip, sum, max, broadcast_div, slice, elu, log_softmax, regression output."""
    import core as mx

    doc = json.loads((REFERENCE.parent / "mxnet_graph.json").read_text())
    net = mx.sym.load_json(doc["symbol"])
    for symbol in (net, mx.sym.load_json(net.tojson())):          # as loaded, then our own JSON
        args = {name: mx.nd.array(np.asarray(doc["args"][name]), dtype="float64")
                for name in symbol.list_arguments()}
        grads = {name: mx.nd.zeros(args[name].shape, dtype="float64") for name in doc["grads"]}
        exe = symbol.bind(mx.cpu(), args=args, args_grad=grads)
        out = exe.forward(is_train=True)[0].asnumpy()
        np.testing.assert_allclose(out, doc["output"], rtol=1e-6, atol=1e-9)
        exe.backward()
        for name, want in doc["grads"].items():
            np.testing.assert_allclose(exe.grad_dict[name].asnumpy(), want, rtol=1e-6, atol=1e-9,
                                       err_msg=f"gradient of {name}")
