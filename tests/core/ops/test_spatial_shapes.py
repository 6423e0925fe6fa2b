"""Shapes, errors, dtypes and graph-level behaviour of the spatial operators.
Expected shapes are MXNet 1.9.1's ``infer_shape`` answers for the same symbols."""
import numpy as np
import pytest

import core as mx
from core.errors import GraphError, ShapeError
from core.ops import OPS


def shapes(op_name, data, **attrs):
    op = OPS.get(op_name)(node_name="n1", **attrs)
    in_shapes = [data] + [None] * (len(op.list_arguments()) - 1)
    return op.infer_shape(in_shapes)


@pytest.mark.parametrize("attrs,data,expected", [
    (dict(kernel=(3, 3), stride=(2, 2), pooling_convention="full"), (1, 1, 6, 6), (1, 1, 3, 3)),
    (dict(kernel=(3, 3), stride=(2, 2), pooling_convention="full"), (1, 1, 5, 5), (1, 1, 2, 2)),
    (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pooling_convention="full"), (1, 1, 6, 6),
     (1, 1, 4, 4)),
    (dict(kernel=(2, 2)), (1, 1, 6, 6), (1, 1, 5, 5)),
    (dict(kernel=(2, 2), global_pool=True, pooling_convention="full"), (1, 1, 6, 7), (1, 1, 1, 1)),
    (dict(kernel=(3,), stride=(2,)), (1, 1, 7), (1, 1, 3)),
    (dict(kernel=(5, 5), pad=(1, 1)), (1, 2, 3, 3), (1, 2, 1, 1)),
])
def test_pooling_output_shapes_are_mxnets(attrs, data, expected):
    assert shapes("Pooling", data, **attrs)[1] == [expected]


def test_convolution_and_deconvolution_shapes_are_mxnets():
    assert shapes("Convolution", (1, 2, 7), kernel=(3,), num_filter=4)[:2] == \
        ([(1, 2, 7), (4, 2, 3), (4,)], [(1, 4, 5)])
    assert shapes("Deconvolution", (1, 2, 5, 5), kernel=(3, 3), num_filter=4)[:2] == \
        ([(1, 2, 5, 5), (2, 4, 3, 3)], [(1, 4, 7, 7)])
    grouped = dict(kernel=(3, 3), num_filter=4, stride=(2, 2), pad=(1, 1), adj=(1, 1), num_group=2)
    assert shapes("Deconvolution", (1, 2, 5, 5), **grouped)[:2] == \
        ([(1, 2, 5, 5), (2, 2, 3, 3)], [(1, 4, 10, 10)])
    for target in ((9, 9), (10, 10), (11, 11)):
        out = shapes("Deconvolution", (1, 2, 5, 5), kernel=(3, 3), num_filter=4, stride=(2, 2),
                     target_shape=target)[1]
        assert out == [(1, 4, *target)]
    bn = shapes("BatchNorm", (2, 3, 4, 5), axis=-1)
    assert bn == ([(2, 3, 4, 5), (5,), (5,)], [(2, 3, 4, 5)], [(5,), (5,)])
    assert shapes("LayerNorm", (2, 3, 4, 5), output_mean_var=True)[1] == \
        [(2, 3, 4, 5), (2, 3, 4, 1), (2, 3, 4, 1)]


@pytest.mark.parametrize("op_name,data,attrs,words", [
    ("Convolution", (1, 2, 3, 3), dict(kernel=(5, 5), num_filter=4),
     ["'n1'", "kernel (5, 5)", "larger than the padded input 3×3"]),
    ("Convolution", (1, 2, 5, 5), dict(kernel=(3, 3), num_filter=6, num_group=3),
     ["'n1'", "2 channels", "num_group=3"]),
    ("Convolution", (1, 2, 5), dict(kernel=(3, 3), num_filter=4),
     ["'n1'", "expected 4 axes", "NCHW"]),
    ("Pooling", (1, 2, 3, 3), dict(kernel=(5, 5)), ["'n1'", "larger than the padded input 3×3"]),
    ("Deconvolution", (1, 2, 5, 5), dict(kernel=(3, 3), num_filter=4, stride=(2, 2),
                                         target_shape=(12, 12)), ["'n1'", "too big", "11"]),
    ("BatchNorm", (2, 3), dict(axis=2), ["'n1'", "axis=2"]),
])
def test_shape_errors_name_the_node_and_what_was_expected(op_name, data, attrs, words):
    with pytest.raises(ShapeError) as caught:
        shapes(op_name, data, **attrs)
    for word in words:
        assert word in str(caught.value)


def test_given_weight_of_the_wrong_shape_is_reported():
    op = OPS.get("Convolution")(node_name="conv1", kernel=(3, 3), num_filter=4)
    with pytest.raises(ShapeError, match=r"weight has shape \(4, 3, 3, 3\), expected \(4, 2, 3, 3\)"):
        op.infer_shape([(1, 2, 5, 5), (4, 3, 3, 3), None])


