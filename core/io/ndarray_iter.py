"""NDArrayIter: batches from arrays in memory, with MXNet 1.x's exact epoch semantics.

>>> import numpy as np, core as mx
>>> it = mx.io.NDArrayIter(np.arange(10).reshape(10, 1), np.arange(10), batch_size=4)
>>> [(b.data[0].asnumpy().ravel().tolist(), b.pad) for b in it][-1]
([8.0, 9.0, 0.0, 1.0], 2)
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np

from ..context import cpu
from ..errors import DataError
from ..ndarray.ndarray import NDArray
from .base import DataBatch, DataDesc, DataIter

LAST_BATCH_MODES = ("pad", "discard", "roll_over")


def _as_host(value, name):
    """A NumPy array for one source: NDArrays keep their dtype, anything else becomes
    float32 (as ``mx.nd.array`` does in MXNet 1.x)."""
    if isinstance(value, NDArray):
        return value.asnumpy()
    try:
        return np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise TypeError(f"NDArrayIter: invalid type {type(value).__name__} for {name!r}; "
                        "give an NDArray, a numpy array, a list of them or a dict of them") from error


def init_sources(data, allow_empty, default_name):
    """Sorted ``[(name, host array)]`` from an array, a list of arrays or a dict (MXNet's
    naming: one array is ``default_name``, several are ``_0_<default_name>``, ...)."""
    if data is None:
        if not allow_empty:
            raise DataError("NDArrayIter: no data given")
        data = []
    if isinstance(data, (np.ndarray, NDArray)):
        data = [data]
    if isinstance(data, (list, tuple)):
        if not data and not allow_empty:
            raise DataError("NDArrayIter: the data list is empty")
        if len(data) == 1:
            data = OrderedDict([(default_name, data[0])])
        else:
            data = OrderedDict((f"_{i}_{default_name}", d) for i, d in enumerate(data))
    if not isinstance(data, dict):
        raise TypeError("NDArrayIter: input must be an NDArray, a numpy array, a list of them "
                        f"or a dict of them, got {type(data).__name__}")
    return sorted((name, _as_host(value, name)) for name, value in data.items())


class NDArrayIter(DataIter):
    """Iterate over arrays (or dicts/lists of arrays) in batches.

    ``last_batch_handle``: 'pad' fills the last batch from the start of the data and
    reports how many with ``batch.pad``; 'discard' drops it; 'roll_over' carries the
    leftover examples into the first batch of the next epoch.
    """

    def __init__(self, data, label=None, batch_size=1, shuffle=False, last_batch_handle="pad",
                 data_name="data", label_name="softmax_label", layout="NCHW"):
        super().__init__(batch_size)
        if last_batch_handle not in LAST_BATCH_MODES:
            raise ValueError(f"NDArrayIter: last_batch_handle must be one of {LAST_BATCH_MODES}, "
                             f"got {last_batch_handle!r}")
        if int(batch_size) < 1:
            raise ValueError(f"NDArrayIter: batch_size must be at least 1, got {batch_size}")
        self.layout = layout
        self._axis = max(layout.find("N"), 0) if layout else 0
        self.data = init_sources(data, allow_empty=False, default_name=data_name)
        self.label = init_sources(label, allow_empty=True, default_name=label_name)
        self._check_lengths()
        self.num_data = self.data[0][1].shape[self._axis]
        self.idx = np.arange(self.num_data)
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.batch_size = int(batch_size)
        self.cursor = -self.batch_size
        self._cache_index = None   # roll_over: the leftover examples of the last epoch
        self._index = None         # positions of the current batch, made once per step
        self.reset()
        self.data_list = [a for _, a in self.data] + [a for _, a in self.label]
        self.num_source = len(self.data_list)

    def _check_lengths(self):
        sources = self.data + self.label
        first_name, first = sources[0]
        for name, array in sources[1:]:
            if array.ndim <= self._axis or array.shape[self._axis] != first.shape[self._axis]:
                count = array.shape[self._axis] if array.ndim > self._axis else 0
                raise DataError(
                    f"NDArrayIter: {first_name!r} has {first.shape[self._axis]} examples but "
                    f"{name!r} has {count}; data and label must have the same number of examples")

    # ----- descriptions ------------------------------------------------------------
    def _describe(self, sources):
        return [DataDesc(name, a.shape[:self._axis] + (self.batch_size,) + a.shape[self._axis + 1:],
                         a.dtype.type, layout=self.layout) for name, a in sources]

    @property
    def provide_data(self):
        return self._describe(self.data)

    @property
    def provide_label(self):
        return self._describe(self.label)

    # ----- epochs -------------------------------------------------------------------
    def hard_reset(self):
        """Start over and forget rolled-over examples."""
        if self.shuffle:
            np.random.shuffle(self.idx)
        self.cursor = -self.batch_size
        self._cache_index = None
        self._index = None

    def reset(self):
        if self.shuffle:
            np.random.shuffle(self.idx)
        if (self.last_batch_handle == "roll_over"
                and self.num_data - self.batch_size < self.cursor < self.num_data):
            # NOTE: a negative cursor marks how many leftover examples open the next epoch
            self.cursor = self.cursor - self.num_data - self.batch_size
        else:
            self.cursor = -self.batch_size
        self._index = None

    def iter_next(self):
        self.cursor += self.batch_size
        self._index = None
        return self.cursor < self.num_data

    def next(self):
        if not self.iter_next():
            raise StopIteration
        index = self._batch_index()
        if len(index) != self.batch_size:
            self._cache_index = index   # short last batch: kept for roll_over, dropped otherwise
            raise StopIteration
        return DataBatch(data=self._gather(self.data, index), label=self._gather(self.label, index),
                         pad=self.getpad(), index=index)

    # ----- batches --------------------------------------------------------------------
    def _batch_index(self):
        """Positions (in the caller's arrays) of the examples in the current batch."""
        if self._index is None:
            self._index = self._make_index()
        return self._index

    def _make_index(self):
        if self.cursor >= self.num_data:
            raise DataError("NDArrayIter: the epoch is over; call reset() before reading on")
        end = self.cursor + self.batch_size
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            leftover = self._cache_index if self._cache_index is not None else self.idx[:0]
            self._cache_index = None
            return np.concatenate([leftover, self.idx[:end]])
        if self.last_batch_handle == "pad" and end > self.num_data:
            pad = end - self.num_data
            return np.concatenate([self.idx[self.cursor:], np.resize(self.idx, pad)])
        return self.idx[self.cursor:min(end, self.num_data)]

    def _gather(self, sources, index):
        return [NDArray(np.take(a, index, axis=self._axis), cpu()) for _, a in sources]

    def getdata(self):
        return self._gather(self.data, self._batch_index())

    def getlabel(self):
        return self._gather(self.label, self._batch_index())

    def getindex(self):
        return self._batch_index()

    def getpad(self):
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            return self.cursor + self.batch_size - self.num_data
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            return -self.cursor   # as MXNet reports it
        return 0
