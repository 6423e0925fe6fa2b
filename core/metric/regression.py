"""Regression metrics and Loss with MXNet 1.9.1's arithmetic. Each update adds one mean
(not one per example), as MXNet does.

>>> import core as mx
>>> mse = mx.metric.create("mse")
>>> mse.update([mx.nd.array([1, 2])], [mx.nd.array([1.5, 2.5])])
>>> mse.get()
('mse', 0.25)
"""
from __future__ import annotations

import numpy

from .base import EvalMetric, alias, check_label_shapes, host, register
from .correlation import RunningPearson


def _columns(array):
    array = host(array)
    return array.reshape(array.shape[0], 1) if array.ndim == 1 else array


class _PerUpdateMean(EvalMetric):
    def __init__(self, name, output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    @staticmethod
    def error(label, pred):
        raise NotImplementedError

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            self._add(self.error(_columns(label), _columns(pred)), 1)


@register
class MAE(_PerUpdateMean):
    def __init__(self, name="mae", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def error(label, pred):
        return numpy.abs(label - pred).mean()


@register
class MSE(_PerUpdateMean):
    def __init__(self, name="mse", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def error(label, pred):
        return ((label - pred) ** 2.0).mean()


@register
class RMSE(_PerUpdateMean):
    def __init__(self, name="rmse", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def error(label, pred):
        return numpy.sqrt(((label - pred) ** 2.0).mean())


@register
@alias("pearsonr")
class PearsonCorrelation(_PerUpdateMean):
    """Pearson's r of predictions and labels: averaged over updates ('macro'), or one r
    over every value since reset ('micro', correlation.RunningPearson)."""

    def __init__(self, name="pearsonr", output_names=None, label_names=None, average="macro"):
        if average not in ("macro", "micro"):
            raise ValueError(f"PearsonCorrelation: average must be 'macro' or 'micro', got {average!r}")
        self.average = average
        super().__init__(name, output_names, label_names)

    def reset(self):
        super().reset()
        self._running = RunningPearson() if self.average == "micro" else None

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            check_label_shapes(host(label), host(pred), False, True)
            label = host(label).ravel().astype(numpy.float64)
            pred = host(pred).ravel().astype(numpy.float64)
            if self._running is not None:
                self._running.add(label, pred)
                self._add(0.0, 1)
            else:
                self._add(numpy.corrcoef(pred, label)[0, 1], 1)

    def get(self):
        if self._running is None or not self.num_inst:
            return super().get()
        return (self.name, self._running.value())

    def get_global(self):
        # NOTE: 'micro' keeps one running r since reset (reset_local keeps it, as in MXNet,
        # whose get_global() answers 0.0 there: the r is the meaningful global value)
        if self._running is None or not self.global_num_inst:
            return super().get_global()
        return (self.name, self._running.value())


@register
class Loss(EvalMetric):
    """Mean of the network's outputs, for networks whose output is the loss (MakeLoss)."""

    def __init__(self, name="loss", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, _, preds):
        preds = [preds] if not isinstance(preds, (list, tuple)) else preds
        for pred in preds:
            pred = host(pred)
            self._add(float(pred.sum()), pred.size)


@register
class Torch(Loss):
    def __init__(self, name="torch", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)


@register
class Caffe(Loss):
    def __init__(self, name="caffe", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)
