"""How many processes share each CPU training batch (process lanes, core/module/lanes.py):
a ``LanePolicy``. ``Module(lanes=...)`` (or ``NETSTUDIO_LANES``) gives the module's; ``fit``
takes one too (``fit(..., lanes=...)``) and asks it for a run of the training's length
when it binds. The group that runs the batch is chosen from the answer
(core/module/lane_group.py).

>>> LanePolicy(2).lanes_for(None), LanePolicy().lanes_for(None), LanePolicy().lanes_for(10)
(2, 1, 1)
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from ..backend.cpu import parallel
from .fit_loop import batches_per_epoch

#: samples seen (per epoch × epochs) from which a CPU training uses two processes when
#: nobody said how many: a worker starts in ~1.2 s, then LeNet trains ~1.3x faster, so it
#: pays from ~5 s of training (networks whose batch cannot be split use one anyway)
LANES_FROM_SAMPLES = 100_000
#: the environment variable that gives the count when the program does not
ENVIRONMENT = "NETSTUDIO_LANES"


@dataclass(frozen=True)
class LanePolicy:
    """``count`` processes per batch when given; else (None) by the training's length:
    two (if this machine has two cores) from ``from_samples`` samples (default
    LANES_FROM_SAMPLES), one for shorter runs and runs of unknown length."""

    count: int | None = None
    from_samples: int | None = None

    def __post_init__(self):
        if self.count is not None:
            _check_count(self.count)

    @classmethod
    def of(cls, lanes):
        """``lanes`` as a policy: a LanePolicy as is, a whole number as that count."""
        return lanes if isinstance(lanes, LanePolicy) else cls(lanes)

    @classmethod
    def from_setting(cls, lanes=None):
        """The policy of ``lanes`` (a count or a policy), else of ``NETSTUDIO_LANES``, else
        chosen by the training's length."""
        if lanes is not None:
            return cls.of(lanes)
        text = os.environ.get(ENVIRONMENT, "").strip()
        if not text:
            return cls()
        try:
            return cls(int(text))
        except ValueError:
            raise ValueError(f"{ENVIRONMENT} must be a whole number >= 1, got {text!r}") from None

    def lanes_for(self, samples):
        """How many processes a training of ``samples`` samples (None: unknown) uses."""
        if self.count is not None:
            return self.count
        threshold = LANES_FROM_SAMPLES if self.from_samples is None else self.from_samples
        if samples is None or samples < threshold:
            return 1
        return most_lanes()

    def lanes_for_training(self, train_data, epochs):
        """How many processes ``epochs`` epochs over ``train_data`` use."""
        return self.lanes_for(training_samples(train_data, epochs))


def most_lanes():
    """The most processes a training here runs in: two with two cores or more, else one."""
    return max(1, min(2, parallel.THREADS))


def training_samples(train_data, epochs):
    """Samples a training sees (batches × batch size × epochs), or None when the iterator
    cannot tell its length."""
    batches = batches_per_epoch(train_data)
    batch = getattr(train_data, "batch_size", None)
    if not batch:
        shapes = [d[1] if isinstance(d, tuple) else d.shape for d in train_data.provide_data or []]
        batch = shapes[0][0] if shapes and shapes[0] else None
    if not batches or not batch or epochs <= 0:
        return None
    return int(batches) * int(batch) * int(epochs)


def _check_count(lanes):
    if isinstance(lanes, bool) or not isinstance(lanes, int) or lanes < 1:
        raise ValueError(f"lanes must be a whole number >= 1 or a LanePolicy, got {lanes!r}")
