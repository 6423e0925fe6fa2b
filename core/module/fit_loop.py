"""The training loop behind ``Module.fit``: MXNet's order of work per batch (forward,
backward, update, metric, events), plus the cancel token and the divergence check. It only
sends ``core.events`` (TrainBegin, BatchEnd, EpochEnd, TrainEnd); fit adapts MXNet's
batch/epoch callbacks from them (``core.callback.MXNetCallbacks``).

Per batch: forward+backward -> NaN/inf check (before the update, so the weights stay the
last good ones) -> update -> metrics -> BatchEnd -> cancel check.
"""
from __future__ import annotations

import copy
import time

from ..errors import DataError, TrainingDiverged
from .batch_checks import LabelCheck, input_problem
from ..events import (CANCELLED, COMPLETED, DIVERGED, FAILED, BatchEnd, CancelToken, EpochEnd, TrainBegin,
                      TrainEnd)


def _values(metric):
    return {str(name): float(value) for name, value in metric.get_name_value()}


def _global_values(metric):
    get = getattr(metric, "get_global_name_value", None)
    return {str(n): float(v) for n, v in (get() if get else metric.get_name_value())}


def _batch_rows(batch):
    data = batch.data[0]
    return int(data.shape[0]) if hasattr(data, "shape") else 0


