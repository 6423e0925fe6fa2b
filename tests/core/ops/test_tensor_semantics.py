"""Forward values checked by hand: MXNet's Reshape table, Dropout's scaling, SliceChannel's
parts, rounding rules, ops without a gradient, and the messages of bad shapes."""
import numpy as np
import pytest

import core as mx
from core import random_state
from core.errors import GraphError, ShapeError
from core.ops import OPS


def run(op_name, inputs, is_train=False, **attrs):
    op = OPS.get(op_name)(node_name="node", **attrs)
    outputs, saved = op.forward(np, [np.asarray(x, dtype=np.float64) for x in inputs], [], is_train)
    return op, outputs, saved


# MXNet's documented examples (Reshape's docstring), plus reverse
RESHAPE_TABLE = [
    ((2, 3, 4), (4, 0, 2), False, (4, 3, 2)),
    ((2, 3, 4), (2, 0, 0), False, (2, 3, 4)),
    ((2, 3, 4), (6, 1, -1), False, (6, 1, 4)),
    ((2, 3, 4), (3, -1, 8), False, (3, 1, 8)),
    ((2, 3, 4), (-1,), False, (24,)),
    ((2, 3, 4), (-2,), False, (2, 3, 4)),
    ((2, 3, 4), (2, -2), False, (2, 3, 4)),
    ((2, 3, 4), (-2, 1, 1), False, (2, 3, 4, 1, 1)),
    ((2, 3, 4), (-3, 4), False, (6, 4)),
    ((2, 3, 4, 5), (-3, -3), False, (6, 20)),
    ((2, 3, 4), (0, -3), False, (2, 12)),
    ((2, 3, 4), (-3, -2), False, (6, 4)),
    ((2, 3, 4), (-4, 1, 2, -2), False, (1, 2, 3, 4)),
    ((2, 3, 4), (2, -4, -1, 3, -2), False, (2, 1, 3, 4)),
    ((10, 5, 4), (-1, 0), False, (40, 5)),
    ((10, 5, 4), (-1, 0), True, (50, 4)),
]


@pytest.mark.parametrize("data, shape, reverse, expected", RESHAPE_TABLE)
def test_reshape_codes_follow_mxnet_table(data, shape, reverse, expected):
    values = np.arange(np.prod(data), dtype=np.float64).reshape(data)
    op, outputs, _ = run("Reshape", [values], shape=shape, reverse=reverse)
    assert op.infer_shape([data])[1] == [expected]
    np.testing.assert_array_equal(outputs[0], values.reshape(expected))  # row-major order kept


@pytest.mark.parametrize("shape, message", [
    ((5, -1), "do not divide by 5"),
    ((-1, -1), "more than one -1"),
    ((0, 0, 0, 0), "has only 3 axes"),
    ((7, 2, 2), "cannot reshape data (2, 3, 4) (24 values) to (7, 2, 2)"),
    ((-4, 5, -1, -2), "does not split axis of size 2"),
])
def test_reshape_errors_name_the_problem(shape, message):
    with pytest.raises(ShapeError, match="node 'node' \\(Reshape\\)") as error:
        OPS.get("Reshape")(node_name="node", shape=shape).infer_shape([(2, 3, 4)])
    assert message in str(error.value)


def test_reshape_needs_a_shape():
    with pytest.raises(GraphError, match="shape="):
        OPS.get("Reshape")(node_name="node")


def test_dropout_scales_kept_values_and_is_identity_at_inference():
    x = np.ones((200, 50))
    random_state.seed(7)
    _, (out,), mask = run("Dropout", [x], is_train=True, p=0.2)
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1 / 0.8)          # inverted dropout
    assert 0.75 < kept.mean() < 0.85                        # about 1 - p kept
    _, (same,), _ = run("Dropout", [x], is_train=False, p=0.2)
    np.testing.assert_array_equal(same, x)                  # identity at inference
    _, (always,), _ = run("Dropout", [x], is_train=False, p=0.2, mode="always")
    assert (always == 0).any()                              # mode=always drops at inference too


def test_dropout_mask_is_shared_along_axes_and_reused_by_backward():
    random_state.seed(3)
    op, (out,), mask = run("Dropout", [np.ones((4, 3, 5))], is_train=True, p=0.5, axes=(1,))
    assert mask.shape == (4, 1, 5)
    np.testing.assert_array_equal(out, np.broadcast_to(out[:, :1, :], out.shape))
    grad = op.backward(np, mask, [np.full((4, 3, 5), 3.0)], [True])[0]
    np.testing.assert_array_equal(grad, 3.0 * out)


def test_dropout_is_repeatable_under_a_seed_and_handles_p_0_and_1():
    random_state.seed(11)
    first = run("Dropout", [np.ones((5, 5))], is_train=True)[1][0]
    random_state.seed(11)
    second = run("Dropout", [np.ones((5, 5))], is_train=True)[1][0]
    np.testing.assert_array_equal(first, second)
    assert (run("Dropout", [np.ones((3, 3))], is_train=True, p=0.0)[1][0] == 1).all()
    assert (run("Dropout", [np.ones((3, 3))], is_train=True, p=1.0)[1][0] == 0).all()


