"""After training: the test set's predictions, accuracy, confusion matrix and the samples
the model got most confidently wrong.

>>> import numpy as np
>>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], 3).tolist()
[[1, 0, 0], [0, 1, 1], [0, 0, 1]]
>>> probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
>>> [m.index for m in worst_misclassified(probs, np.array([0, 0, 1]), 5)]
[1, 2]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Mistake:
    index: int           # position in the evaluated split
    true: int
    predicted: int
    confidence: float    # the probability given to the wrong class
    true_probability: float


@dataclass
class Evaluation:
    """Plain arrays and numbers: safe to hand to the GUI thread."""
    split: str
    labels: np.ndarray
    predicted: np.ndarray
    matrix: np.ndarray
    accuracy: float
    loss: float
    mistakes: list
    source_split: str = ""     # the dataset split the mistakes' indices point into

    def per_class_accuracy(self):
        totals = self.matrix.sum(axis=1)
        return np.divide(np.diag(self.matrix), totals, out=np.zeros(len(totals)), where=totals > 0)

    def summary(self):
        return {"split": self.split, "accuracy": self.accuracy, "loss": self.loss,
                "examples": int(len(self.labels)), "matrix": self.matrix.tolist()}


def confusion_matrix(true, predicted, num_classes):
    """counts[t, p]: examples of class t predicted as p."""
    true = np.asarray(true, np.int64)
    predicted = np.asarray(predicted, np.int64)
    flat = np.bincount(true * num_classes + predicted, minlength=num_classes * num_classes)
    return flat[:num_classes * num_classes].reshape(num_classes, num_classes)


def worst_misclassified(probs, labels, count=24):
    """The wrong answers given with the most confidence, most confident first."""
    probs = np.asarray(probs)
    labels = np.asarray(labels, np.int64)
    predicted = probs.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probs[wrong, predicted[wrong]]
    order = wrong[np.argsort(-confidence, kind="stable")][:count]
    return [Mistake(int(i), int(labels[i]), int(predicted[i]), float(probs[i, predicted[i]]),
                    float(probs[i, labels[i]])) for i in order]


def cross_entropy(probs, labels):
    picked = np.asarray(probs)[np.arange(len(labels)), np.asarray(labels, np.int64)]
    return float(-np.log(np.maximum(picked, 1e-12)).mean()) if len(labels) else 0.0


def evaluate(module, data_iter, labels, num_classes, split="test", worst=24, cancel=None):
    """Run ``module`` over ``data_iter`` (whose examples carry ``labels``, in order)."""
    parts = []
    for outputs, _, _ in module.iter_predict(data_iter):
        if cancel is not None and cancel.cancelled:
            return None
        parts.append(outputs[0].asnumpy().reshape(outputs[0].shape[0], -1))
    probs = np.concatenate(parts, axis=0)[:len(labels)]
    labels = np.asarray(labels, np.int64)
    predicted = probs.argmax(axis=1)
    return Evaluation(split, labels, predicted, confusion_matrix(labels, predicted, num_classes),
                      float((predicted == labels).mean()) if len(labels) else 0.0,
                      cross_entropy(probs, labels), worst_misclassified(probs, labels, worst), split)
