"""The training event stream: one family of frozen events, from ``Module.fit`` up to
whoever listens (the Train view, a script, ``netstudio train``), and a cancel token.

A subscriber is a plain callable ``cb(event)``; dispatch on the event's type::

    >>> token = CancelToken()
    >>> def on_event(event):
    ...     if isinstance(event, BatchEnd) and event.nbatch == 3:
    ...         token.cancel()            # ends training cleanly after this batch
    >>> on_event(BatchEnd(epoch=0, nbatch=3, metrics={"accuracy": 0.5}, samples_per_sec=1000.0))
    >>> token.cancelled
    True

Every event holds plain data only (numbers, strings, tuples, read-only ``Values``, numpy
arrays the sender no longer touches): safe to hand to another thread or a Qt signal, and
``as_dict()`` gives JSON-ready values. MXNet-style callbacks (``batch_end_callback`` with a
``BatchEndParam``, ``epoch_end_callback(epoch, symbol, arg, aux)``) are adapted from these
events at ``fit``'s edge (``core.callback.MXNetCallbacks``).
"""
from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

# How a run ended, given in TrainEnd's and Finished's ``status``.
RUNNING, COMPLETED, CANCELLED, DIVERGED, FAILED = "running", "completed", "cancelled", "diverged", "failed"


class Values(Mapping):
    """A read-only ``{name: float}`` (metrics): an event's values cannot change under a reader."""

    def __init__(self, values=()):
        pairs = values.items() if isinstance(values, Mapping) else values
        self._pairs = tuple((str(name), float(value)) for name, value in pairs)
        self._index = dict(self._pairs)

    def __getitem__(self, name):
        return self._index[name]

    def __iter__(self):
        return iter(self._index)

    def __len__(self):
        return len(self._pairs)

    def __hash__(self):
        return hash(self._pairs)

    def __repr__(self):
        return f"Values({self._index!r})"


def _values(factory=Values):
    return field(default_factory=factory)


@dataclass(frozen=True, kw_only=True)
class TrainingEvent:
    """The family's base: ``isinstance(event, TrainingEvent)`` for anything the stream sends."""

    def __post_init__(self):
        for item in fields(self):
            if item.default_factory is Values:      # metrics given as a dict: frozen here
                object.__setattr__(self, item.name, Values(getattr(self, item.name)))

    def as_dict(self):
        """``{"event": "BatchEnd", field: value …}`` with JSON-ready values."""
        out = {"event": type(self).__name__}
        for item in fields(self):
            value = getattr(self, item.name)
            out[item.name] = dict(value) if isinstance(value, Values) else value
        return out


# ----- what fit sends -----------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class FitEvent(TrainingEvent):
    """``epoch``, ``nbatch``: 0-based (at EpochEnd/TrainEnd, ``nbatch`` is the number of
    batches done in that epoch); ``total_batches``: batches per epoch when known, else None;
    ``elapsed``: seconds since training began."""
    epoch: int
    nbatch: int = 0
    total_batches: int | None = None
    elapsed: float = 0.0


@dataclass(frozen=True, kw_only=True)
class TrainBegin(FitEvent):
    """Training is about to run its first batch."""


@dataclass(frozen=True, kw_only=True)
class BatchEnd(FitEvent):
    """One batch done: ``metrics`` of this batch alone, its ``samples_per_sec``."""
    metrics: Values = _values()
    samples_per_sec: float = 0.0


@dataclass(frozen=True, kw_only=True)
class EpochEnd(FitEvent):
    """One epoch done: training ``metrics`` over the whole epoch, validation ``eval_metrics``
    (empty without eval data), the epoch's average ``samples_per_sec``."""
    metrics: Values = _values()
    eval_metrics: Values = _values()
    samples_per_sec: float = 0.0


@dataclass(frozen=True, kw_only=True)
class TrainEnd(FitEvent):
    """fit is over: ``status`` 'completed', 'cancelled', 'diverged' or 'failed', and why."""
    status: str = COMPLETED
    message: str = ""


# ----- what a training session adds (core/session/runner.py) ----------------------------------
@dataclass(frozen=True, kw_only=True)
class Status(TrainingEvent):
    """What the run is doing now, in a few words ("Preparing the data…")."""
    text: str


@dataclass(frozen=True, kw_only=True)
class LogLine(TrainingEvent):
    """One line of the training log (Speedometer, epoch summaries, notes)."""
    text: str


@dataclass(frozen=True, kw_only=True)
class RunBegin(TrainingEvent):
    """The data is ready and training starts: sizes for progress bars and legends."""
    epochs: int
    total_batches: int
    train_examples: int
    val_name: str


@dataclass(frozen=True, kw_only=True)
class CheckpointSaved(TrainingEvent):
    """``prefix-%04d.params`` (``epoch`` is 1-based, as in the file name) was written."""
    prefix: str
    epoch: int
    path: str


@dataclass(frozen=True, kw_only=True)
class Evaluated(TrainingEvent):
    """The final evaluation: a ``core.session.Evaluation`` (numpy arrays and numbers, made
    for this event; nobody writes to it afterwards)."""
    evaluation: Any


@dataclass(frozen=True, kw_only=True)
class Finished(TrainingEvent):
    """The run is over and recorded: ``status`` as TrainEnd's, ``record`` the run's record as
    plain data (``RunRecord.to_dict()``). Always the last event of a run."""
    status: str
    message: str
    record: dict = field(default_factory=dict, hash=False)


# MXNet's payload for batch_end_callback (built by fit's MXNet adapter and by score).
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
