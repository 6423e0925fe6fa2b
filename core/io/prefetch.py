"""PrefetchingIter: read the next batch of one or more iterators on a background thread.

>>> import core as mx
>>> inner = mx.io.NDArrayIter({"data": mx.nd.ones((100, 10))}, batch_size=25)
>>> it = mx.io.PrefetchingIter(inner, rename_data=[{"data": "x"}])
>>> it.provide_data[0].name, len(list(it))
('x', 4)
"""
from __future__ import annotations

import queue
import threading

from .base import DataBatch, DataDesc, DataIter

_END = object()


class PrefetchingIter(DataIter):
    """Batches of several iterators joined (data lists concatenated), read one batch ahead
    on a daemon thread so the consumer rarely waits."""

    def __init__(self, iters, rename_data=None, rename_label=None):
        super().__init__()
        self.iters = iters if isinstance(iters, list) else [iters]
        if not self.iters:
            raise ValueError("PrefetchingIter needs at least one iterator")
        self.n_iter = len(self.iters)
        self.rename_data = rename_data
        self.rename_label = rename_label
        self.batch_size = self.provide_data[0][1][0]
        self._queue = None
        self._stop = None
        self._thread = None
        self._finished = None

    @staticmethod
    def _renamed(descs_per_iter, renames):
        out = []
        for index, descs in enumerate(descs_per_iter):
            names = renames[index] if renames is not None else {}
            for desc in descs:
                desc = desc if isinstance(desc, DataDesc) else DataDesc(*desc)
                out.append(DataDesc(names.get(desc.name, desc.name), desc.shape, desc.dtype, desc.layout))
        return out

    @property
    def provide_data(self):
        return self._renamed([i.provide_data for i in self.iters], self.rename_data)

    @property
    def provide_label(self):
        return self._renamed([i.provide_label for i in self.iters], self.rename_label)

    # ----- the reading thread -----------------------------------------------------------
    def _start(self):
        self._queue, self._stop = queue.Queue(maxsize=1), threading.Event()
        self._thread = threading.Thread(target=self._read, args=(self._queue, self._stop),
                                        name="PrefetchingIter", daemon=True)
        self._thread.start()

    def _read(self, out, stop):
        while not stop.is_set():
            try:
                item = self._combined()
            except StopIteration:
                item = _END
            except Exception as error:   # handed to the consumer, raised there
                item = error
            while not stop.is_set():
                try:
                    out.put(item, timeout=0.05)
                    break
                except queue.Full:
                    continue
            if item is _END or isinstance(item, Exception):
                return

    def _combined(self):
        batches = [it.next() for it in self.iters]
        pads = {b.pad for b in batches}
        if len(pads) > 1:
            raise ValueError(f"PrefetchingIter: the iterators disagree on padding ({sorted(pads)}); "
                             "they must hold the same number of examples")
        return DataBatch(sum([list(b.data) for b in batches], []),
                         sum([list(b.label or []) for b in batches], []),
                         batches[0].pad, batches[0].index,
                         provide_data=self.provide_data, provide_label=self.provide_label)

    def _halt(self):
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None

    # ----- the DataIter protocol ---------------------------------------------------------
    def reset(self):
        self._halt()
        self._finished = None
        for it in self.iters:
            it.reset()

    def next(self):
        if self._finished is None:
            if self._thread is None:
                self._start()
            item = self._queue.get()
            if item is not _END and not isinstance(item, Exception):
                return item
            self._thread.join()
            self._thread = None
            self._finished = item   # stay at the end (or the error) until reset()
        if isinstance(self._finished, Exception):
            raise self._finished
        raise StopIteration

    def iter_next(self):
        try:
            self._current = self.next()
        except StopIteration:
            return False
        return True

    def getdata(self):
        return self._current.data

    def getlabel(self):
        return self._current.label

    def getpad(self):
        return self._current.pad

    def getindex(self):
        return self._current.index

    def close(self):
        self._halt()

    def __del__(self):
        try:
            self._halt()
        except Exception:
            pass
