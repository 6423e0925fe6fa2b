"""Classification metrics with MXNet 1.9.1's exact arithmetic: Accuracy, TopKAccuracy,
F1, MCC, CrossEntropy, NegativeLogLikelihood, Perplexity.

>>> import core as mx
>>> ce = mx.metric.CrossEntropy()
>>> ce.update([mx.nd.array([0, 1])], [mx.nd.array([[0.5, 0.5], [0.2, 0.8]])])
>>> round(ce.get()[1], 6)
0.458145
"""
from __future__ import annotations

import math

import numpy

from .base import EvalMetric, alias, check_label_shapes, host, register


@register
@alias("acc")
class Accuracy(EvalMetric):
    """Fraction of predictions equal to the label; class scores are argmax-ed over ``axis``."""

    def __init__(self, axis=1, name="accuracy", output_names=None, label_names=None):
        super().__init__(name, axis=axis, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.axis = axis

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = host(label), host(pred)
            if pred.shape != label.shape:
                pred = numpy.argmax(pred, axis=self.axis)
            pred = pred.astype("int32").ravel()
            label = label.astype("int32").ravel()
            check_label_shapes(label, pred)
            self._add(int((pred == label).sum()), len(pred))


@register
@alias("top_k_accuracy", "top_k_acc")
class TopKAccuracy(EvalMetric):
    """Fraction of examples whose label is among the top_k highest scores."""

    def __init__(self, top_k=1, name="top_k_accuracy", output_names=None, label_names=None):
        super().__init__(name, top_k=top_k, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        if top_k <= 1:
            raise ValueError(f"TopKAccuracy: top_k must be above 1 (got {top_k}); use Accuracy for top 1")
        self.top_k = top_k
        self.name += f"_{top_k}"

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            pred = host(pred).astype("float32")
            if pred.ndim > 2:
                raise ValueError(f"TopKAccuracy: predictions must have at most 2 dimensions, got {pred.shape}")
            order = numpy.argpartition(pred, -self.top_k)
            label = host(label).astype("int32")
            check_label_shapes(label, order)
            if order.ndim == 1:
                correct = int((order.flat == label.flat).sum())
            else:
                classes = order.shape[1]
                correct = sum(int((order[:, classes - 1 - j].flat == label.flat).sum())
                              for j in range(min(classes, self.top_k)))
            self._add(correct, order.shape[0])


class BinaryCounts:
    """True/false positives/negatives of a two-class problem (label 1 is positive)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.tp = self.fp = self.fn = self.tn = 0

    def update(self, label, pred, metric_name):
        pred, label = host(pred), host(label).astype("int32")
        pred_label = numpy.argmax(pred, axis=1)
        check_label_shapes(label, pred)
        if len(numpy.unique(label)) > 2:
            raise ValueError(f"{metric_name} currently only supports binary classification "
                             f"(labels found: {numpy.unique(label).tolist()})")
        pred_true, label_true = pred_label == 1, label == 1
        self.tp += int((pred_true & label_true).sum())
        self.fp += int((pred_true & ~label_true).sum())
        self.fn += int((~pred_true & label_true).sum())
        self.tn += int((~pred_true & ~label_true).sum())

    @property
    def total(self):
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self):
        return self.tp / (self.tp + self.fp) if self.tp + self.fp > 0 else 0.0

    @property
    def recall(self):
        return self.tp / (self.tp + self.fn) if self.tp + self.fn > 0 else 0.0

    @property
    def fscore(self):
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    @property
    def matthewscc(self):
        if not self.total:
            return 0.0
        terms = [self.tp + self.fp, self.tp + self.fn, self.tn + self.fp, self.tn + self.fn]
        denom = math.prod(float(t) for t in terms if t != 0)
        return (self.tp * self.tn - self.fp * self.fn) / math.sqrt(denom)


class _BinaryMetric(EvalMetric):
    """F1 and MCC: 'macro' averages the score of each update, 'micro' scores all examples.

    Counts are kept twice, as MXNet does: since the last ``reset_local`` (local) and since
    the last ``reset`` (global), so a micro average's global value spans local resets.
    """

    def __init__(self, name, output_names, label_names, average):
        self.average = average
        self.counts = BinaryCounts()
        self.global_counts = BinaryCounts()
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def score(self, counts):
        raise NotImplementedError

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            self.counts.update(label, pred, type(self).__name__)
            self.global_counts.update(label, pred, type(self).__name__)
        if self.average == "macro":
            self._add(self.score(self.counts), 1)
            self.counts.reset()
            self.global_counts.reset()
        else:
            self.sum_metric = self.score(self.counts) * self.counts.total
            self.num_inst = self.counts.total
            self.global_sum_metric = self.score(self.global_counts) * self.global_counts.total
            self.global_num_inst = self.global_counts.total

    def reset(self):
        super().reset()
        self.counts.reset()
        self.global_counts.reset()

    def reset_local(self):
        super().reset_local()
        self.counts.reset()


@register
class F1(_BinaryMetric):
    def __init__(self, name="f1", output_names=None, label_names=None, average="macro"):
        super().__init__(name, output_names, label_names, average)

    def score(self, counts):
        return counts.fscore


@register
class MCC(_BinaryMetric):
    def __init__(self, name="mcc", output_names=None, label_names=None, average="macro"):
        super().__init__(name, output_names, label_names, average)

    def score(self, counts):
        return counts.matthewscc


def _picked_probabilities(label, pred):
    label = host(label).ravel()
    pred = host(pred)
    if label.shape[0] != pred.shape[0]:
        raise ValueError(f"{label.shape[0]} labels for {pred.shape[0]} predictions")
    return pred[numpy.arange(label.shape[0], dtype=numpy.int64), numpy.int64(label)]


@register
@alias("ce")
class CrossEntropy(EvalMetric):
    """Mean of ``-log(p[label] + eps)`` over examples."""

    def __init__(self, eps=1e-12, name="cross-entropy", output_names=None, label_names=None):
        super().__init__(name, eps=eps, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.eps = eps

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            prob = _picked_probabilities(label, pred)
            self._add((-numpy.log(prob + self.eps)).sum(), prob.shape[0])


@register
@alias("nll_loss")
class NegativeLogLikelihood(CrossEntropy):
    def __init__(self, eps=1e-12, name="nll-loss", output_names=None, label_names=None):
        super().__init__(eps, name, output_names, label_names)


@register
class Perplexity(EvalMetric):
    """``exp`` of the mean negative log-probability of the labels, skipping ignore_label."""

    def __init__(self, ignore_label, axis=-1, name="perplexity", output_names=None, label_names=None):
        super().__init__(name, ignore_label=ignore_label, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels, preds):
        if len(labels) != len(preds):
            raise ValueError(f"{len(labels)} labels for {len(preds)} predictions")
        loss, num = 0.0, 0
        for label, pred in zip(labels, preds):
            label, pred = host(label), host(pred)
            if label.size != pred.size / pred.shape[-1]:
                raise ValueError(f"Perplexity: shape mismatch: {label.shape} vs. {pred.shape}")
            label = label.reshape(-1).astype("int32")
            moved = numpy.moveaxis(pred, self.axis, -1).reshape(-1, pred.shape[self.axis])
            picked = moved[numpy.arange(label.size), label]
            if self.ignore_label is not None:
                ignore = (label == self.ignore_label).astype(picked.dtype)
                num -= int(ignore.sum())
                picked = picked * (1 - ignore) + ignore
            loss -= float(numpy.log(numpy.maximum(1e-10, picked)).sum())
            num += picked.size
        self._add(loss, num)

    def get(self):
        return (self.name, float("nan") if self.num_inst == 0 else math.exp(self.sum_metric / self.num_inst))

    def get_global(self):
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.global_sum_metric / self.global_num_inst))
