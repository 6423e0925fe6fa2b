"""BilinearResize2D's forward against values worked out by hand from TensorFlow's rules."""
import numpy as np
import pytest

from core.errors import GraphError
from core.ops import OPS
from core.ops.resize import interpolation_matrix


def resize(x, **attrs):
    op = OPS.get("BilinearResize2D")(node_name="r", **attrs)
    return op.forward(np, [np.asarray(x, np.float64)], [], False)[0][0]


def test_half_pixel_centres_doubling_a_row():
    # TF: src = (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamped ends
    out = resize(np.array([[[[0.0, 4.0]]]]), height=1, width=4, align_corners=False, half_pixel_centers=True)
    assert out[0, 0, 0].tolist() == [0.0, 1.0, 3.0, 4.0]


def test_align_corners_keeps_the_corner_values():
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    out = resize(x, height=5, width=5, align_corners=True)
    assert out[0, 0, ::2, ::2].tolist() == x[0, 0].tolist()
    assert out[0, 0, 0, 1] == pytest.approx(0.5)


def test_legacy_rule_samples_from_the_top_left():
    # neither switch: src = i * 4 / 2 = 0, 2 -> plain subsampling
    out = resize(np.arange(4.0).reshape(1, 1, 1, 4), height=1, width=2, align_corners=False)
    assert out[0, 0, 0].tolist() == [0.0, 2.0]


def test_every_row_of_the_matrix_sums_to_one():
    for n_in, n_out in ((3, 7), (13, 26), (8, 3), (1, 4)):
        for rule in ({"align_corners": True}, {"half_pixel_centers": True}, {}):
            assert np.allclose(interpolation_matrix(n_in, n_out, **rule).sum(axis=1), 1.0)


def test_shapes_and_bad_attributes():
    op = OPS.get("BilinearResize2D")(node_name="r", height=26, width=30)
    assert op.infer_shape([(2, 8, 13, 15)])[1] == [(2, 8, 26, 30)]
    with pytest.raises(GraphError, match="cannot both be true"):
        OPS.get("BilinearResize2D")(node_name="r", height=2, width=2, half_pixel_centers=True)
    with pytest.raises(GraphError, match="at least 1"):
        OPS.get("BilinearResize2D")(node_name="r", height=0, width=2)
