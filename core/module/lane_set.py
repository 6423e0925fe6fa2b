"""The process lanes of one ExecutorGroup (core/module/lanes.py): binding them for the
group's first binding, waiting for them, keeping this process's slice to one core while
they run, and closing them.

The group stays in charge of the data-parallel logic (slices, gradients, parameters); it
asks its LaneSet at each entry point. A lane runs while this process computes its own
slice, so every entry point waits for the lanes (``sync``) before it reads or writes
their arrays.

``lanes_for`` is the one rule for how many lanes a training uses when nobody said
(Module.fit: scripts and the Train view's runs alike).
"""
from __future__ import annotations

import contextlib
import logging

import numpy as np

from ..errors import NetStudioError
from ..executor import Executor
from ..backend.cpu import parallel
from . import lane_ops
from .lanes import ProcessLane

#: samples seen (per epoch × epochs) from which a CPU training uses two processes when
#: nobody said how many: a worker starts in ~1.2 s, then LeNet trains ~1.3x faster, so it
#: pays from ~5 s of training (networks whose batch cannot be split use one anyway)
LANES_FROM_SAMPLES = 100_000


def lanes_for(samples, threshold=None):
    """How many processes a training of ``samples`` samples (None: unknown) uses by
    default: two (if this machine has two cores) from ``threshold`` samples
    (LANES_FROM_SAMPLES), else one."""
    threshold = LANES_FROM_SAMPLES if threshold is None else threshold
    if samples is None or samples < threshold:
        return 1
    return most_lanes()


def most_lanes():
    """The most processes a training here runs in: two with two cores or more, else one."""
    return max(1, min(2, parallel.THREADS))


class LaneSet:
    """The ProcessLanes of one group (``lanes`` is every one of them; they are all in
    the group's master executors). True while there are lanes."""

    def __init__(self, wanted):
        self.wanted = int(wanted)
        self.lanes = []

    def __bool__(self):
        return bool(self.lanes)

    def bind(self, symbol, contexts, grad_req, descs, batch_size, split):
        """Bind this process's slice and the lanes' (the group's first binding only):
        ``(execs, slices)``, or None when the lanes do not apply (then one process runs,
        as without lanes). ``descs`` are the data and label descriptions, ``split`` the
        group's ``split_slices``."""
        count = self.wanted
        if count < 2 or len(contexts) != 1 or contexts[0].xp is not np:
            return None
        slices = split(batch_size, [1] * count)
        sizes = [s.stop - s.start for s in slices]
        shapes = {d.name: tuple(d.shape) for d in descs}
        if not lane_ops.eligible(symbol, shapes, {d.name for d in descs}, sizes):
            return None
        ctx, execs = contexts[0], []
        try:
            for number, piece in enumerate(slices):
                part = {d.name: (piece.stop - piece.start,) + tuple(d.shape[1:]) for d in descs}
                if number == 0:
                    execs.append(Executor.simple_bind(symbol, ctx, grad_req=grad_req, **part))
                    continue
                name = f"process lane {number} (samples {piece.start}-{piece.stop - 1} of the batch)"
                execs.append(ProcessLane(symbol, ctx, grad_req, part, name))
                self.lanes.append(execs[-1])
        except (OSError, NetStudioError) as error:
            logging.getLogger(__name__).warning("process lanes unavailable, training in one "
                                                "process: %s", error)
            self.close()
            return None
        return execs, slices

    def sync(self):
        """Wait until no lane is running (before touching any lane's arrays)."""
        failure = None
        for lane in self.lanes:
            try:
                lane.wait()
            except NetStudioError as error:
                failure = failure or error
        if failure is not None:
            raise failure

    def this_core(self):
        """While lanes run, this process's slice keeps to one core (no split kernels)."""
        return parallel.one_core() if self.lanes else contextlib.nullcontext()

    @contextlib.contextmanager
    def settling(self):
        """When this process's part fails, let the lanes finish (their answers would
        otherwise surface at the next call) and raise this process's error."""
        try:
            yield
        except BaseException:
            try:
                self.sync()
            except NetStudioError:
                pass
            raise

    def close(self):
        """Stop using the lanes: free their shared memory, give their workers back."""
        lanes, self.lanes = self.lanes, []
        for lane in lanes:
            lane.close()

    def drop(self):
        """Wait for the lanes, close them, and bind none from now on."""
        self.sync()
        self.close()
        self.wanted = 1


def lanes_first(execs, slices):
    """Lanes start first (they return at once and run alongside), then this process's."""
    pairs = list(zip(execs, slices))
    return [p for p in pairs if isinstance(p[0], ProcessLane)] + \
        [p for p in pairs if not isinstance(p[0], ProcessLane)]
