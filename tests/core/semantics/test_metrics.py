"""Issue 23 point 5: every metric's local and global values around reset_local(), as
MXNet 1.9.1 computes them."""
import pytest

import core as mx
from tests.core.semantics.mxnet_answers import array, facts

METRICS = facts()["metrics"]


@pytest.mark.parametrize("case", METRICS, ids=[f"{m['name']}-{m['kwargs']}" for m in METRICS])
def test_local_and_global_values_follow_mxnet_around_reset_local(case):
    metric = mx.metric.create(case["name"], **case["kwargs"])
    for i, (local, global_) in enumerate(case["local_global"]):
        if i == 2:
            metric.reset_local()
        label = array(f"metrics/{case['kind']}/{i}/label")
        pred = array(f"metrics/{case['kind']}/{i}/pred")
        metric.update([mx.nd.array(label)], [mx.nd.array(pred)])
        assert metric.get()[1] == pytest.approx(local, rel=1e-5, abs=1e-7)
        assert metric.get_global()[1] == pytest.approx(global_, rel=1e-5, abs=1e-7)
