"""Correlation metrics of MXNet 1.9.1: PCC (the multiclass Matthews correlation from a
confusion matrix that grows with the classes seen) and the running sums behind
``PearsonCorrelation(average='micro')`` (regression.py).

>>> import core as mx
>>> pcc = mx.metric.create("pcc")
>>> pcc.update([mx.nd.array([0, 1, 1, 0])], [mx.nd.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]])])
>>> round(pcc.get()[1], 4)
0.5774
"""
from __future__ import annotations

import numpy

from .base import EvalMetric, check_label_shapes, host, register


def matthews(confusion):
    """The multiclass Matthews correlation of a confusion matrix (NaN when undefined)."""
    n = confusion.sum()
    x, y = confusion.sum(axis=1), confusion.sum(axis=0)
    cov_xx, cov_yy = numpy.sum(x * (n - x)), numpy.sum(y * (n - y))
    if cov_xx == 0 or cov_yy == 0:
        return float("nan")
    cov_xy = numpy.sum(confusion.diagonal() * n - x * y)
    return float(cov_xy / (cov_xx * cov_yy) ** 0.5)


@register
class PCC(EvalMetric):
    """Matthews correlation over every class: predictions are class scores (argmax taken)
    or class indices shaped like the labels. Local and global confusion matrices."""

    def __init__(self, name="pcc", output_names=None, label_names=None, has_global_stats=True):
        self.k = 2
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=has_global_stats)

    def _grow(self, classes):
        if classes > self.k:
            extra = ((0, classes - self.k), (0, classes - self.k))
            self.lcm, self.gcm = numpy.pad(self.lcm, extra), numpy.pad(self.gcm, extra)
            self.k = classes

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label = host(label).astype("int32")
            pred = host(pred)
            pred = pred.argmax(axis=1) if pred.shape != label.shape else pred.astype("int32")
            label, pred = label.ravel(), pred.ravel()
            if label.size and min(label.min(), pred.min()) < 0:
                raise ValueError("PCC: class indices must not be negative")
            self._grow(int(max(pred.max(), label.max())) + 1 if label.size else self.k)
            batch = numpy.zeros((self.k, self.k))
            numpy.add.at(batch, (pred, label), 1)
            self.lcm += batch
            self.gcm += batch
        self.num_inst += 1
        self.global_num_inst += 1

    def reset(self):
        super().reset()
        self.k = 2
        self.lcm = numpy.zeros((2, 2))
        self.gcm = numpy.zeros((2, 2))

    def reset_local(self):
        super().reset_local()
        self.lcm = numpy.zeros((self.k, self.k))

    def get(self):
        return (self.name, matthews(self.lcm) if self.num_inst else float("nan"))

    def get_global(self):
        if not self._has_global_stats:
            return self.get()
        return (self.name, matthews(self.gcm) if self.global_num_inst else float("nan"))


class RunningPearson:
    """Pearson's r over every value seen, from running means, sums of squares and
    co-deviations, updated exactly as MXNet 1.9.1's ``average='micro'`` does (its
    co-deviation reads the labels' updated mean and the predictions' previous one)."""

    def __init__(self):
        self.count = 0
        self.mean_label = self.mean_pred = 0.0
        self.sse_label = self.sse_pred = 0.0
        self.codeviation = 0.0

    @staticmethod
    def _welford(values, count, mean, m2):
        count += len(values)
        delta = values - mean
        mean += numpy.sum(delta / count)
        m2 += numpy.sum(delta * (values - mean))
        return count, mean, m2

    def add(self, label, pred):
        count, self.mean_label, self.sse_label = self._welford(label, self.count, self.mean_label, self.sse_label)
        self.codeviation += numpy.sum((label - self.mean_label) * (pred - self.mean_pred))
        self.count, self.mean_pred, self.sse_pred = self._welford(pred, self.count, self.mean_pred, self.sse_pred)

    def value(self):
        n = self.count
        return float(self.codeviation / ((n - 1) * numpy.sqrt(self.sse_pred / (n - 1))
                                          * numpy.sqrt(self.sse_label / (n - 1))))
