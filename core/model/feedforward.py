"""``mx.model.FeedForward``: MXNet 1.x's older, all-in-one trainer (seed 001 and 002 use it).

It takes NumPy arrays or DataIters and runs on a Module underneath, so it shares the
training loop, the event stream and the NaN check.

>>> import core as mx, numpy as np
>>> X = np.random.default_rng(0).standard_normal((64, 4)).astype("float32")
>>> y = (X[:, 0] > 0).astype("float32")
>>> net = mx.mlp(hidden_node=[8], out_node=2)
>>> model = mx.model.FeedForward.create(net, X, y, num_epoch=2, numpy_batch_size=16,
...                                     learning_rate=0.1, initializer=mx.init.Xavier())
>>> model.predict(X).shape
(64, 2)
"""
from __future__ import annotations

import logging

import numpy as np

from ..errors import DataError
from ..ndarray.ndarray import NDArray
from .checkpoint import load_checkpoint, save_checkpoint


def _default_initializer():
    from ..initializer import Uniform
    return Uniform(0.01)


class FeedForward:
    def __init__(self, symbol, ctx=None, num_epoch=None, epoch_size=None, optimizer="sgd",
                 initializer=None, numpy_batch_size=128, arg_params=None, aux_params=None,
                 allow_extra_params=False, begin_epoch=0, **kwargs):
        from ..context import cpu
        self.symbol = symbol
        self.ctx = (list(ctx) if isinstance(ctx, (list, tuple)) else [ctx]) if ctx is not None else [cpu()]
        self.num_epoch = num_epoch
        self.epoch_size = epoch_size
        self.optimizer = optimizer
        self.initializer = initializer if initializer is not None else _default_initializer()
        self.numpy_batch_size = numpy_batch_size
        self.arg_params = arg_params
        self.aux_params = aux_params
        self.allow_extra_params = allow_extra_params
        self.begin_epoch = begin_epoch
        self.kwargs = dict(kwargs)
        self._module = None

    # ----- data -----------------------------------------------------------------------
    def _label_name(self):
        from ..module.names import label_name
        return label_name(self.symbol)

    def _init_iter(self, X, y, is_train):
        """NumPy/NDArray data become an NDArrayIter; a DataIter is used as is."""
        from ..io import DataIter, NDArrayIter
        if isinstance(X, (np.ndarray, NDArray)):
            if y is None:
                if is_train:
                    raise DataError("FeedForward: y (the labels) must be given when X is an array")
                y = np.zeros(X.shape[0], dtype=np.float32)
            if not isinstance(y, (np.ndarray, NDArray)):
                raise DataError(f"FeedForward: y must be an array like X, got {type(y).__name__}")
            if X.shape[0] != y.shape[0]:
                raise DataError(f"FeedForward: X has {X.shape[0]} examples but y has {y.shape[0]} labels; "
                                f"they must have the same length")
            if y.ndim == 2 and y.shape[1] == 1:
                y = y.reshape(-1)
            batch_size = min(X.shape[0], self.numpy_batch_size)
            return NDArrayIter(X, y, batch_size, shuffle=is_train,
                               last_batch_handle="roll_over" if is_train else "pad",
                               label_name=self._label_name())
        if not isinstance(X, DataIter):
            raise TypeError(f"FeedForward: X must be a DataIter, NDArray or numpy array, got {type(X).__name__}")
        return X

    def _init_eval_iter(self, eval_data):
        if eval_data is None:
            return None
        if isinstance(eval_data, (tuple, list)) and len(eval_data) == 2:
            data, label = eval_data
            if data is None:
                raise DataError("FeedForward: eval_data is (None, ...); give (X, y) or a DataIter")
            data = np.asarray(data) if isinstance(data, list) else data
            label = np.asarray(label) if isinstance(label, list) else label
            return self._init_iter(data, label, is_train=False)
        return self._init_iter(eval_data, None, is_train=False)

    def _module_for(self, data_iter, logger=None, work_load_list=None):
        from ..module import Module
        from ..module.names import DefaultNames
        # the iterator's label names, forgiven as Module's defaults are: a seed's unnamed
        # SoftmaxOutput reads softmaxoutput0_label, which the one provided label feeds
        return Module(self.symbol, data_names=[d[0] for d in data_iter.provide_data],
                      label_names=DefaultNames(d[0] for d in data_iter.provide_label), context=self.ctx,
                      logger=logger or logging, work_load_list=work_load_list)

    # ----- training ---------------------------------------------------------------------
    def fit(self, X, y=None, eval_data=None, eval_metric="acc", epoch_end_callback=None,
            batch_end_callback=None, kvstore="local", logger=None, work_load_list=None, monitor=None,
            eval_end_callback=None, eval_batch_end_callback=None, callbacks=None, cancel=None):
        from ..io import ResizeIter
        data = self._init_iter(X, y, is_train=True)
        eval_iter = self._init_eval_iter(eval_data)
        if self.num_epoch is None:
            raise ValueError("FeedForward.fit: give num_epoch (to the constructor or create)")
        train = ResizeIter(data, self.epoch_size) if self.epoch_size else data
        mod = self._module_for(data, logger, work_load_list)
        optimizer_params = {k: v for k, v in self.kwargs.items()}
        mod.fit(train, eval_data=eval_iter, eval_metric=eval_metric, epoch_end_callback=epoch_end_callback,
                batch_end_callback=batch_end_callback, kvstore=kvstore, optimizer=self.optimizer,
                optimizer_params=optimizer_params, initializer=self.initializer,
                arg_params=self.arg_params, aux_params=self.aux_params, allow_missing=True,
                begin_epoch=self.begin_epoch, num_epoch=self.num_epoch, monitor=monitor,
                eval_end_callback=eval_end_callback,
                eval_batch_end_callback=eval_batch_end_callback, callbacks=callbacks, cancel=cancel)
        self._module = mod
        self.arg_params, self.aux_params = mod.get_params()

    # ----- inference -----------------------------------------------------------------------
    def _predictor(self, data_iter):
        if self._module is not None:
            return self._module
        if self.arg_params is None:
            raise DataError("FeedForward: no parameters yet; fit the model or load a checkpoint first")
        from ..module import Module
        mod = Module(self.symbol, data_names=[d[0] for d in data_iter.provide_data], label_names=None,
                     context=self.ctx[:1])
        mod.bind(data_shapes=data_iter.provide_data, for_training=False)
        mod.set_params(self.arg_params, self.aux_params or {}, allow_extra=True)
        self._module = mod
        return mod

    def predict(self, X, num_batch=None, return_data=False, reset=True):
        """Outputs as NumPy arrays (one array for a one-output network); with
        ``return_data`` also the data and labels, padding removed."""
        data_iter = self._init_iter(X, None, is_train=False)
        mod = self._predictor(data_iter)
        outputs, datas, labels = [], [], []
        for outs, _, batch in mod.iter_predict(data_iter, num_batch=num_batch, reset=reset):
            outputs.append([o.asnumpy() for o in outs])
            if return_data:
                keep = outs[0].shape[0]
                datas.append([np.asarray(d)[:keep] for d in batch.data])
                labels.append([np.asarray(lab)[:keep] for lab in (batch.label or [])])
        merged = _merge(outputs)
        if return_data:
            return merged, _merge(datas), _merge(labels)
        return merged

    def score(self, X, eval_metric="acc", num_batch=None, batch_end_callback=None, reset=True):
        """The metric's value on X (a float for a single metric)."""
        from .. import metric
        eval_metric = eval_metric if isinstance(eval_metric, metric.EvalMetric) else metric.create(eval_metric)
        if isinstance(X, (np.ndarray, NDArray)):
            # NOTE: MXNet scores an array against all-zero labels here; we say what to do instead
            raise DataError("FeedForward.score needs labels: pass a DataIter such as "
                            "mx.io.NDArrayIter(X, y, batch_size)")
        data_iter = self._init_iter(X, None, is_train=False)
        mod = self._predictor(data_iter)
        mod.score(data_iter, eval_metric, num_batch=num_batch, batch_end_callback=batch_end_callback,
                  reset=reset)
        return eval_metric.get()[1]

    # ----- files -----------------------------------------------------------------------------
    def save(self, prefix, epoch=None, remove_amp_cast=True):
        epoch = self.num_epoch if epoch is None else epoch
        if epoch is None:
            raise ValueError("FeedForward.save: give the epoch number to save as")
        save_checkpoint(prefix, epoch, self.symbol, self.arg_params, self.aux_params, remove_amp_cast)

    @staticmethod
    def load(prefix, epoch, ctx=None, **kwargs):
        symbol, arg_params, aux_params = load_checkpoint(prefix, epoch)
        return FeedForward(symbol, ctx=ctx, arg_params=arg_params, aux_params=aux_params,
                           begin_epoch=epoch, **kwargs)

    @staticmethod
    def create(symbol, X, y=None, ctx=None, num_epoch=None, epoch_size=None, optimizer="sgd",
               initializer=None, eval_data=None, eval_metric="acc", epoch_end_callback=None,
               batch_end_callback=None, kvstore="local", logger=None, work_load_list=None,
               eval_end_callback=None, eval_batch_end_callback=None, callbacks=None, cancel=None,
               monitor=None, **kwargs):
        """Make a FeedForward and fit it in one call (learning_rate=..., momentum=..., wd=...);
        ``monitor`` (an ``mx.mon.Monitor``) goes to ``fit``, the rest to the optimizer."""
        model = FeedForward(symbol, ctx=ctx, num_epoch=num_epoch, epoch_size=epoch_size,
                            optimizer=optimizer, initializer=initializer, **kwargs)
        model.fit(X, y, eval_data=eval_data, eval_metric=eval_metric, epoch_end_callback=epoch_end_callback,
                  batch_end_callback=batch_end_callback, kvstore=kvstore, logger=logger,
                  work_load_list=work_load_list, eval_end_callback=eval_end_callback,
                  eval_batch_end_callback=eval_batch_end_callback, callbacks=callbacks, cancel=cancel,
                  monitor=monitor)
        return model


def _merge(per_batch):
    if not per_batch or not per_batch[0]:
        return []
    merged = [np.concatenate([b[i] for b in per_batch]) for i in range(len(per_batch[0]))]
    return merged[0] if len(merged) == 1 else merged
