"""Data iterators: NDArrayIter's epoch semantics (checked against MXNet 1.9.1's output),
IDX files, CSV and image folders."""
import numpy as np
import pytest

import core as mx
from core.errors import DataError


def _epoch(it):
    return [(b.data[0].asnumpy().ravel().tolist(), b.label[0].asnumpy().tolist(), b.pad) for b in it]


def _ten(**kw):
    return mx.io.NDArrayIter(np.arange(10).reshape(10, 1), np.arange(10), batch_size=4, **kw)


def test_pad_fills_the_last_batch_from_the_start_and_counts_it():
    batches = _epoch(_ten(last_batch_handle="pad"))
    assert [b[0] for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 0, 1]]
    assert [b[2] for b in batches] == [0, 0, 2]


def test_pad_larger_than_the_data_repeats_it():
    it = mx.io.NDArrayIter(np.arange(3).reshape(3, 1), np.arange(3), batch_size=8)
    (data, _, pad), = _epoch(it)
    assert data == [0, 1, 2, 0, 1, 2, 0, 1] and pad == 5


def test_discard_drops_the_short_batch():
    assert [b[0] for b in _epoch(_ten(last_batch_handle="discard"))] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_roll_over_carries_leftovers_into_the_next_epoch():
    it = _ten(last_batch_handle="roll_over")
    epochs = []
    for _ in range(3):
        epochs.append(_epoch(it))
        it.reset()
    assert [b[0] for b in epochs[0]] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    # MXNet 1.9.1 gives exactly these batches and pads
    assert [(b[0], b[2]) for b in epochs[1]] == [([8, 9, 0, 1], 2), ([2, 3, 4, 5], 0), ([6, 7, 8, 9], 0)]
    assert [b[0] for b in epochs[2]] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_reset_starts_a_new_epoch():
    it = _ten()
    first = _epoch(it)
    assert _epoch(it) == []
    it.reset()
    assert _epoch(it) == first


def test_shuffle_keeps_data_and_label_paired_and_covers_everything():
    mx.random.seed(3)
    data = np.arange(20, dtype=np.float32).reshape(10, 2)
    it = mx.io.NDArrayIter(data, np.arange(10) * 10, batch_size=5, shuffle=True)
    seen = []
    for batch in it:
        x, y = batch.data[0].asnumpy(), batch.label[0].asnumpy()
        np.testing.assert_array_equal(x[:, 0] / 2 * 10, y)
        np.testing.assert_array_equal(data[batch.index], x)
        seen += y.tolist()
    assert sorted(seen) == list(range(0, 100, 10)) and seen != sorted(seen)


def test_provide_data_and_names_follow_mxnet():
    it = mx.io.NDArrayIter({"b": np.zeros((10, 2)), "a": np.zeros((10, 3, 4))},
                           [np.zeros(10), np.ones(10)], batch_size=4)
    assert [(d.name, d.shape) for d in it.provide_data] == [("a", (4, 3, 4)), ("b", (4, 2))]
    assert [d.name for d in it.provide_label] == ["_0_softmax_label", "_1_softmax_label"]
    assert it.provide_data[0].dtype == np.float32 and it.provide_data[0].layout == "NCHW"
    name, shape = it.provide_data[1]
    assert (name, shape) == ("b", (4, 2))
    single = mx.io.NDArrayIter(mx.nd.ones((6, 5)), batch_size=3, data_name="x")
    assert single.provide_data == [("x", (3, 5))] and single.provide_label == []
    assert next(single).label == []


def test_mismatched_lengths_name_both():
    with pytest.raises(DataError, match=r"10 examples.*'softmax_label' has 9"):
        mx.io.NDArrayIter(np.zeros((10, 2)), np.zeros(9), batch_size=4)


def test_resize_iter_makes_epochs_of_a_fixed_length():
    inner = mx.io.NDArrayIter(mx.nd.ones((100, 10)), batch_size=25)
    resized = mx.io.ResizeIter(inner, 7)
    assert len(list(resized)) == 7
    resized.reset()
    assert len(list(resized)) == 7
