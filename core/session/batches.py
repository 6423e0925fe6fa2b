"""Batches for training and evaluation from uint8 pictures kept in memory, converted to
float32 one batch at a time (60,000 Fashion-MNIST images stay 47 MB, not 188 MB), and
the validation split.

>>> import numpy as np
>>> from core.session.inputs import InputSpec
>>> it = PictureIter(np.zeros((10, 28, 28), np.uint8), np.arange(10) % 2, np.arange(10),
...                  InputSpec(1, 28, 28, "scale"), batch_size=4)
>>> len(it), [b.pad for b in it]
(3, [0, 0, 2])
"""
from __future__ import annotations

import numpy as np

from ..context import cpu
from ..errors import DataError
from ..io.base import DataBatch, DataDesc, DataIter
from ..ndarray.ndarray import NDArray
from .inputs import to_input


def split_train_val(labels, val_fraction, seed=0):
    """(train indices, validation indices): ``val_fraction`` of every class held out,
    so a small validation set still has all classes in proportion."""
    labels = np.asarray(labels)
    if not 0.0 <= float(val_fraction) < 1.0:
        raise DataError(f"validation fraction must be at least 0 and below 1, got {val_fraction}")
    rng = np.random.RandomState(seed)
    train, val = [], []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        rng.shuffle(members)
        held = int(round(len(members) * float(val_fraction)))
        val.append(members[:held])
        train.append(members[held:])
    train = np.sort(np.concatenate(train)) if train else np.zeros(0, np.int64)
    val = np.sort(np.concatenate(val)) if val else np.zeros(0, np.int64)
    return train, val


class PictureIter(DataIter):
    """MXNet-style iterator over ``pictures[indices]``; the last batch is filled from
    the start and ``batch.pad`` says by how many (metrics and predictions drop those).
    ``shuffle`` draws a new order every epoch from ``seed``."""

    def __init__(self, pictures, labels, indices, spec, batch_size, shuffle=False, seed=0,
                 data_name="data", label_name="softmax_label"):
        super().__init__(int(batch_size))
        self.pictures, self.labels = pictures, np.asarray(labels)
        self.indices = np.asarray(indices, np.int64)
        if len(self.indices) == 0:
            raise DataError("no examples to make batches from (is the split empty?)")
        if self.batch_size < 1:
            raise DataError(f"batch size must be at least 1, got {batch_size}")
        self.spec, self.shuffle = spec, bool(shuffle)
        self._rng = np.random.RandomState(seed)
        self.provide_data = [DataDesc(data_name, (self.batch_size,) + spec.shape)]
        self.provide_label = [DataDesc(label_name, (self.batch_size,))]
        self._order = self.indices
        self.reset()

    @property
    def num_examples(self):
        return int(len(self.indices))

    def __len__(self):
        return -(-len(self.indices) // self.batch_size)

    def reset(self):
        self._cursor = 0
        if self.shuffle:
            self._order = self.indices[self._rng.permutation(len(self.indices))]

    def next(self):
        start = self._cursor
        if start >= len(self._order):
            raise StopIteration
        chosen = self._order[start:start + self.batch_size]
        pad = self.batch_size - len(chosen)
        if pad:
            chosen = np.concatenate([chosen, np.resize(self._order, pad)])   # repeats when tiny
        self._cursor = start + self.batch_size
        data = to_input(self.pictures[chosen], self.spec)
        label = self.labels[chosen].astype(np.float32)
        return DataBatch([NDArray(data, cpu())], [NDArray(label, cpu())], pad=pad, index=chosen,
                         provide_data=self.provide_data, provide_label=self.provide_label)
