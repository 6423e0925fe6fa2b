"""PictureIter: batches from pictures kept as uint8 (or as files), turned into network
input one batch at a time (60,000 Fashion-MNIST images stay 47 MB, not 188 MB).

What the network gets is an ``input``: its ``shape`` (C, H, W) and ``batch(pictures)``
giving float32 (n, C, H, W) — ``ScaledPictures`` here, or ``core.session``'s InputSpec
(size, colour and normalisation chosen in the Data view).

>>> import numpy as np
>>> it = PictureIter(np.zeros((10, 28, 28), np.uint8), np.arange(10) % 2, np.arange(10),
...                  ScaledPictures((28, 28)), batch_size=4)
>>> len(it), [b.pad for b in it], it.provide_data[0].shape
(3, [0, 0, 2], (4, 1, 28, 28))
"""
from __future__ import annotations

import numpy as np

from ..context import cpu
from ..errors import DataError
from ..ndarray.ndarray import NDArray
from .base import DataBatch, DataDesc, DataIter


class ScaledPictures:
    """uint8 pictures of one ``picture_shape`` ((H, W) grey or (H, W, C)) as they are,
    pixels times 1/255, in (n, C, H, W) order."""

    def __init__(self, picture_shape):
        height, width = picture_shape[:2]
        self.shape = (picture_shape[2] if len(picture_shape) == 3 else 1, int(height), int(width))

    def batch(self, pictures):
        pictures = np.asarray(pictures)
        if pictures.dtype == object:
            raise DataError("pictures stored as files need an input that says their size (core.session.InputSpec)")
        batch = pictures.astype(np.float32) * np.float32(1 / 255)
        return batch[:, None] if batch.ndim == 3 else np.ascontiguousarray(batch.transpose(0, 3, 1, 2))


class PictureIter(DataIter):
    """MXNet-style iterator over ``pictures[indices]``; the last batch is filled from
    the start and ``batch.pad`` says by how many (metrics and predictions drop those).
    ``shuffle`` draws a new order every epoch from ``seed``."""

    def __init__(self, pictures, labels, indices, input, batch_size, shuffle=False, seed=0,
                 data_name="data", label_name="softmax_label"):
        super().__init__(int(batch_size))
        self.pictures, self.labels = pictures, np.asarray(labels)
        self.indices = np.asarray(indices, np.int64)
        if len(self.indices) == 0:
            raise DataError("no examples to make batches from (is the split empty?)")
        if self.batch_size < 1:
            raise DataError(f"batch size must be at least 1, got {batch_size}")
        self.input, self.shuffle = input, bool(shuffle)
        self._rng = np.random.RandomState(seed)
        self.provide_data = [DataDesc(data_name, (self.batch_size,) + tuple(input.shape))]
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
        data = self.input.batch(self.pictures[chosen])
        label = self.labels[chosen].astype(np.float32)
        return DataBatch([NDArray(data, cpu())], [NDArray(label, cpu())], pad=pad, index=chosen,
                         provide_data=self.provide_data, provide_label=self.provide_label)
