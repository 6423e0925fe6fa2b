"""Metrics: hand-checked values (the same inputs give these values in MXNet 1.9.1)."""
import math

import numpy as np
import pytest

import core as mx
from core.errors import DataError, RegistryError

PROBS = mx.nd.array([[0.3, 0.7], [0.0, 1.0], [0.4, 0.6]])
LABELS = mx.nd.array([0, 1, 1])


def test_accuracy_argmaxes_scores_and_accumulates():
    acc = mx.metric.Accuracy()
    acc.update([LABELS], [PROBS])
    assert acc.get() == ("accuracy", 2 / 3)
    acc.update([mx.nd.array([1])], [mx.nd.array([1])])   # class ids directly
    assert acc.get()[1] == 3 / 4 and acc.num_inst == 4 and acc.sum_metric == 3
    acc.reset()
    assert math.isnan(acc.get()[1])


def test_top_k_accuracy():
    scores = mx.nd.array([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2], [0.2, 0.5, 0.3]])
    top2 = mx.metric.create("top_k_accuracy", top_k=2)
    top2.update([mx.nd.array([1, 2, 0])], [scores])
    assert top2.get() == ("top_k_accuracy_2", 1 / 3)   # only the first: 1 is in {2, 1}


def test_cross_entropy_and_nll():
    ce = mx.metric.create("ce")
    ce.update([LABELS], [PROBS])
    expected = -(math.log(0.3 + 1e-12) + math.log(1.0 + 1e-12) + math.log(0.6 + 1e-12)) / 3
    assert ce.get()[1] == pytest.approx(expected, rel=1e-6)
    assert ce.get()[0] == "cross-entropy"
    nll = mx.metric.create("nll_loss")
    nll.update([LABELS], [PROBS])
    assert nll.get() == ("nll-loss", ce.get()[1])


def test_regression_metrics_average_per_update():
    label, pred = mx.nd.array([1, 2, 3, 4]), mx.nd.array([1.5, 2, 2, 4])
    values = {}
    for name in ("mse", "rmse", "mae"):
        metric = mx.metric.create(name)
        metric.update([label], [pred])
        metric.update([mx.nd.array([0.0])], [mx.nd.array([2.0])])
        values[name] = metric.get()[1]
    assert values["mse"] == pytest.approx((1.25 / 4 + 4) / 2)
    assert values["rmse"] == pytest.approx((math.sqrt(1.25 / 4) + 2) / 2)
    assert values["mae"] == pytest.approx((1.5 / 4 + 2) / 2)


def test_f1_binary_macro_and_micro():
    preds = mx.nd.array([[0.2, 0.8], [0.7, 0.3], [0.1, 0.9], [0.6, 0.4]])   # predicted 1, 0, 1, 0
    labels = mx.nd.array([1, 1, 0, 0])   # tp=1 fp=1 fn=1 tn=1 -> precision = recall = f1 = 0.5
    f1 = mx.metric.create("f1")
    f1.update([labels], [preds])
    assert f1.get() == ("f1", 0.5)
    f1.update([mx.nd.array([1])], [mx.nd.array([[0.0, 1.0]])])   # a perfect batch: macro mean of 0.5, 1
    assert f1.get()[1] == 0.75
    micro = mx.metric.F1(average="micro")
    micro.update([labels], [preds])
    micro.update([mx.nd.array([1])], [mx.nd.array([[0.0, 1.0]])])   # tp=2 fp=1 fn=1 -> 2/3
    assert micro.get()[1] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="binary"):
        f1.update([mx.nd.array([0, 1, 2])], [mx.nd.ones((3, 3))])


def test_perplexity_and_loss():
    perplexity = mx.metric.Perplexity(ignore_label=None)
    perplexity.update([LABELS], [mx.nd.array([[0.5, 0.5], [0.25, 0.75], [0.5, 0.5]])])
    assert perplexity.get()[1] == pytest.approx(math.exp(-(2 * math.log(0.5) + math.log(0.75)) / 3), rel=1e-6)
    loss = mx.metric.create("loss")
    loss.update(None, [mx.nd.array([1.0, 2.0, 6.0])])
    assert loss.get() == ("loss", 3.0)


def test_composite_and_list_create():
    composite = mx.metric.create(["acc", "ce"])
    composite.update([LABELS], [PROBS])
    names, values = composite.get()
    assert names == ["accuracy", "cross-entropy"] and values[0] == 2 / 3
    assert composite.get_name_value()[0] == ("accuracy", 2 / 3)


def test_custom_numpy_metric():
    def abs_error(label, pred):
        return np.abs(label - pred).sum(), label.size

    metric = mx.metric.np(abs_error)
    metric.update([mx.nd.array([1, 2])], [mx.nd.array([2, 4])])
    assert metric.get() == ("abs_error", 1.5)
    by_lambda = mx.metric.create(lambda label, pred: 2.0)
    by_lambda.update([LABELS], [PROBS])
    assert by_lambda.get() == ("custom(<lambda>)", 2.0)


def test_a_numpy_metric_may_return_an_array_of_one_number():
    def binary_acc(label, pred):        # seed 002, as written for NumPy 1.x
        return np.array([np.mean((pred[:, 1] > 0.5) == label)])

    metric = mx.metric.np(binary_acc)
    metric.update([mx.nd.array([1, 0, 1])], [mx.nd.array([[0.2, 0.8], [0.9, 0.1], [0.6, 0.4]])])
    assert metric.get() == ("binary_acc", 2 / 3)
    several = mx.metric.np(lambda label, pred: np.array([1.0, 2.0]))
    with pytest.raises(DataError, match="returned 2 values of shape \\(2,\\); it must return one number"):
        several.update([LABELS], [PROBS])


def test_update_dict_picks_outputs_by_name():
    acc = mx.metric.Accuracy(output_names=["softmax_output"], label_names=["softmax_label"])
    acc.update_dict({"softmax_label": LABELS}, {"other_output": mx.nd.zeros((3, 2)), "softmax_output": PROBS})
    assert acc.get()[1] == 2 / 3


def test_global_stats_survive_reset_local():
    acc = mx.metric.Accuracy()
    acc.update([LABELS], [PROBS])
    acc.reset_local()
    acc.update([mx.nd.array([0])], [mx.nd.array([[1.0, 0.0]])])
    assert acc.get()[1] == 1.0 and acc.get_global()[1] == 3 / 4


def test_mismatched_counts_and_unknown_names():
    with pytest.raises(ValueError, match="does not match"):
        mx.metric.Accuracy().update([LABELS, LABELS], [PROBS])
    with pytest.raises(RegistryError, match="unknown metric 'accuracy2'"):
        mx.metric.create("accuracy2")


def test_config_round_trip():
    acc = mx.metric.create(mx.metric.Accuracy(axis=1, name="val-acc").get_config())
    assert isinstance(acc, mx.metric.Accuracy) and acc.name == "val-acc"
