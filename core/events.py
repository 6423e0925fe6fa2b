"""The training event stream: one payload (``TrainEvent``) for every hook, and a cancel
token. A GUI subscribes with a plain callable ``cb(event)``; ``event.stop()`` (or
``CancelToken.cancel()`` from any thread) ends training cleanly after the current batch.

>>> token = CancelToken()
>>> event = TrainEvent("batch_end", epoch=0, nbatch=3, metrics={"accuracy": 0.5},
...                    samples_per_sec=1000.0, stop=token.cancel)
>>> event.stop(); token.cancelled
True

``TrainEvent`` also has ``eval_metric`` and ``locals`` (always None), the fields of
MXNet's ``BatchEndParam``, so MXNet-style batch callbacks (``Speedometer``,
``log_train_metric``, your own ``def cb(param): param.nbatch ...``) take it as is.
"""
from __future__ import annotations

import threading
from collections import namedtuple
from dataclasses import dataclass, field
from typing import Any, Callable

BATCH_END, EPOCH_END, TRAIN_BEGIN, TRAIN_END = "batch_end", "epoch_end", "train_begin", "train_end"
KINDS = (TRAIN_BEGIN, BATCH_END, EPOCH_END, TRAIN_END)

# How a run ended, given in the train_end event's ``status``.
RUNNING, COMPLETED, CANCELLED, DIVERGED, FAILED = "running", "completed", "cancelled", "diverged", "failed"


def _no_stop():
    """Placeholder for events made outside a training loop."""


@dataclass(frozen=True)
class TrainEvent:
    """What happened in training, as plain values (safe to copy to another thread).

    - ``kind``: 'train_begin' | 'batch_end' | 'epoch_end' | 'train_end'.
    - ``epoch``, ``nbatch``: 0-based; ``nbatch`` of epoch_end/train_end is the number of
      batches done in that epoch.
    - ``metrics``: {name: value}. batch_end: this batch alone; epoch_end: the whole epoch.
    - ``samples_per_sec``: batch_end: this batch; epoch_end: the epoch's average.
    - ``eval_metrics``: validation {name: value} at epoch_end (empty otherwise).
    - ``stop``: call it to end training after the current batch.
    - ``total_batches``: batches per epoch when known (for progress and ETA), else None.
    - ``status``: train_end only: 'completed', 'cancelled', 'diverged' or 'failed'.
    - ``message``: a human-readable note (why it stopped, where it diverged).
    - ``elapsed``: seconds since training began.
    - ``eval_metric``: the live training metric object (cumulative over the epoch); for
      MXNet-style callbacks. Read it on the training thread only.
    """
    kind: str
    epoch: int
    nbatch: int
    metrics: dict = field(default_factory=dict)
    samples_per_sec: float = 0.0
    eval_metrics: dict = field(default_factory=dict)
    stop: Callable[[], None] = field(default=_no_stop, repr=False, compare=False)
    total_batches: int | None = None
    status: str = RUNNING
    message: str = ""
    elapsed: float = 0.0
    eval_metric: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"TrainEvent kind {self.kind!r} is unknown; expected one of {KINDS}")

    @property
    def locals(self):
        """MXNet's ``BatchEndParam.locals``: always None (fit's locals are not an API)."""
        return None

    def as_dict(self):
        """Plain data only (no callables, no live objects): for queues and signals."""
        return {"kind": self.kind, "epoch": self.epoch, "nbatch": self.nbatch,
                "metrics": dict(self.metrics), "samples_per_sec": self.samples_per_sec,
                "eval_metrics": dict(self.eval_metrics), "total_batches": self.total_batches,
                "status": self.status, "message": self.message, "elapsed": self.elapsed}


# MXNet's payload for batch_end_callback; kept for code that builds one itself.
BatchEndParam = namedtuple("BatchEndParam", ["epoch", "nbatch", "eval_metric", "locals"])


class CancelToken:
    """A thread-safe request to stop (and to pause). Training checks it between batches:
    ``cancel()`` ends the run cleanly (no exception; the train_end event says 'cancelled'),
    ``pause()`` holds it before the next batch until ``resume()`` or ``cancel()``."""

    def __init__(self):
        self._cancelled = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self.reason = ""

    def cancel(self, reason="stop requested"):
        self.reason = self.reason or reason
        self._cancelled.set()
        self._running.set()   # a paused run wakes up to stop

    __call__ = cancel

    @property
    def cancelled(self):
        return self._cancelled.is_set()

    def pause(self):
        self._running.clear()

    def resume(self):
        self._running.set()

    @property
    def paused(self):
        return not self._running.is_set()

    def wait_while_paused(self, timeout=None):
        """Block while paused; True when running (or cancelled), False on timeout."""
        return self._running.wait(timeout)

    def wait(self, timeout=None):
        """Block until cancelled; True if it was."""
        return self._cancelled.wait(timeout)

    def reset(self):
        self._cancelled.clear()
        self._running.set()
        self.reason = ""

    def __repr__(self):
        return f"CancelToken(cancelled={self.cancelled}, paused={self.paused})"


def as_list(callbacks):
    """None, one callable or a list of them -> a list."""
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        return list(callbacks)
    return [callbacks]