def test_dropout_in_an_executor_trains_and_infers():
    net = mx.sym.Dropout(mx.sym.Variable("x"), p=0.5, name="drop")
    assert net.list_outputs() == ["drop_output"]            # the mask stays hidden
    exe = net.simple_bind(mx.cpu(), x=(4, 6))
    exe.arg_dict["x"][:] = 1.0
    np.testing.assert_array_equal(exe.forward(is_train=False)[0].asnumpy(), 1.0)
    out = exe.forward(is_train=True)[0].asnumpy()
    exe.backward(mx.nd.ones((4, 6)))
    np.testing.assert_array_equal(exe.grad_dict["x"].asnumpy(), out)  # d(x·mask)/dx = mask
    loaded = mx.sym.load_json(net.tojson())
    assert loaded.list_outputs() == ["drop_output"]


def test_slice_channel_outputs_and_names():
    data = np.arange(24.0).reshape(2, 6, 2)
    op, outputs, _ = run("SliceChannel", [data], num_outputs=3)
    assert op.list_outputs() == ["output0", "output1", "output2"]
    for i, part in enumerate(outputs):
        np.testing.assert_array_equal(part, data[:, 2 * i:2 * i + 2])
    _, squeezed, _ = run("SliceChannel", [data[:, :3]], num_outputs=3, squeeze_axis=True)
    assert [p.shape for p in squeezed] == [(2, 2)] * 3
    np.testing.assert_array_equal(squeezed[1], data[:, 1])
    net = mx.sym.SliceChannel(mx.sym.Variable("x"), num_outputs=2, name="parts")
    assert net.list_outputs() == ["parts_output0", "parts_output1"]


def test_slice_channel_backward_through_one_used_part():
    parts = mx.sym.SliceChannel(mx.sym.Variable("x"), num_outputs=2, axis=0, name="parts")
    net = mx.sym.MakeLoss(parts[1] * 3.0)
    exe = net.simple_bind(mx.cpu(), x=(4, 2))
    exe.forward(is_train=True)
    exe.backward()
    np.testing.assert_array_equal(exe.grad_dict["x"].asnumpy(), [[0, 0], [0, 0], [3, 3], [3, 3]])


def test_round_and_rint_follow_mxnet():
    values = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -1.7, 1.2]
    np.testing.assert_array_equal(run("round", [values])[1][0], [-3, -2, -1, 1, 2, 3, -2, 1])
    np.testing.assert_array_equal(run("rint", [values])[1][0], [-3, -2, -1, 0, 1, 2, -2, 1])
    np.testing.assert_array_equal(run("fix", [values])[1][0], [-2, -1, -0, 0, 1, 2, -1, 1])


def test_ops_without_gradient():
    op, outputs, saved = run("BlockGrad", [[1.0, 2.0]])
    np.testing.assert_array_equal(outputs[0], [1, 2])
    np.testing.assert_array_equal(op.backward(np, saved, [np.ones(2)], [True])[0], [0, 0])
    _, (hot,), _ = run("one_hot", [[0, 2, -1, 5]], depth=3, on_value=2.0, off_value=-1.0)
    np.testing.assert_array_equal(hot, [[2, -1, -1], [-1, -1, 2], [-1, -1, -1], [-1, -1, -1]])
    assert hot.dtype == np.float32
    scores = [[1.0, 3.0, 3.0], [7.0, 0.0, 1.0]]
    np.testing.assert_array_equal(run("argmax", [scores], axis=1)[1][0], [1, 0])  # first on ties
    np.testing.assert_array_equal(run("argmax", [scores])[1][0], [3])           # flattened, (1,)
    np.testing.assert_array_equal(run("argmin", [scores], axis=0, keepdims=True)[1][0], [[0, 1, 1]])


def test_full_reductions_give_shape_1_as_mxnet():
    data = np.arange(6.0).reshape(2, 3)
    assert run("sum", [data])[1][0].tolist() == [15.0]
    assert run("mean", [data], axis=(0,), exclude=True)[1][0].tolist() == [1.0, 4.0]
    assert run("max", [data], axis=(0,), keepdims=True)[1][0].tolist() == [[3.0, 4.0, 5.0]]
    assert run("dot", [[1.0, 2.0], [3.0, 4.0]])[1][0].tolist() == [11.0]