def batches_per_epoch(data):
    """Batches per epoch when the iterator can tell (for progress and ETA, and the length
    of a training: core/module/lane_policy.py), else None."""
    try:
        return len(data)
    except TypeError:
        pass
    count = getattr(data, "num_data", getattr(data, "num_examples", None))
    batch = getattr(data, "batch_size", 0)
    if not isinstance(count, int) or not batch:
        return None
    if getattr(data, "last_batch_handle", "discard") == "pad":
        return -(-count // batch)
    return count // batch


class FitLoop:
    def __init__(self, module, train_data, eval_data, train_metric, eval_metric, monitor, cancel):
        self.mod = module
        self.train_data = train_data
        self.eval_data = eval_data
        self.train_metric = train_metric
        self.eval_metric = eval_metric
        self.monitor = monitor
        self.token = cancel if cancel is not None else CancelToken()
        self.logger = module.logger
        self.total_batches = batches_per_epoch(train_data)
        self.batch_metric = self._clone(train_metric)
        self.label_check = None          # made at the first batch (the module is bound then)
        self.t0 = time.time()

    @staticmethod
    def _clone(metric):
        """A second metric of the same kind, for this-batch-only values."""
        try:
            clone = copy.deepcopy(metric)
            clone.reset()
            return clone
        except Exception:  # an unusual custom metric: fall back to the epoch's running values
            return None

    def emit(self, event_type, epoch, nbatch, **fields):
        event = event_type(epoch=epoch, nbatch=nbatch, total_batches=self.total_batches,
                           elapsed=time.time() - self.t0, **fields)
        for callback in self.callbacks:
            callback(event)
        return event

    # ----- the run ------------------------------------------------------------------------
    def run(self, begin_epoch, num_epoch, eval_end, eval_batch_end, callbacks):
        self.callbacks = callbacks
        self.eval_end, self.eval_batch_end = eval_end, eval_batch_end
        self.epoch, self.nbatch = begin_epoch, 0
        self.emit(TrainBegin, begin_epoch, 0)
        try:
            status = self._epochs(begin_epoch, num_epoch)
        except TrainingDiverged as error:
            self._final(DIVERGED, str(error))
            raise
        except BaseException as error:
            self._final(FAILED, f"{type(error).__name__}: {error}")
            raise
        message = (f"stopped at epoch {self.epoch}, batch {self.nbatch} ({self.token.reason})"
                   if status == CANCELLED else f"finished {num_epoch - begin_epoch} epoch(s)")
        if status == CANCELLED:
            self.logger.info("Training %s", message)
        self.emit(TrainEnd, self.epoch, self.nbatch, status=status, message=message)
        return None

    def _final(self, status, message):
        """Tell subscribers how the run ended without hiding the error that ended it."""
        try:
            self.emit(TrainEnd, self.epoch, self.nbatch, status=status, message=message)
        except Exception as error:  # noqa: BLE001 - the original error matters more
            self.logger.warning("a train_end callback failed: %s", error)

    def _epochs(self, begin_epoch, num_epoch):
        for epoch in range(begin_epoch, num_epoch):
            self.epoch = epoch
            if self.token.cancelled:
                return CANCELLED
            finished = self._one_epoch(epoch)
            if not finished:
                return CANCELLED
            self._end_epoch(epoch)
            if self.token.cancelled:
                return CANCELLED
        return COMPLETED

    def _one_epoch(self, epoch):
        """Train one pass over the data; False when cancelled part-way."""
        mod, metric = self.mod, self.train_metric
        self.epoch_tic = time.time()
        self.epoch_samples = 0
        metric.reset()
        self.nbatch = 0
        data_iter = iter(self.train_data)
        try:
            next_batch = next(data_iter)
        except StopIteration:
            raise DataError("fit: the training data yielded no batches (is it empty, or was it "
                            "not reset?)") from None
        while True:
            batch, tic = next_batch, time.time()
            if self.monitor is not None:
                self.monitor.tic()
            self._check_labels(epoch, self.nbatch, batch)
            mod.forward_backward(batch)
            self._check_finite(epoch, self.nbatch, batch)
            mod.update()
            mod.update_metric(metric, batch.label)
            batch_values = self._batch_values(batch)
            try:
                next_batch = next(data_iter)
                end_of_epoch = False
            except StopIteration:
                end_of_epoch = True
            if self.monitor is not None:
                self.monitor.toc_print()
            rows = _batch_rows(batch)
            self.epoch_samples += rows
            speed = rows / max(time.time() - tic, 1e-9)
            self.emit_batch(epoch, batch_values, speed)
            self.nbatch += 1
            self.token.wait_while_paused()
            if end_of_epoch:
                self.total_batches = self.nbatch   # what this iterator really gave
                return True
            if self.token.cancelled:
                return False

    def emit_batch(self, epoch, values, speed):
        return self.emit(BatchEnd, epoch, self.nbatch, metrics=values, samples_per_sec=speed)

    def _batch_values(self, batch):
        if self.batch_metric is None:
            return _values(self.train_metric)
        self.batch_metric.reset()
        self.mod.update_metric(self.batch_metric, batch.label)
        return _values(self.batch_metric)

    def _check_labels(self, epoch, nbatch, batch):
        if self.label_check is None:
            mod = self.mod
            self.label_check = LabelCheck(mod.symbol, mod.label_names, dict(mod.output_shapes))
        problem = self.label_check.problem(batch)
        if problem is not None:
            raise DataError(f"training stopped at epoch {epoch}, batch {nbatch}: {problem}; fix the "
                            f"labels in the dataset")

    def _check_finite(self, epoch, nbatch, batch):
        where = self.mod.non_finite()
        if where is None:
            return
        problem = input_problem(batch, self.mod.data_names)
        if problem is not None:
            raise TrainingDiverged(f"training diverged at epoch {epoch}, batch {nbatch}: the {problem}, "
                                   f"which makes {where} NaN; the data is at fault, not the learning "
                                   f"rate: remove or fill in the missing values in the dataset",
                                   epoch=epoch, batch=nbatch)
        lr = getattr(self.mod.optimizer, "learning_rate", None)
        hint = f"try a lower learning rate (now {lr:g})" if isinstance(lr, (int, float)) else \
            "try a lower learning rate"
        raise TrainingDiverged(f"training diverged at epoch {epoch}, batch {nbatch}: {where} contains "
                               f"NaN or inf; {hint}", epoch=epoch, batch=nbatch)

    def _end_epoch(self, epoch):
        mod = self.mod
        train_values = _global_values(self.train_metric)
        for name, value in train_values.items():
            self.logger.info("Epoch[%d] Train-%s=%f", epoch, name, value)
        cost = time.time() - self.epoch_tic
        self.logger.info("Epoch[%d] Time cost=%.3f", epoch, cost)
        eval_values = {}
        if self.eval_data is not None:
            result = mod.score(self.eval_data, self.eval_metric, score_end_callback=self.eval_end,
                               batch_end_callback=self.eval_batch_end, epoch=epoch, cancel=self.token)
            eval_values = {str(n): float(v) for n, v in result}
            for name, value in eval_values.items():
                self.logger.info("Epoch[%d] Validation-%s=%f", epoch, name, value)
        self.emit(EpochEnd, epoch, self.nbatch, metrics=train_values, eval_metrics=eval_values,
                  samples_per_sec=self.epoch_samples / max(cost, 1e-9))
        self.train_data.reset()
