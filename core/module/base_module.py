"""What every module can do once it can forward: score, predict, iter_predict, fit.

``fit`` keeps MXNet's arguments (so seed scripts run) and adds ``callbacks`` (subscribers
to the ``core.events`` stream) and ``cancel`` (a CancelToken); the loop itself is in fit_loop.py.
"""
from __future__ import annotations

import logging

import numpy as np

from ..errors import DataError
from ..events import BatchEndParam, as_list
from ..ndarray.ndarray import NDArray


def _create_metric(eval_metric):
    from .. import metric
    return eval_metric if isinstance(eval_metric, metric.EvalMetric) else metric.create(eval_metric)


def _as_iter(eval_data, batch_size=None):
    """A DataIter as is; an array (NumPy or NDArray) as one-shot NDArrayIter."""
    from ..io import NDArrayIter
    if isinstance(eval_data, (np.ndarray, NDArray)):
        return NDArrayIter(eval_data, batch_size=batch_size or eval_data.shape[0])
    return eval_data


class BaseModule:
    def __init__(self, logger=logging):
        self.logger = logger
        self.binded = False
        self.for_training = False
        self.inputs_need_grad = False
        self.params_initialized = False
        self.optimizer_initialized = False

    def forward_backward(self, data_batch):
        self.forward(data_batch, is_train=True)
        self.backward()

    # ----- evaluation ------------------------------------------------------------------
    def score(self, eval_data, eval_metric, num_batch=None, batch_end_callback=None,
              score_end_callback=None, reset=True, epoch=0, sparse_row_id_fn=None, cancel=None):
        """Run ``eval_data`` and return ``eval_metric.get_name_value()``. Padding examples
        at the end of the last batch are left out of the metric."""
        self._require_trained_or_loaded("score")
        if reset:
            eval_data.reset()
        eval_metric = _create_metric(eval_metric)
        eval_metric.reset()
        done = 0
        for nbatch, batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            if cancel is not None and cancel.cancelled:
                break
            self.forward(batch, is_train=False)
            self.update_metric(eval_metric, batch.label, pad=getattr(batch, "pad", 0) or 0)
            for callback in as_list(batch_end_callback):
                callback(BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric, locals=None))
            done += 1
        for callback in as_list(score_end_callback):
            callback(BatchEndParam(epoch=epoch, nbatch=done, eval_metric=eval_metric, locals=None))
        return eval_metric.get_name_value()

    def iter_predict(self, eval_data, num_batch=None, reset=True, sparse_row_id_fn=None):
        """Yield ``(outputs, nbatch, batch)`` per batch, padding removed."""
        self._require_trained_or_loaded("iter_predict")
        if reset:
            eval_data.reset()
        for nbatch, batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.forward(batch, is_train=False)
            pad = getattr(batch, "pad", 0) or 0
            outputs = [out[0:out.shape[0] - pad] for out in self.get_outputs()]
            yield outputs, nbatch, batch

    def predict(self, eval_data, num_batch=None, merge_batches=True, reset=True,
                always_output_list=False, sparse_row_id_fn=None):
        """Outputs for all of ``eval_data`` (a DataIter, or one array run as one batch)."""
        self._require_trained_or_loaded("predict")
        if isinstance(eval_data, (np.ndarray, NDArray)):
            from ..io import DataBatch
            array = eval_data if isinstance(eval_data, NDArray) else NDArray(np.asarray(eval_data, np.float32))
            self.forward(DataBatch([array]), is_train=False)
            return self.get_outputs()[0].copy()
        batches = []
        for outputs, _, _ in self.iter_predict(eval_data, num_batch=num_batch, reset=reset):
            batches.append([o.copy() for o in outputs])
        if not batches:
            raise DataError("predict: the data iterator yielded no batches (empty data, or not reset?)")
        if not merge_batches:
            return batches
        merged = [_concat([b[i] for b in batches]) for i in range(len(batches[0]))]
        if len(merged) == 1 and not always_output_list:
            return merged[0]
        return merged

    def _require_trained_or_loaded(self, what):
        self._require_bound()
        if not self.params_initialized:
            from ..errors import NetStudioError
            raise NetStudioError(f"{what}: the parameters are not initialized; call init_params() or "
                                 f"set_params() (or fit) first")

    # ----- training ----------------------------------------------------------------------
    def _bind_for_fit(self, train_data, epochs, force_rebind, lanes):
        """Bind for a training of ``epochs`` epochs over ``train_data`` (Module: with the
        processes its lane policy, or fit's ``lanes``, gives such a run)."""
        self.bind(data_shapes=train_data.provide_data, label_shapes=train_data.provide_label,
                  for_training=True, force_rebind=force_rebind)

    def fit(self, train_data, eval_data=None, eval_metric="acc", epoch_end_callback=None,
            batch_end_callback=None, kvstore="local", optimizer="sgd",
            optimizer_params=(("learning_rate", 0.01),), eval_end_callback=None,
            eval_batch_end_callback=None, initializer=None, arg_params=None, aux_params=None,
            allow_missing=False, force_rebind=False, force_init=False, begin_epoch=0, num_epoch=None,
            validation_metric=None, monitor=None, sparse_row_id_fn=None, callbacks=None, cancel=None,
            lanes=None):
        """Train for ``num_epoch`` epochs. ``callbacks`` get the events of ``core.events``:
        TrainBegin, a BatchEnd per batch, an EpochEnd per epoch and TrainEnd; MXNet's
        ``batch_end_callback``/``epoch_end_callback`` are called from those events, before
        ``callbacks``. ``cancel`` (a CancelToken) ends training cleanly after the current
        batch. ``lanes`` (a LanePolicy or a count, core/module/lane_policy.py): how many
        processes share each CPU batch when fit binds (default: the module's). Raises
        TrainingDiverged when a loss, output or gradient becomes NaN/inf."""
        from ..callback import MXNetCallbacks
        from ..initializer import Uniform
        from .fit_loop import FitLoop
        if num_epoch is None:
            raise ValueError("fit: please give num_epoch (the number of epochs to train)")
        self._bind_for_fit(train_data, num_epoch - begin_epoch, force_rebind, lanes)
        if monitor is not None:
            self.install_monitor(monitor)
        self.init_params(initializer=initializer if initializer is not None else Uniform(0.01),
                         arg_params=arg_params, aux_params=aux_params, allow_missing=allow_missing,
                         force_init=force_init)
        self.init_optimizer(kvstore=kvstore, optimizer=optimizer, optimizer_params=optimizer_params)
        loop = FitLoop(self, train_data, eval_data, _create_metric(eval_metric),
                       _create_metric(validation_metric or eval_metric), monitor, cancel)
        mxnet_style = MXNetCallbacks(self, loop.train_metric, as_list(batch_end_callback),
                                     as_list(epoch_end_callback))
        return loop.run(begin_epoch, num_epoch,
                        eval_end=as_list(eval_end_callback), eval_batch_end=as_list(eval_batch_end_callback),
                        callbacks=[mxnet_style] + as_list(callbacks))


def _concat(arrays):
    first = arrays[0]
    if len(arrays) == 1:
        return first
    return NDArray(first.xp.concatenate([a._data for a in arrays], axis=0), first.context)
