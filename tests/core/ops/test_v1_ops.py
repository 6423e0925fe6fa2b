"""BatchNorm_v1, Convolution_v1, Pooling_v1 and IdentityAttachKLSparseReg: every case of
v1_ops_mx191.npz (outputs, gradients and running averages MXNet 1.9.1 computed;
make_v1_fixtures.py) replayed on our operators, and their MXNet attribute sets.
Finite differences: cases_v1.py."""
import json

import numpy as np
import pytest

from core.errors import GraphError, ShapeError
from core.ops import OPS

from .test_mx191_fixtures import FIXTURE_DIR, case_id, replay

FIXTURES = np.load(FIXTURE_DIR / "v1_ops_mx191.npz", allow_pickle=False)
MANIFEST = json.loads(str(FIXTURES["manifest"]))


@pytest.mark.parametrize("index", range(len(MANIFEST)), ids=lambda i: case_id(MANIFEST, i))
def test_outputs_gradients_and_running_averages_match_mxnet_1_9_1(index):
    replay(FIXTURES, MANIFEST, index, grad_rtol=1e-5)


@pytest.mark.parametrize("name,attrs", [
    ("Convolution_v1", {"kernel", "stride", "dilate", "pad", "num_filter", "num_group", "workspace",
                        "no_bias", "cudnn_tune", "cudnn_off", "layout"}),
    ("Pooling_v1", {"kernel", "pool_type", "global_pool", "pooling_convention", "stride", "pad"}),
    ("BatchNorm_v1", {"eps", "momentum", "fix_gamma", "use_global_stats", "output_mean_var"}),
    ("IdentityAttachKLSparseReg", {"sparseness_target", "penalty", "momentum"}),
])
def test_attribute_sets_are_mxnets(name, attrs):
    assert set(OPS.get(name).params) == attrs


def test_modern_only_attributes_and_other_dimensions_are_refused():
    with pytest.raises(GraphError, match="unknown attribute 'count_include_pad'"):
        OPS.get("Pooling_v1")(node_name="p", kernel=(2, 2), count_include_pad=False)
    with pytest.raises(GraphError, match="unknown attribute 'axis'"):
        OPS.get("BatchNorm_v1")(node_name="b", axis=2)
    with pytest.raises(GraphError, match="2-D maps only"):
        OPS.get("Convolution_v1")(node_name="c", kernel=(3, 3, 3), num_filter=2)
    with pytest.raises(ShapeError, match=r"\(N, C\) or \(N, C, H, W\)"):
        OPS.get("BatchNorm_v1")(node_name="b").infer_shape([(2, 3, 4), None, None])
    with pytest.raises(ShapeError, match="batch, units"):
        OPS.get("IdentityAttachKLSparseReg")(node_name="k").infer_shape([(2, 3, 4)])


def test_kl_penalty_moving_average_accumulates_over_backwards():
    op = OPS.get("IdentityAttachKLSparseReg")(node_name="k", penalty=1.0, momentum=0.5)
    data = np.array([[0.2, 0.6], [0.4, 0.8]])
    moving = np.zeros(2)
    for expected in ([0.15, 0.35], [0.225, 0.525]):
        out, saved = op.forward(np, [data], [moving], True)
        np.testing.assert_array_equal(out[0], data)
        grad = op.backward(np, saved, [np.zeros_like(data)], [True])[0]
        np.testing.assert_allclose(moving, expected)
        np.testing.assert_allclose(grad[0], -0.1 / moving + 0.9 / (1 - moving))


def test_sym_and_nd_reach_them_and_the_aux_state_starts_at_zero():
    import core as mx
    sym = mx.sym.IdentityAttachKLSparseReg(mx.sym.var("x"), name="kl")
    assert sym.list_auxiliary_states() == ["kl_moving_avg"]
    assert sym.infer_shape(x=(4, 3))[2] == [(3,)]
    mod = mx.mod.Module(sym, data_names=["x"], label_names=None)
    mod.bind(data_shapes=[("x", (4, 3))])
    mod.init_params()
    assert (mod.get_params()[1]["kl_moving_avg"].asnumpy() == 0).all()
    out = mx.nd.Pooling_v1(mx.nd.array(-np.ones((1, 1, 2, 2))), kernel=(2, 2), pad=(1, 1))
    assert out.asnumpy().max() == 0.0   # the zero padding wins, as in MXNet
