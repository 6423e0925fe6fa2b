"""The MXNet 1.9.1 operators of issue 23 point 16 answer bad attributes and shapes with
an error naming the node, and work through mx.nd and mx.sym like the older ones."""
import numpy as np
import pytest

import core as mx
from core.errors import GraphError, ShapeError
from core.ops import OPS


@pytest.mark.parametrize("name,attrs,shapes,error,words", [
    ("topk", {"k": 5}, [(2, 3)], ShapeError, "k=5 is more than the 3"),
    ("sort", {"axis": 2}, [(2, 3)], ShapeError, "axis 2 is out of range"),
    ("take", {"axis": 3}, [(2, 3), (2,)], ShapeError, "axis 3 is out of range"),
    ("Crop", {"h_w": (5, 5)}, [(1, 1, 4, 4)], ShapeError, "does not fit"),
    ("depth_to_space", {"block_size": 2}, [(1, 6, 2, 2)], ShapeError, "multiple of block_size"),
    ("GroupNorm", {"num_groups": 3}, [(1, 4, 2), None, None], ShapeError, "multiple of num_groups=3"),
    ("reshape_like", {}, [(2, 3), (4, 2)], ShapeError, "cannot reshape"),
    ("gather_nd", {}, [(2, 3), (3, 4)], ShapeError, "index 3 axes of 2-d data"),
    ("im2col", {"kernel": (5, 5)}, [(1, 1, 4, 4)], ShapeError, "does not fit"),
    ("ROIPooling", {"pooled_size": (2, 2), "spatial_scale": 1.0}, [(1, 1, 4, 4), (2, 4)], ShapeError, "(k, 5)"),
])
def test_bad_shapes_name_the_node(name, attrs, shapes, error, words):
    op = OPS.get(name)(node_name="bad", **attrs)
    with pytest.raises(error, match=f"'bad' \\({name}\\).*{__import__('re').escape(words)}"):
        op.infer_shape(shapes)


@pytest.mark.parametrize("name,attrs,words", [
    ("UpSampling", {"scale": 2, "sample_type": "bilinear"}, "not supported"),
    ("norm", {"ord": 3}, "ord must be 1 or 2"),
    ("_arange", {"start": 0, "stop": 3, "step": 0}, "step must not be 0"),
    ("topk", {"ret_typ": "mask", "axis": None}, "needs an axis"),
    ("diag", {"axis1": 1, "axis2": 1}, None),
    ("GridGenerator", {"transform_type": "affine"}, "target_shape"),
])
def test_bad_attributes_name_the_node(name, attrs, words):
    if words is None:   # checked when the rank is known
        with pytest.raises(GraphError, match="same axis"):
            OPS.get(name)(node_name="bad", **attrs).infer_shape([(2, 2)])
        return
    with pytest.raises(GraphError, match=f"'bad' \\({name}\\).*{words}"):
        OPS.get(name)(node_name="bad", **attrs)


def test_take_with_mode_raise_refuses_an_index_out_of_range():
    with pytest.raises(GraphError, match="outside \\[0, 3\\)"):
        mx.nd.take(mx.nd.array([1.0, 2.0, 3.0]), mx.nd.array([3.0]), mode="raise")


def test_new_operators_work_imperatively_and_in_symbols():
    x = mx.nd.array([[3.0, 1.0, 2.0], [0.5, 2.5, 1.5]])
    values, indices = mx.nd.topk(x, k=2, ret_typ="both")
    assert values.asnumpy().tolist() == [[3.0, 2.0], [2.5, 1.5]]
    assert indices.asnumpy().tolist() == [[0.0, 2.0], [1.0, 2.0]]
    assert mx.nd.broadcast_greater(x, mx.nd.array([[2.0]])).asnumpy().tolist() == [[1, 0, 0], [0, 1, 0]]
    data = mx.sym.var("data")
    net = mx.sym.L2Normalization(mx.sym.sort(mx.sym.gamma(data), axis=1), mode="instance")
    net = mx.sym.load_json(net.tojson())
    exe = net.simple_bind(mx.cpu(), data=(2, 3))
    out = exe.forward(data=mx.nd.array([[1.0, 2.0, 3.0], [4.0, 0.5, 1.5]]))[0].asnumpy()
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), [1.0, 1.0], rtol=1e-6)
    assert (np.diff(out, axis=1) >= 0).all()
