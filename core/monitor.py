"""``mx.monitor.Monitor``: statistics of operator outputs, weights and gradients every
``interval`` batches (seed 002's debugging aid).

Install it with ``mod.fit(..., monitor=mon)`` or ``mon.install(executor)``; between
``tic()`` (before forward) and ``toc()`` (after the update) it collects, for every name
matching ``pattern``: each operator output (``fc1_output``), each weight and auxiliary
state (``fc1_weight``), and each gradient (``fc1_weight_grad``).

>>> import core as mx
>>> net = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2, name="fc")
>>> exe = net.simple_bind(mx.cpu(), data=(1, 3))
>>> mon = Monitor(1, pattern="fc_output")
>>> mon.install(exe); mon.tic(); _ = exe.forward(); [name for _, name, _ in mon.toc()]
['fc_output']
"""
from __future__ import annotations

import logging
import math
import re

import numpy as np

from .ndarray.ndarray import NDArray


def norm_stat(array):
    """The default statistic: ``norm(x) / sqrt(size)`` (root mean square), as MXNet."""
    return array.norm() / math.sqrt(max(array.size, 1))


class Monitor:
    def __init__(self, interval, stat_func=None, pattern=".*", sort=False, monitor_all=False):
        if int(interval) < 1:
            raise ValueError(f"Monitor interval must be at least 1 batch, got {interval}")
        self.interval = int(interval)
        self.stat_func = stat_func or norm_stat
        self.re_prog = re.compile(pattern)
        self.sort = sort
        self.monitor_all = monitor_all
        self.activated = False
        self.queue = []
        self.step = 0
        self.exes = []

    def stat_helper(self, name, array):
        """The executor's callback for each operator output during forward."""
        if self.activated and self.re_prog.match(name):
            self.queue.append((self.step, name, self.stat_func(array)))

    def install(self, exe):
        """Watch this executor (several may be installed, e.g. one per device)."""
        exe.set_monitor_callback(self.stat_helper, self.monitor_all)
        if exe not in self.exes:
            self.exes.append(exe)

    def tic(self):
        """Start collecting if this batch is one to report. Call before forward."""
        if self.step % self.interval == 0:
            self.queue = []
            self.activated = True
        self.step += 1

    def toc(self):
        """Stop collecting; ``[(step, name, text)]`` for this batch (empty between reports)."""
        if not self.activated:
            return []
        seen = {name for _, name, _ in self.queue}
        for exe in self.exes:
            named = list(zip(exe.arg_names, exe.arg_arrays)) + list(zip(exe.aux_names, exe.aux_arrays))
            named += [(f"{name}_grad", grad) for name, grad in zip(exe.arg_names, exe.grad_arrays)
                      if grad is not None]
            for name, array in named:
                if name not in seen and self.re_prog.match(name):
                    seen.add(name)
                    self.queue.append((self.step, name, self.stat_func(array)))
        self.activated = False
        if self.sort:
            self.queue.sort(key=lambda entry: entry[1])
        result = [(step, name, _as_text(value)) for step, name, value in self.queue]
        self.queue = []
        return result

    def toc_print(self):
        """``toc()`` and log each line: ``Batch:       1 fc1_weight           0.0123``."""
        for step, name, text in self.toc():
            logging.info("Batch: {:7d} {:30s} {:s}".format(step, name, text))


def _as_text(value):
    values = value if isinstance(value, list) else [value]
    parts = []
    for item in values:
        host = item.asnumpy() if isinstance(item, NDArray) else np.asarray(item)
        parts.append(str(host.reshape(-1)[0]) if host.size == 1 else str(host))
    return "\t".join(parts) + "\t"
