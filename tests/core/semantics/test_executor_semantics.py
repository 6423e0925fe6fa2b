"""Issue 23 points 6 and 12: Executor.outputs right after binding, backward after an
inference forward, and Executor.reshape sharing memory, as in MXNet 1.9.1."""
import numpy as np
import pytest

import core as mx
from core.errors import ShapeError
from tests.core.semantics.mxnet_answers import facts


def _fc():
    x, w = mx.sym.Variable("x"), mx.sym.Variable("w")
    return mx.sym.FullyConnected(x, w, num_hidden=2, no_bias=True, name="fc")


def test_outputs_exist_zero_filled_right_after_bind():
    ex = _fc().simple_bind(mx.cpu(), x=(3, 4))
    assert [o.shape for o in ex.outputs] == [(3, 2)]
    assert not ex.outputs[0].asnumpy().any()
    bound = _fc().bind(mx.cpu(), {"x": mx.nd.ones((5, 4)), "w": mx.nd.ones((2, 4))})
    assert [o.shape for o in bound.outputs] == [(5, 2)]


def test_backward_after_an_inference_forward_gives_mxnets_gradients():
    ex = _fc().simple_bind(mx.cpu(), x=(3, 4))
    ex.arg_dict["x"][:] = np.arange(12).reshape(3, 4)
    ex.arg_dict["w"][:] = 1
    ex.forward()
    ex.backward(mx.nd.ones((3, 2)))
    # MXNet 1.9.1's answers for this case
    assert ex.grad_dict["w"].asnumpy().tolist() == [[12, 15, 18, 21]] * 2
    assert ex.grad_dict["x"].asnumpy().tolist() == [[2, 2, 2, 2]] * 3
    loss = mx.sym.SoftmaxOutput(_fc(), name="sm").simple_bind(mx.cpu(), x=(3, 4))
    loss.arg_dict["x"][:] = np.arange(12).reshape(3, 4)
    loss.arg_dict["w"][:] = 0.1
    loss.forward()
    loss.backward()
    np.testing.assert_allclose(loss.grad_dict["w"].asnumpy(),
                               [[-6, -7.5, -9, -10.5], [6, 7.5, 9, 10.5]], rtol=1e-5)
    dropout = (mx.sym.Dropout(mx.sym.Variable("x"), p=0.5) * 2).simple_bind(mx.cpu(), x=(2, 3))
    dropout.arg_dict["x"][:] = 1
    dropout.forward()
    dropout.backward(mx.nd.ones((2, 3)))
    assert dropout.grad_dict["x"].asnumpy().tolist() == [[2, 2, 2]] * 2


def test_reshape_shares_the_input_memory_of_the_original_executor():
    x = mx.sym.Variable("x")
    ex = (x * 2).simple_bind(mx.cpu(), x=(2, 2))
    small = ex.reshape(allow_up_sizing=False, x=(1, 2))
    ex.arg_dict["x"][:] = 2
    small.forward()
    assert small.outputs[0].asnumpy().tolist() == facts()["executor_reshape"]["small_out"]
    with pytest.raises(ShapeError, match="allow_up_sizing"):
        ex.reshape(x=(3, 2))
    assert ex.reshape(allow_up_sizing=True, x=(3, 2)).arg_dict["x"].shape == (3, 2)
