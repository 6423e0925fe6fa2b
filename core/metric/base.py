"""The metric protocol of MXNet 1.x: EvalMetric, the registry, Composite and Custom metrics.

>>> import core as mx
>>> acc = mx.metric.create("acc")
>>> acc.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
>>> acc.get()
('accuracy', 0.6666666666666666)
"""
from __future__ import annotations

import json
import numbers
from collections import OrderedDict

import numpy

from ..errors import DataError
from ..ndarray.ndarray import NDArray
from ..registry import Registry

_REGISTRY = Registry("metric")  # base set below, once EvalMetric exists


def host(array):
    """A NumPy array from an NDArray or anything array-like (metrics run on the host)."""
    return array.asnumpy() if isinstance(array, NDArray) else numpy.asarray(array)


def check_label_shapes(labels, preds, wrap=False, shape=False):
    """Raise ValueError when the number (or shape) of labels and predictions differ;
    with ``wrap`` a single array becomes a one-item list."""
    if shape:
        label_shape, pred_shape = tuple(labels.shape), tuple(preds.shape)
    else:
        label_shape, pred_shape = len(labels), len(preds)
    if label_shape != pred_shape:
        raise ValueError(f"Shape of labels {label_shape} does not match shape of predictions {pred_shape}")
    if wrap:
        if isinstance(labels, (NDArray, numpy.ndarray)):
            labels = [labels]
        if isinstance(preds, (NDArray, numpy.ndarray)):
            preds = [preds]
    return labels, preds


def register(klass, name=None):
    """Make a metric class creatable by its lower-case name (``create('accuracy')``)."""
    return _REGISTRY.register(klass, name)


def alias(*names):
    return _REGISTRY.alias(*names)


def names():
    return _REGISTRY.names()


def create(metric, *args, **kwargs):
    """A metric from a name ('acc', 'ce', 'mse' ...), a JSON/dict config, a list of them
    (a CompositeEvalMetric), a function ``f(label, pred)`` (a CustomMetric) or an instance."""
    if isinstance(metric, EvalMetric):
        return metric
    if callable(metric):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, (list, tuple)):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    if isinstance(metric, dict):
        config = dict(metric)
        return create(config.pop("metric"), **config)
    if not isinstance(metric, str):
        raise TypeError(f"create: expected a metric name, list, function or EvalMetric, got {type(metric).__name__}")
    if metric.lstrip().startswith(("[", "{")):
        decoded = json.loads(metric)
        if isinstance(decoded, dict):
            return create(decoded)
        name, params = decoded
        return create(name, **params)
    return _REGISTRY.get(metric)(*args, **kwargs)


class EvalMetric:
    """Base: ``update(labels, preds)`` adds to ``sum_metric`` and ``num_inst``; ``get()``
    gives ``(name, sum_metric / num_inst)``. The global counters survive ``reset_local``."""

    def __init__(self, name, output_names=None, label_names=None, **kwargs):
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop("has_global_stats", False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self):
        return f"EvalMetric: {dict(self.get_name_value())}"

    def get_config(self):
        config = self._kwargs.copy()
        config.update({"metric": type(self).__name__, "name": self.name,
                       "output_names": self.output_names, "label_names": self.label_names})
        return config

    def update_dict(self, label, pred):
        """Update from dicts name -> array, choosing by output_names/label_names."""
        pred = [pred[n] for n in self.output_names] if self.output_names is not None else list(pred.values())
        label = [label[n] for n in self.label_names] if self.label_names is not None else list(label.values())
        self.update(label, pred)

    def update(self, labels, preds):
        raise NotImplementedError(f"{type(self).__name__} must define update")

    def _add(self, value, count):
        """Add to the local and the global counters at once."""
        # NOTE: sums are float64 (Python floats), as MXNet's end up under NumPy 1.x promotion
        value = float(value)
        self.sum_metric += value
        self.global_sum_metric += value
        self.num_inst += count
        self.global_num_inst += count

    def reset(self):
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self):
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self):
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self.sum_metric / self.num_inst)

    def get_global(self):
        if not self._has_global_stats:
            return self.get()
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self.global_sum_metric / self.global_num_inst)

    def get_name_value(self):
        return _pairs(*self.get())

    def get_global_name_value(self):
        return _pairs(*self.get_global()) if self._has_global_stats else self.get_name_value()


def _pairs(name, value):
    names = name if isinstance(name, list) else [name]
    values = value if isinstance(value, list) else [value]
    return list(zip(names, values))


@register
@alias("composite")
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; ``get()`` gives lists of names and values."""

    def __init__(self, metrics=None, name="composite", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)
        self.metrics = [create(m) for m in (metrics or [])]

    def add(self, metric):
        self.metrics.append(create(metric))

    def get_metric(self, index):
        try:
            return self.metrics[index]
        except IndexError:
            return ValueError(f"Metric index {index} is out of range 0 and {len(self.metrics)}")

    def update_dict(self, labels, preds):
        if self.label_names is not None:
            labels = OrderedDict(i for i in labels.items() if i[0] in self.label_names)
        if self.output_names is not None:
            preds = OrderedDict(i for i in preds.items() if i[0] in self.output_names)
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels, preds):
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self):
        for metric in getattr(self, "metrics", []):
            metric.reset()

    def reset_local(self):
        for metric in self.metrics:
            metric.reset_local()

    def _collect(self, getter):
        names, values = [], []
        for metric in self.metrics:
            name, value = getter(metric)
            names.extend([name] if isinstance(name, str) else name)
            values.extend([value] if isinstance(value, numbers.Number) else value)
        return (names, values)

    def get(self):
        return self._collect(lambda m: m.get())

    def get_global(self):
        return self._collect(lambda m: m.get_global())

    def get_config(self):
        config = super().get_config()
        config["metrics"] = [m.get_config() for m in self.metrics]
        return config


@register
class CustomMetric(EvalMetric):
    """A metric from ``feval(label, pred)`` on NumPy arrays, returning a value (averaged
    over updates) or ``(sum, count)``."""

    def __init__(self, feval, name=None, allow_extra_outputs=False, output_names=None, label_names=None):
        if name is None:
            name = feval.__name__
            if "<" in name:
                name = f"custom({name})"
        super().__init__(name, feval=feval, allow_extra_outputs=allow_extra_outputs,
                         output_names=output_names, label_names=label_names, has_global_stats=True)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels, preds):
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels):
            result = self._feval(host(label), host(pred))
            if isinstance(result, tuple):
                self._add(self._scalar(result[0]), self._scalar(result[1]))
            else:
                self._add(self._scalar(result), 1)

    def _scalar(self, value):
        """A number from what feval returned: a Python or NumPy number, or an array of one
        element (seed 002's ``binary_acc`` returns ``np.array([acc])``)."""
        array = numpy.asarray(value.asnumpy() if isinstance(value, NDArray) else value)
        if array.size != 1:
            raise DataError(f"metric {self.name!r}: its function returned {array.size} values of shape "
                            f"{array.shape}; it must return one number (or a (sum, count) pair)")
        return array.reshape(()).item()

    def get_config(self):
        raise NotImplementedError("CustomMetric cannot be serialized")


def np(numpy_feval, name=None, allow_extra_outputs=False):
    """A CustomMetric from a function of NumPy arrays (``mx.metric.np(f)``)."""
    def feval(label, pred):
        return numpy_feval(label, pred)
    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)


_REGISTRY.base = EvalMetric