def test_rrelu_uses_the_mean_slope_at_inference_and_shows_its_mask():
    op, (out, mask), _ = run("LeakyReLU", [[-2.0, 1.0]], act_type="rrelu")
    assert op.list_outputs() == ["output", "mask"]
    np.testing.assert_allclose(out, [-2.0 * (0.125 + 0.334) / 2, 1.0])
    random_state.seed(5)
    _, (train_out, slopes), _ = run("LeakyReLU", [-np.ones(100)], is_train=True, act_type="rrelu")
    assert ((slopes >= 0.125) & (slopes < 0.334)).all() and slopes.std() > 0
    np.testing.assert_allclose(train_out, -slopes)


def test_regression_gradient_is_scaled_per_sample_outputs_not_batch():
    data, label = np.array([[0.0, 2.0, 4.0], [1.0, 1.0, 1.0]]), np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    op, outputs, saved = run("LinearRegressionOutput", [data, label], grad_scale=3.0)
    grad = op.backward(np, saved, [None], [True, False])[0]
    np.testing.assert_allclose(grad, (data - label) * 3.0 / 3)   # num_output = 3 values per sample
    net = mx.sym.MakeLoss(mx.sym.Variable("x"), grad_scale=2.0, normalization="batch")
    exe = net.simple_bind(mx.cpu(), x=(4, 2))
    exe.forward(is_train=True)
    exe.backward()                                              # head gradient not needed
    np.testing.assert_allclose(exe.grad_dict["x"].asnumpy(), 0.5)


def test_scalar_arithmetic_in_a_graph():
    x = mx.sym.Variable("x")
    net = (1 - x) * 2 + 2 / x - x ** 2 + (x - 1) / 4
    values = np.array([[0.5, 2.0], [4.0, -1.0]], dtype=np.float32)
    exe = net.simple_bind(mx.cpu(), x=(2, 2))
    out = exe.forward(is_train=True, x=values)[0].asnumpy()
    np.testing.assert_allclose(out, (1 - values) * 2 + 2 / values - values ** 2 + (values - 1) / 4, rtol=1e-6)
    exe.backward(mx.nd.ones((2, 2)))
    np.testing.assert_allclose(exe.grad_dict["x"].asnumpy(), -2 - 2 / values ** 2 - 2 * values + 0.25, rtol=1e-6)


@pytest.mark.parametrize("op, attrs, shapes, message", [
    ("Concat", {"num_args": 2}, [(2, 3, 5, 5), (2, 4, 6, 6)],
     "input arg1 has shape (2, 4, 6, 6) but arg0 has (2, 3, 5, 5); all axes except dim=1 must match"),
    ("broadcast_add", {}, [(2, 3), (2,)], "axis -1 has 3 vs 2"),
    ("elemwise_add", {}, [(2, 3), (1, 3)], "input rhs has shape (1, 3), expected (2, 3)"),
    ("dot", {}, [(2, 3), (4, 5)], "lhs gives 3 columns"),
    ("batch_dot", {}, [(2, 3, 4), (3, 4, 5)], "batch axes differ"),
    ("Pad", {"mode": "constant", "pad_width": (0, 0, 0, 0)}, [(2, 3)], "needs 4-D or 5-D data"),
    ("Pad", {"mode": "reflect", "pad_width": (0, 0, 0, 0, 3, 0, 0, 0)}, [(1, 1, 3, 3)], "longer"),
    ("SliceChannel", {"num_outputs": 4}, [(2, 6)], "does not split into num_outputs=4"),
    ("slice_axis", {"axis": 1, "begin": 3, "end": 2}, [(2, 6)], "select nothing valid"),
    ("squeeze", {"axis": (1,)}, [(1, 3)], "its size is 3, not 1"),
    ("LeakyReLU", {"act_type": "prelu"}, [(2, 3), (4,)], "expected (3,)"),
    ("LinearRegressionOutput", {}, [(4, 3), (4, 2)], "label has shape (4, 2)"),
    ("transpose", {"axes": (0, 0, 1)}, [(2, 3, 4)], "not an order of the 3 axes"),
])
def test_bad_shapes_raise_shape_errors_naming_the_node(op, attrs, shapes, message):
    with pytest.raises(ShapeError) as error:
        OPS.get(op)(node_name="node", **attrs).infer_shape(list(shapes))
    assert str(error.value).startswith(f"node 'node' ({OPS.get(op).name}): ")
    assert message in str(error.value)


def test_concat_and_add_n_take_any_number_of_inputs_in_a_graph():
    a, b, c = (mx.sym.Variable(n) for n in "abc")
    net = mx.sym.Concat(a, b, c, dim=1, name="cat")
    assert net.list_arguments() == ["a", "b", "c"]
    _, out, _ = net.infer_shape(a=(2, 1), b=(2, 3), c=(2, 2))
    assert out == [(2, 6)]
    total = mx.sym.add_n(a, b, c, name="total")
    _, out, _ = total.infer_shape(a=(2, 3), b=(2, 3), c=(2, 3))
    assert out == [(2, 3)]
    assert mx.sym.load_json(net.tojson()).infer_shape(a=(2, 1), b=(2, 3), c=(2, 2))[1] == [(2, 6)]
