"""NDArray as MXNet's tutorials script it: creation, arithmetic, reductions, devices."""
import numpy as np
import pytest

import core as mx
from core.errors import DeviceError


def test_ones_times_two_plus_one():
    a = mx.nd.ones((2, 3))
    b = a * 2 + 1
    assert b.shape == (2, 3)
    assert b.dtype == np.float32
    np.testing.assert_array_equal(b.asnumpy(), np.full((2, 3), 3.0))


def test_arithmetic_between_arrays_and_scalars():
    a = mx.nd.array([[1, 2], [3, 4]])
    np.testing.assert_allclose((a + 1 / a).asnumpy(), [[2, 2.5], [3 + 1 / 3, 4.25]], rtol=1e-6)
    np.testing.assert_allclose((a - a * a / 2).asnumpy(), [[0.5, 0], [-1.5, -4]])
    np.testing.assert_allclose((2 ** a).asnumpy(), [[2, 4], [8, 16]])
    np.testing.assert_allclose((-a).asnumpy(), [[-1, -2], [-3, -4]])


def test_broadcasting_and_comparison():
    a = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    row = mx.nd.array([10, 20, 30])
    np.testing.assert_allclose((a + row).asnumpy(), [[11, 22, 33], [14, 25, 36]])
    np.testing.assert_allclose((a > 3).asnumpy(), [[0, 0, 0], [1, 1, 1]])
    np.testing.assert_allclose(mx.nd.broadcast_mul(a, mx.nd.array([[2], [3]])).asnumpy(),
                               [[2, 4, 6], [12, 15, 18]])


def test_reductions_with_axis():
    a = mx.nd.array([[1, 5, 3], [4, 2, 6]])
    assert a.sum().asscalar() == 21
    np.testing.assert_allclose(a.sum(axis=1).asnumpy(), [9, 12])
    np.testing.assert_allclose(mx.nd.mean(a, axis=0).asnumpy(), [2.5, 3.5, 4.5])
    np.testing.assert_allclose(a.max(axis=1).asnumpy(), [5, 6])
    np.testing.assert_allclose(mx.nd.argmax(a, axis=1).asnumpy(), [1, 2])


def test_indexing_slicing_reshape_transpose():
    a = mx.nd.arange(0, 12).reshape((3, 4))
    np.testing.assert_allclose(a[1].asnumpy(), [4, 5, 6, 7])
    np.testing.assert_allclose(a[1:3, 2].asnumpy(), [6, 10])
    a[0, :] = 100
    assert a.asnumpy()[0].tolist() == [100] * 4
    assert a.reshape((4, -1)).shape == (4, 3)
    assert a.reshape((0, 2, 2)).shape == (3, 2, 2)
    assert a.T.shape == (4, 3)
    assert mx.nd.transpose(a).shape == (4, 3)


def test_math_functions_and_dot():
    a = mx.nd.array([[1, 4], [9, 16]])
    np.testing.assert_allclose(mx.nd.sqrt(a).asnumpy(), [[1, 2], [3, 4]])
    np.testing.assert_allclose(mx.nd.log(mx.nd.exp(a)).asnumpy(), a.asnumpy(), rtol=1e-6)
    np.testing.assert_allclose(mx.nd.abs(-a).asnumpy(), a.asnumpy())
    np.testing.assert_allclose(mx.nd.dot(a, a).asnumpy(), a.asnumpy() @ a.asnumpy())


def test_random_is_repeatable_with_seed():
    mx.random.seed(42)
    first = mx.nd.random.normal(0, 1, shape=(3, 3)).asnumpy()
    mx.random.seed(42)
    second = mx.nd.random.normal(0, 1, shape=(3, 3)).asnumpy()
    np.testing.assert_array_equal(first, second)
    u = mx.nd.random.uniform(-1, 1, shape=(1000,)).asnumpy()
    assert u.min() >= -1 and u.max() < 1 and abs(u.mean()) < 0.1


def test_context_and_copies():
    a = mx.nd.ones((2, 2))
    assert a.context == mx.cpu()
    b = a.copyto(mx.cpu())
    b += 1
    assert a.asnumpy().sum() == 4 and b.asnumpy().sum() == 8
    assert a.as_in_context(mx.cpu()) is a
    with mx.Context("cpu", 0):
        assert mx.nd.zeros((1,)).context == mx.cpu(0)
    mx.nd.waitall()


def test_gpu_without_cuda_says_what_to_install():
    if mx.num_gpus() > 0:
        pytest.skip("a GPU is present")
    with pytest.raises(DeviceError, match="CuPy"):
        mx.gpu(0)


def test_mixing_devices_names_both():
    a = mx.nd.ones((2,))
    other = mx.nd.ones((2,))
    other._ctx = mx.Context("cpu", 1)   # a second device without needing a GPU
    with pytest.raises(DeviceError, match=r"cpu\(0\).*cpu\(1\)"):
        a + other


def test_repr_is_readable():
    text = repr(mx.nd.ones((2, 3)))
    assert "<NDArray 2x3 @cpu(0)>" in text and "1." in text


def test_asscalar_and_asnumpy_copy():
    a = mx.nd.array([7])
    assert a.asscalar() == 7
    host = a.asnumpy()
    host[0] = 0
    assert a.asscalar() == 7


def test_imperative_operator_call():
    x = mx.nd.array([[1, 2, 3]])
    out = mx.nd.FullyConnected(x, mx.nd.ones((2, 3)), mx.nd.array([1, 2]), num_hidden=2)
    np.testing.assert_allclose(out.asnumpy(), [[7, 8]])
    np.testing.assert_allclose(mx.nd.Activation(mx.nd.array([-1, 2]), act_type="relu").asnumpy(), [0, 2])
