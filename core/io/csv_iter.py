"""CSVIter: numeric CSV files in batches, with MXNet 1.x's epoch semantics.

>>> import numpy as np, tempfile, os, core as mx
>>> path = os.path.join(tempfile.mkdtemp(), "data.csv")
>>> np.savetxt(path, np.arange(20).reshape(10, 2), delimiter=",")
>>> it = mx.io.CSVIter(data_csv=path, data_shape=(2,), batch_size=4)
>>> [(b.data[0].asnumpy()[:, 0].tolist(), b.pad) for b in it][-1]
([16.0, 18.0, 0.0, 2.0], 2)
"""
from __future__ import annotations

import numpy as np

from ..context import cpu
from ..errors import DataError
from ..ndarray.ndarray import NDArray
from .base import DataBatch, DataDesc, DataIter
from .csv_table import read_csv_table


def read_csv(path, row_shape, dtype=np.float32, skip_header=None):
    """Rows of a CSV file of numbers as an array ``(rows,) + row_shape``.

    ``skip_header=None`` skips a first line that is not numeric (column names)."""
    read = read_csv_table(path, skip_header=skip_header)
    read.require_finite(path, "a value", "fill in or remove the missing values")
    table = read.numbers
    width = int(np.prod(row_shape))
    if table.shape[1] != width:
        raise DataError(f"CSV file {path}: rows have {table.shape[1]} columns but the shape "
                        f"{tuple(row_shape)} needs {width}")
    return table.astype(dtype).reshape((table.shape[0],) + tuple(row_shape))


class CSVIter(DataIter):
    """Batches of rows from ``data_csv`` (each reshaped to ``data_shape``) and labels
    from ``label_csv`` (zeros without one).

    ``round_batch=True`` fills the last batch from the start of the file, reports how
    many with ``pad``, and starts the next epoch after those rows (as MXNet does).
    With ``round_batch=False`` the last batch is padded with whatever the previous batch
    held; ``pad`` says how many rows to ignore.
    """

    def __init__(self, data_csv, data_shape, label_csv=None, label_shape=(1,), batch_size=1,
                 round_batch=True, dtype="float32", data_name="data", label_name="softmax_label",
                 skip_header=None, **_):
        super().__init__(int(batch_size))
        if self.batch_size < 1:
            raise ValueError(f"CSVIter: batch_size must be at least 1, got {batch_size}")
        self.data = read_csv(data_csv, data_shape, np.dtype(dtype), skip_header)
        label_shape = tuple(label_shape)
        if label_csv is None:
            self.label = np.zeros((len(self.data),) + label_shape, dtype=np.dtype(dtype))
        else:
            self.label = read_csv(label_csv, label_shape, np.dtype(dtype), skip_header)
            if len(self.label) != len(self.data):
                raise DataError(f"CSVIter: {data_csv} has {len(self.data)} rows but {label_csv} has "
                                f"{len(self.label)}; data and label files must have one row per example")
        if label_shape == (1,):   # MXNet gives (batch,) labels, not (batch, 1)
            self.label = self.label.reshape(len(self.label))
        self.round_batch = round_batch
        self.provide_data = [DataDesc(data_name, (self.batch_size,) + self.data.shape[1:], self.data.dtype.type)]
        self.provide_label = [DataDesc(label_name, (self.batch_size,) + self.label.shape[1:], self.label.dtype.type)]
        self._buffers = (np.zeros(self.provide_data[0].shape, self.data.dtype),
                         np.zeros(self.provide_label[0].shape, self.label.dtype))
        self._cursor = 0
        self._next_start = 0   # rows already served by the last epoch's wrapped batch

    @property
    def num_examples(self):
        return len(self.data)

    def reset(self):
        self._cursor, self._next_start = self._next_start, 0

    def next(self):
        count = len(self.data)
        if self._cursor >= count:
            raise StopIteration
        rows = np.arange(self._cursor, min(self._cursor + self.batch_size, count))
        self._cursor += self.batch_size
        pad = self.batch_size - len(rows)
        data_buffer, label_buffer = self._buffers
        if pad and self.round_batch:
            wrapped = np.resize(np.arange(count), pad)
            rows = np.concatenate([rows, wrapped])
            self._next_start = pad % count
        if len(rows) == self.batch_size:
            data, label = self.data[rows], self.label[rows]
        else:
            # NOTE: MXNet overwrites only the first rows of its batch buffer; the rest keep
            # the previous batch, which ``pad`` tells the consumer to ignore.
            data_buffer[:len(rows)], label_buffer[:len(rows)] = self.data[rows], self.label[rows]
            data, label = data_buffer.copy(), label_buffer.copy()
        data_buffer[...], label_buffer[...] = data, label
        return DataBatch([NDArray(data, cpu())], [NDArray(label, cpu())], pad=pad, index=rows,
                         provide_data=self.provide_data, provide_label=self.provide_label)
