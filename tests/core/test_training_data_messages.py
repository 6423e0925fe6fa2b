"""Training on bad data says what is wrong with the data (generated here): labels outside
the network's classes, -1, NaN or fractions stop ``fit`` before the batch is learned from,
naming the example; NaN input is reported as the data's fault, not the learning rate's;
a CSV with NaN cells names the file and row. Any iterator: NDArrayIter, MNISTIter, CSVIter."""
import struct

import numpy as np
import pytest

import core as mx
from core.errors import DataError, TrainingDiverged


def classifier(classes=3, **softmax):
    net = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=classes, name="fc")
    return mx.sym.SoftmaxOutput(net, name="softmax", **softmax)


def fit(net, data_iter, lr=0.1):
    module = mx.mod.Module(net)
    module.fit(data_iter, num_epoch=1, optimizer_params={"learning_rate": lr})
    return module


def labels_with(bad_value, at=13, count=20):
    labels = (np.arange(count) % 3).astype(np.float32)
    labels[at] = bad_value
    return labels


@pytest.mark.parametrize("bad,words", [(7, ["label 7", "3 classes", "0 to 2"]),
                                       (-1, ["label -1", "use_ignore=True"]),
                                       (np.nan, ["NaN"]), (1.5, ["label 1.5"])])
def test_a_bad_label_stops_fit_naming_the_example(bad, words):
    data = np.random.RandomState(0).rand(20, 4).astype(np.float32)
    data_iter = mx.io.NDArrayIter(data, labels_with(bad), batch_size=5)
    with pytest.raises(DataError) as caught:
        fit(classifier(), data_iter)
    message = str(caught.value)
    assert "example 13" in message and "batch 2" in message and "labels" in message, message
    for word in words:
        assert word in message, message


def test_ignored_and_probability_labels_still_train():
    data = np.random.RandomState(0).rand(20, 4).astype(np.float32)
    fit(classifier(use_ignore=True, ignore_label=-1), mx.io.NDArrayIter(data, labels_with(-1), batch_size=5))
    soft = np.full((20, 3), 1 / 3, np.float32)
    fit(classifier(), mx.io.NDArrayIter(data, soft, batch_size=5))


def test_nan_input_is_the_data_not_the_learning_rate():
    data = np.random.RandomState(0).rand(20, 4).astype(np.float32)
    data[11, 2] = np.nan
    with pytest.raises(TrainingDiverged) as caught:
        fit(classifier(), mx.io.NDArrayIter(data, labels_with(0), batch_size=5))
    message = str(caught.value)
    assert "lower learning rate" not in message and (caught.value.epoch, caught.value.batch) == (0, 2)
    assert "input 'data' holds NaN" in message and "example 11" in message and "batch 2" in message
    assert "not the learning rate" in message
    # a network that diverges on clean data is still told to lower the learning rate
    big = (np.random.RandomState(1).rand(20, 4) * 1e30).astype(np.float32)
    with pytest.raises(TrainingDiverged, match="lower learning rate"):
        fit(classifier(), mx.io.NDArrayIter(big, labels_with(0), batch_size=5), lr=1e30)


def write_idx(path, array):
    array = np.asarray(array, np.uint8)
    path.write_bytes(bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
                     + array.tobytes())


def test_mnist_iter_labels_beyond_the_classes(tmp_path):
    write_idx(tmp_path / "images", np.zeros((20, 28, 28)))
    labels = np.arange(20) % 10
    labels[4] = 12
    write_idx(tmp_path / "labels", labels)
    data_iter = mx.io.MNISTIter(image=str(tmp_path / "images"), label=str(tmp_path / "labels"),
                                batch_size=10, shuffle=False, flat=True)
    with pytest.raises(DataError, match=r"example 4.*label 12 .*10 classes"):
        fit(classifier(10), data_iter)


def test_csv_iter_nan_cells_name_file_and_row(tmp_path):
    data, labels = tmp_path / "data.csv", tmp_path / "labels.csv"
    data.write_text("1,2\n3,4\nnan,6\n")
    labels.write_text("0\n1\n2\n")
    with pytest.raises(DataError, match=r"data.csv: row 3 .*NaN"):
        mx.io.CSVIter(data_csv=str(data), data_shape=(2,), label_csv=str(labels), batch_size=3)
    data.write_text("1,2\n3,4\n5,6\n")
    labels.write_text("0\ninf\n2\n")
    with pytest.raises(DataError, match=r"labels.csv: row 2 .*NaN or infinite"):
        mx.io.CSVIter(data_csv=str(data), data_shape=(2,), label_csv=str(labels), batch_size=3)
    data.write_bytes(b"1,2\n3,\xff\n")
    with pytest.raises(DataError, match="not UTF-8"):
        mx.io.CSVIter(data_csv=str(data), data_shape=(2,), batch_size=1)
    labels.write_text("0\n-1\n2\n")       # out of range: fit says so
    data.write_text("1,2\n3,4\n5,6\n")
    data_iter = mx.io.CSVIter(data_csv=str(data), data_shape=(2,), label_csv=str(labels), batch_size=3)
    with pytest.raises(DataError, match=r"example 1: its label -1"):
        fit(classifier(), data_iter)
