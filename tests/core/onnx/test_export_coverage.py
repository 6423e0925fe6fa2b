"""What the export refuses: every palette operator a classifier can hold is tried
(core/onnx/coverage.py); the common ones export, and each refusal names its operator and
node; a network with several refused nodes gets one message naming them all."""
import pytest

import core as mx
from core.errors import GraphError
from core.onnx.coverage import UNTRIED, classifier_operators, export_coverage

from .onnx_support import random_params

#: what image classifiers and the editor's templates are built from: all must export
COMMON = ["Convolution", "Deconvolution", "Pooling", "FullyConnected", "Embedding", "Flatten", "Activation",
          "LeakyReLU", "hard_sigmoid", "softmax", "log_softmax", "softmin", "SoftmaxActivation", "BatchNorm",
          "InstanceNorm", "GroupNorm", "LayerNorm", "L2Normalization", "LRN", "Dropout", "Concat", "add_n",
          "elemwise_add", "elemwise_mul", "SoftmaxOutput", "MakeLoss", "Crop", "slice", "slice_axis",
          "SliceChannel", "Pad", "UpSampling", "BilinearResize2D", "Reshape", "transpose", "clip", "repeat", "tile",
          "depth_to_space", "space_to_depth", "broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div",
          "broadcast_maximum", "broadcast_minimum", "broadcast_power", "broadcast_axis", "broadcast_like",
          "broadcast_greater", "broadcast_equal", "mean", "max", "sum", "argmax", "dot", "batch_dot", "take"]


def test_the_common_operators_export():
    report = dict(export_coverage(COMMON))
    assert set(report) == set(COMMON)
    assert {name: why for name, why in report.items() if why != "ok"} == {}


def test_every_refusal_names_its_operator_and_node():
    report = export_coverage()
    assert len(report) == len(classifier_operators()) > 150
    refused = {name: why for name, why in report if why != "ok" and not why.startswith(UNTRIED)}
    for name, why in refused.items():
        assert f"node 'node' ({name})" in why, why
    assert "sgd_update" not in dict(report) and "_random_uniform" not in dict(report)


def test_one_message_names_every_refused_node():
    x = mx.sym.Variable("data")
    net = mx.sym.sort(mx.sym.FullyConnected(mx.sym.cumsum(x, name="running"), num_hidden=4, name="fc"), name="order")
    params = random_params(net, {"data": (2, 5)})
    with pytest.raises(GraphError, match=r"cannot export to ONNX: node 'running' \(cumsum\): .*; "
                                         r"node 'order' \(sort\): has no ONNX mapping"):
        mx.onnx.export_model(net, params, [(2, 5)], onnx_file_path=None)
