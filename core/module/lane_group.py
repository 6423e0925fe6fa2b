"""Process lanes as a kind of executor group: ``LaneExecutorGroup`` splits the bound batch
between this process and ``lanes - 1`` worker processes (ProcessLane, core/module/lanes.py),
which then act as devices, as a group over several contexts does. ``bind_group`` chooses
the kind when a module binds: lanes when more than one process is asked for (LanePolicy,
core/module/lane_policy.py), with one CPU context and a network of per-sample operators
(lane_ops.py); else the one-process ExecutorGroup.

A lane runs while this process computes its own slice (on one core, so the two do not
fight over the cores). A lane's arrays wait for it when read, so the group's entry points
need not; ``backward`` returns with every gradient ready, as without lanes. Other batch
sizes (a smaller last batch) run in this process. A monitor sees every operator, so
installing one closes the lanes. A worker that cannot start leaves one process, with a
warning in the log.
"""
from __future__ import annotations

import contextlib
import logging

import numpy as np

from ..errors import NetStudioError
from ..executor import Executor
from ..backend.cpu import parallel
from . import lane_ops
from .executor_group import ExecutorGroup, split_slices
from .lanes import ProcessLane


def bind_group(symbol, contexts, work_load_list, data_shapes, label_shapes, param_names, grad_req,
               shared_group=None, lanes=1):
    """The executor group of a binding: a LaneExecutorGroup when ``lanes`` processes may
    share its batch, else an ExecutorGroup (one process)."""
    args = (symbol, contexts, work_load_list, data_shapes, label_shapes, param_names, grad_req, shared_group)
    if shared_group is None and _may_share(symbol, contexts, list(data_shapes) + list(label_shapes or []), lanes):
        return LaneExecutorGroup(*args, lanes=lanes)
    return ExecutorGroup(*args)


def _may_share(symbol, contexts, descs, lanes):
    """May ``lanes`` processes share batches of ``descs`` (data, then labels)?"""
    if lanes < 2 or len(contexts) != 1 or contexts[0].xp is not np:
        return False
    sizes = [s.stop - s.start for s in split_slices(descs[0].shape[0], [1] * lanes)]
    shapes = {d.name: tuple(d.shape) for d in descs}
    return lane_ops.eligible(symbol, shapes, set(shapes), sizes)


class LaneExecutorGroup(ExecutorGroup):
    """An ExecutorGroup whose first binding runs as ``lanes`` processes (see the module
    doc); ``lanes`` holds its ProcessLanes (all in ``master``), empty once closed."""

    def __init__(self, *args, lanes, **kwargs):
        self._count = int(lanes)
        self.lanes = []
        super().__init__(*args, **kwargs)

    # ----- binding ----------------------------------------------------------------------
    def _bind_executors(self, base):
        if base is None:
            bound = self._bind_lanes()
            if bound is not None:
                return bound
        return super()._bind_executors(base)

    def _bind_lanes(self):
        """This process's slice and the lanes', or None (with a warning) when a worker
        cannot start."""
        slices = split_slices(self.batch_size, [1] * self._count)
        descs = self.data_shapes + self.label_shapes
        ctx, execs = self.contexts[0], []
        try:
            for number, piece in enumerate(slices):
                part = {d.name: (piece.stop - piece.start,) + tuple(d.shape[1:]) for d in descs}
                if number == 0:
                    execs.append(Executor.simple_bind(self.symbol, ctx, grad_req=self.grad_req, **part))
                    continue
                name = f"process lane {number} (samples {piece.start}-{piece.stop - 1} of the batch)"
                execs.append(ProcessLane(self.symbol, ctx, self.grad_req, part, name))
                self.lanes.append(execs[-1])
        except (OSError, NetStudioError) as error:
            logging.getLogger(__name__).warning("process lanes unavailable, training in one "
                                                "process: %s", error)
            self.close()
            return None
        return execs, slices

    def _covers_every_device(self, execs):
        # while there are lanes, the master is the binding that has them
        return not self.lanes and super()._covers_every_device(execs)

    @property
    def processes(self):
        return 1 + sum(isinstance(exe, ProcessLane) for exe in self.execs)

    def close(self):
        """Stop using the lanes: free their shared memory, give their workers back."""
        lanes, self.lanes = self.lanes, []
        for lane in lanes:
            lane.close()

    def install_monitor(self, monitor):
        """A monitor sees every operator: from now on everything runs in this process."""
        if self.lanes:
            old = self.master
            self._wait()
            self.close()
            self._cache.clear()
            self.execs = None
            self._bind(self.data_shapes, self.label_shapes, shared=old)
        super().install_monitor(monitor)

    # ----- running ----------------------------------------------------------------------
    def forward(self, data_batch, is_train):
        with self._alongside_lanes():
            super().forward(data_batch, is_train)

    def backward(self, out_grads=None):
        # a lane's forward may still run: its backward queues behind it in the worker
        with self._alongside_lanes():
            super().backward(out_grads)
        self._wait()

    def _running_order(self):
        """Lanes start first (they return at once and run alongside), then this process's."""
        pairs = super()._running_order()
        return [p for p in pairs if isinstance(p[0], ProcessLane)] + \
            [p for p in pairs if not isinstance(p[0], ProcessLane)]

    @contextlib.contextmanager
    def _alongside_lanes(self):
        """This process's slice while the lanes run theirs: on one core (no split
        kernels). When it fails, the lanes finish first (their answers would otherwise
        surface at the next call) and this process's error is raised."""
        try:
            with parallel.one_core() if self.lanes else contextlib.nullcontext():
                yield
        except BaseException:
            try:
                self._wait()
            except NetStudioError:
                pass
            raise

    def _wait(self):
        """Wait until no lane runs; then raise the first lane's error, if any."""
        failure = None
        for lane in self.lanes:
            try:
                lane.wait()
            except NetStudioError as error:
                failure = failure or error
        if failure is not None:
            raise failure
