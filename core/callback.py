"""``mx.callback``: MXNet's training callbacks, as plain callables.

Batch callbacks take MXNet's ``BatchEndParam`` (``epoch``, ``nbatch``, ``eval_metric``,
``locals``); epoch callbacks keep MXNet's ``cb(epoch, symbol, arg_params, aux_params)``.
``fit`` itself only sends the event family of ``core.events``; ``MXNetCallbacks`` turns
those events into these calls at fit's edge.

>>> import core as mx
>>> every_2 = mx.callback.log_train_metric(period=2)
>>> every_2(mx.callback.BatchEndParam(epoch=0, nbatch=2, eval_metric=None, locals=None))  # no metric: silent
"""
from __future__ import annotations

import logging
import math
import time

from .events import BatchEnd, BatchEndParam, EpochEnd  # noqa: F401 (BatchEndParam: re-export)


class MXNetCallbacks:
    """An event subscriber that calls MXNet-style callbacks: at each BatchEnd every
    ``batch_end`` callback gets ``BatchEndParam(epoch, nbatch, metric, None)`` (``metric``:
    the live training metric, cumulative over the epoch; read it on the training thread);
    at each EpochEnd every ``epoch_end`` callback gets ``(epoch, symbol, arg, aux)``."""

    def __init__(self, module, metric, batch_end=(), epoch_end=()):
        self.module, self.metric = module, metric
        self.batch_end, self.epoch_end = list(batch_end), list(epoch_end)

    def __call__(self, event):
        if isinstance(event, BatchEnd) and self.batch_end:
            param = BatchEndParam(epoch=event.epoch, nbatch=event.nbatch, eval_metric=self.metric, locals=None)
            for callback in self.batch_end:
                callback(param)
        elif isinstance(event, EpochEnd) and self.epoch_end:
            arg_params, aux_params = self.module.get_params()
            for callback in self.epoch_end:
                callback(event.epoch, self.module.symbol, arg_params, aux_params)


def _name_values(metric):
    if metric is None:
        return []
    return list(metric.get_name_value())


def _reset_local(metric):
    reset = getattr(metric, "reset_local", None)
    if reset is not None:
        reset()


class Speedometer:
    """Log speed and the training metric every ``frequent`` batches::

        Epoch[0] Batch [20]	Speed: 1234.56 samples/sec	accuracy=0.500000

    With ``auto_reset`` the metric's local window restarts after each log line.
    """

    def __init__(self, batch_size, frequent=50, auto_reset=True, logger=None):
        self.batch_size = batch_size
        self.frequent = frequent
        self.auto_reset = auto_reset
        self.logger = logger or logging
        self.init = False
        self.tic = 0.0
        self.last_count = 0

    def __call__(self, param):
        count = param.nbatch
        if self.last_count > count:
            self.init = False  # a new epoch began
        self.last_count = count
        if not self.init:
            self.init = True
            self.tic = time.time()
            return
        if count % self.frequent != 0:
            return
        elapsed = time.time() - self.tic
        speed = self.frequent * self.batch_size / elapsed if elapsed > 0 else float("inf")
        name_value = _name_values(param.eval_metric)
        if self.auto_reset:
            _reset_local(param.eval_metric)
        message = "Epoch[%d] Batch [%d]\tSpeed: %.2f samples/sec" + "\t%s=%f" * len(name_value)
        self.logger.info(message, param.epoch, count, speed, *[x for pair in name_value for x in pair])
        self.tic = time.time()


class ProgressBar:
    """Log a bar of the epoch's progress: ``[========--------] 50%``."""

    def __init__(self, total, length=80, logger=None):
        self.total = total
        self.bar_len = length
        self.logger = logger or logging

    def __call__(self, param):
        count = param.nbatch
        filled = int(round(self.bar_len * count / float(self.total)))
        percents = math.ceil(100.0 * count / float(self.total))
        bar = "=" * filled + "-" * (self.bar_len - filled)
        self.logger.info("[%s] %s%s\r", bar, percents, "%")


def log_train_metric(period, auto_reset=False):
    """A batch callback logging ``Iter[E] Batch[B] Train-<name>=<value>`` every ``period``."""
    def _callback(param):
        if param.eval_metric is None or param.nbatch % period != 0:
            return
        for name, value in _name_values(param.eval_metric):
            logging.info("Iter[%d] Batch[%d] Train-%s=%f", param.epoch, param.nbatch, name, value)
        if auto_reset:
            _reset_local(param.eval_metric)
    return _callback


class LogValidationMetricsCallback:
    """An eval-end callback logging ``Epoch[E] Validation-<name>=<value>``."""

    def __call__(self, param):
        if param.eval_metric is None:
            return
        for name, value in _name_values(param.eval_metric):
            logging.info("Epoch[%d] Validation-%s=%f", param.epoch, name, value)


def do_checkpoint(prefix, period=1):
    """An epoch-end callback writing ``prefix-symbol.json`` and ``prefix-%04d.params``
    (epoch + 1) every ``period`` epochs, atomically: a crash never leaves a broken file."""
    period = int(max(1, period))

    def _callback(iter_no, sym=None, arg=None, aux=None):
        if (iter_no + 1) % period == 0:
            from .model import save_checkpoint
            save_checkpoint(prefix, iter_no + 1, sym, arg, aux)
    return _callback


def module_checkpoint(mod, prefix, period=1, save_optimizer_states=False):
    """An epoch-end callback calling ``mod.save_checkpoint(prefix, epoch + 1, ...)``."""
    period = int(max(1, period))

    def _callback(iter_no, sym=None, arg=None, aux=None):
        if (iter_no + 1) % period == 0:
            mod.save_checkpoint(prefix, iter_no + 1, save_optimizer_states)
    return _callback