@pytest.mark.parametrize("op_name,attrs,words", [
    ("Convolution", dict(kernel=(3, 3), num_filter=4, layout="NHWC"), ["layout=NHWC", "NCHW"]),
    ("Convolution", dict(kernel=(3, 3), num_filter=5, num_group=2), ["num_filter=5"]),
    ("Convolution", dict(kernel=(3, 3), num_filter=4, stride=(1, 1, 1)), ["stride=(1, 1, 1)"]),
    ("Pooling", dict(pool_type="max"), ["kernel is required"]),
    ("Pooling", dict(kernel=(2, 2), pool_type="lp"), ["p_value"]),
    ("Pooling", dict(kernel=(2, 2), pooling_convention="same"), ["1-D"]),
    ("LRN", dict(nsize=4), ["odd"]),
])
def test_bad_attributes_are_graph_errors(op_name, attrs, words):
    with pytest.raises(GraphError) as caught:
        OPS.get(op_name)(node_name="n1", **attrs)
    for word in words + ["'n1'"]:
        assert word in str(caught.value)


def test_mxnet_string_attributes_parse():
    op = OPS.get("Pooling")(node_name="p", kernel="(3, 3)", stride="(2, 2)", pool_type="avg",
                            count_include_pad="None", global_pool="False", layout="NCHW")
    assert op.count_include_pad is True and op.stride == (2, 2)
    conv = OPS.get("Convolution")(node_name="c", kernel="(3, 3)", num_filter="8", no_bias="True",
                                  cudnn_tune="limited_workspace", workspace="256", layout="None")
    assert conv.list_arguments() == ["data", "weight"] and conv.dilate == (1, 1)
    assert OPS.get("Deconvolution")(node_name="d", kernel="(2, 2)", num_filter="2").no_bias


CASES_32 = [
    ("Convolution", [(2, 3, 6, 6), (4, 3, 3, 3), (4,)], dict(kernel=(3, 3), num_filter=4, pad=(1, 1))),
    ("Deconvolution", [(2, 3, 4, 4), (3, 2, 3, 3)], dict(kernel=(3, 3), num_filter=2, stride=(2, 2))),
    ("Pooling", [(2, 3, 6, 6)], dict(kernel=(3, 3), stride=(2, 2), pool_type="avg")),
    ("Pooling", [(2, 3, 6, 6)], dict(kernel=(2, 2), stride=(2, 2))),
    ("BatchNorm", [(4, 3, 2, 2), (3,), (3,)], dict(fix_gamma=False)),
    ("LRN", [(2, 5, 2, 2)], dict(nsize=3)),
    ("InstanceNorm", [(2, 3, 2, 2), (3,), (3,)], {}),
    ("LayerNorm", [(2, 3, 4), (4,), (4,)], {}),
]


@pytest.mark.parametrize("op_name,in_shapes,attrs", CASES_32, ids=[c[0] for c in CASES_32])
def test_float32_stays_float32_forward_and_backward(op_name, in_shapes, attrs):
    rng = np.random.default_rng(0)
    op = OPS.get(op_name)(node_name="n", **attrs)
    inputs = [rng.standard_normal(s).astype(np.float32) for s in in_shapes]
    aux = [np.zeros(3, np.float32), np.ones(3, np.float32)] if op_name == "BatchNorm" else []
    outputs, saved = op.forward(np, inputs, aux, True)
    assert all(o.dtype == np.float32 for o in outputs)
    grads = op.backward(np, saved, [np.ones_like(o) for o in outputs], [True] * len(inputs))
    assert [g.dtype for g in grads] == [np.float32] * len(inputs)


def test_batchnorm_running_stats_update_in_backward_like_mxnet():
    data = mx.sym.Variable("data")
    net = mx.sym.BatchNorm(data, fix_gamma=False, momentum=0.75, name="bn")
    exe = net.simple_bind(mx.cpu(), data=(8, 2, 3, 3))
    exe.aux_dict["bn_moving_var"][:] = 1.0
    x = np.random.default_rng(1).standard_normal((8, 2, 3, 3)).astype(np.float32) * 2 + 1
    exe.forward(is_train=True, data=x)
    assert np.all(exe.aux_dict["bn_moving_mean"].asnumpy() == 0), "forward alone must not update"
    exe.backward([mx.nd.ones((8, 2, 3, 3))])
    np.testing.assert_allclose(exe.aux_dict["bn_moving_mean"].asnumpy(),
                               0.25 * x.mean(axis=(0, 2, 3)), rtol=1e-5)
    np.testing.assert_allclose(exe.aux_dict["bn_moving_var"].asnumpy(),
                               0.75 + 0.25 * x.var(axis=(0, 2, 3)), rtol=1e-5)
    before = exe.aux_dict["bn_moving_mean"].asnumpy()
    out = exe.forward(is_train=False, data=x)[0].asnumpy()
    assert np.all(exe.aux_dict["bn_moving_mean"].asnumpy() == before)
    assert out.shape == (8, 2, 3, 3)


def test_batchnorm_json_keeps_mxnets_hidden_outputs():
    data = mx.sym.Variable("data")
    net = mx.sym.Pooling(mx.sym.BatchNorm(data, name="bn"), kernel=(2, 2), name="pool")
    again = mx.sym.load_json(net.tojson())
    assert again.list_outputs() == ["pool_output"]
    assert again.infer_shape(data=(1, 3, 4, 4))[1] == [(1, 3, 3, 3)]
