"""mx.onnx.export_model: every builtin network, the bundled LeNet and the EfficientNet-Lite0
classifier open in ONNX Runtime (onnx.checker passes) and give our outputs within 1e-4."""
import numpy as np
import onnx
import pytest

import core as mx
from core.errors import GraphError
from core.model.checkpoint import load_checkpoint, save_checkpoint
from core.resources import resource_path
from core.zoo.builtin import get_symbol, input_shape, list_networks

from ..zoo_support import session_cache, zoo_cache  # noqa: F401  (fixtures)
from .onnx_support import TOLERANCE, random_params, run_onnxruntime, run_ours

# network -> spatial size small enough for a quick test (None: the size it is built for)
FAST = {"lenet": None, "mlp": None, "alexnet": 64, "vgg11_bn": 32, "resnet18_v1": 32, "resnet18_v2": 32,
        "resnet50_v1": 32, "mobilenet0.25": 32, "mobilenetv2_0.25": 32, "efficientnet-lite0": 64}
SLOW = [name for name in list_networks() if name not in FAST]
# the smallest input the others take: fixed global-pool windows need the full size
FIXED_SIZE = ("inception-bn", "inception-bn-full", "googlenet", "inception-v3", "squeezenet1.0", "squeezenet1.1")


def _check_network(name, size, tmp_path, batch=2):
    net = get_symbol(name, num_classes=7)
    channels, height, width = input_shape(name)
    shape = (batch, channels, size or height, size or width)
    params = random_params(net, {"data": shape})
    x = np.random.default_rng(1).normal(0, 1, shape).astype(np.float32)
    path = mx.onnx.export_model(net, params, [shape], np.float32, tmp_path / f"{name}.onnx")
    onnx.checker.check_model(onnx.load(path), full_check=True)
    ours = run_ours(net, params, {"data": x})[0]
    theirs = run_onnxruntime(path, {"data": x})[0]
    assert theirs.shape == ours.shape == (batch, 7)
    np.testing.assert_allclose(theirs, ours, atol=TOLERANCE, rtol=0)
    assert ours.std() > 1e-3   # the comparison sees real differences between classes


@pytest.mark.parametrize("name", list(FAST))
def test_builtin_network_runs_in_onnxruntime_with_our_numbers(name, tmp_path):
    _check_network(name, FAST[name], tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_every_other_builtin_network(name, tmp_path):
    _check_network(name, None if name in FIXED_SIZE else 32, tmp_path, batch=1)


def test_bundled_fashion_mnist_lenet_exported_from_its_files(tmp_path):
    prefix = resource_path("zoo/fashion-mnist-lenet/fashion-mnist-lenet")
    symbol, args, auxs = load_checkpoint(str(prefix), 10)
    path = mx.onnx.export_model(f"{prefix}-symbol.json", f"{prefix}-0010.params", [(1, 1, 28, 28)],
                                np.float32, tmp_path / "lenet.onnx", dynamic=True)
    x = np.random.default_rng(2).uniform(0, 1, (5, 1, 28, 28)).astype(np.float32)   # batch 5: dynamic
    params = {k: v.asnumpy() for k, v in {**args, **auxs}.items()}
    ours = run_ours(symbol, params, {"data": x})[0]
    theirs = run_onnxruntime(path, {"data": x})[0]
    np.testing.assert_allclose(theirs, ours, atol=TOLERANCE, rtol=0)
    assert theirs.argmax(1).tolist() == ours.argmax(1).tolist()


def test_efficientnet_lite0_classifier_exports(zoo_cache, tmp_path):
    from core.zoo.installer import load_zoo_checkpoint
    spec, symbol, args, auxs = load_zoo_checkpoint("efficientnet-lite0")
    params = {k: v.asnumpy() for k, v in {**args, **auxs}.items()}
    path = mx.onnx.export_model(symbol, params, [(1, 3, 224, 224)], np.float32, tmp_path / "effnet.onnx")
    x = np.random.default_rng(3).normal(0, 1, (1, 3, 224, 224)).astype(np.float32)
    ours = run_ours(symbol, params, {"data": x})[0]
    theirs = run_onnxruntime(path, {"data": x})[0]
    np.testing.assert_allclose(theirs, ours, atol=TOLERANCE, rtol=0)


def test_labels_are_left_out_and_losses_export_their_inference_form():
    net = get_symbol("lenet")
    params = random_params(net, {"data": (1, 1, 28, 28)})
    model = mx.onnx.export_model(net, params, [(1, 1, 28, 28)], onnx_file_path=None)
    assert [value.name for value in model.graph.input] == ["data"]
    assert model.graph.node[-1].op_type == "Softmax"
    assert model.opset_import[0].version >= 17


def test_an_operator_without_a_mapping_is_named_with_its_node():
    data = mx.sym.Variable("data")
    net = mx.sym.topk(mx.sym.FullyConnected(data, num_hidden=3, name="fc"), axis=1, name="pick")
    params = random_params(net, {"data": (1, 4)})
    with pytest.raises(GraphError, match=r"'pick' \(topk\).*ONNX"):
        mx.onnx.export_model(net, params, [(1, 4)], onnx_file_path=None)


def test_a_missing_parameter_is_named():
    net = get_symbol("lenet")
    params = random_params(net, {"data": (1, 1, 28, 28)})
    del params["fc2_weight"]
    with pytest.raises(GraphError, match="in_shapes has 1 shape.*fc2_weight"):
        mx.onnx.export_model(net, params, [(1, 1, 28, 28)], onnx_file_path=None)


def test_symbol_arithmetic_and_shape_operators_export(tmp_path):
    data = mx.sym.Variable("data")
    x = mx.sym.Reshape(data, shape=(0, 3, -1), name="r")
    x = mx.sym.transpose(x, axes=(0, 2, 1), name="t")
    y = mx.sym.broadcast_sub((x * 2.0 + 1.0) / 4.0, mx.sym.mean(x, axis=1, keepdims=True))
    y = mx.sym.clip(mx.sym.LeakyReLU(y, act_type="elu", slope=0.3), a_min=-0.5, a_max=2.0)
    y = mx.sym.Concat(y, mx.sym.sqrt(mx.sym.abs(x)), dim=2)
    net = mx.sym.softmax(mx.sym.sum(y, axis=1), axis=-1)
    x_in = np.random.default_rng(4).normal(0, 1, (2, 3, 4, 2)).astype(np.float32)
    model = mx.onnx.export_model(net, {}, [x_in.shape], onnx_file_path=None, dynamic=True)
    ours = run_ours(net, {}, {"data": x_in})[0]
    np.testing.assert_allclose(run_onnxruntime(model, {"data": x_in})[0], ours, atol=TOLERANCE, rtol=0)
    bigger = np.concatenate([x_in, x_in[:1]])   # the batch axis stays free
    assert run_onnxruntime(model, {"data": bigger})[0].shape == (3, 6)


def test_exported_checkpoint_round_trips_through_import(tmp_path):
    net = get_symbol("resnet18_v1", num_classes=5)
    params = random_params(net, {"data": (1, 3, 32, 32)})
    save_checkpoint(str(tmp_path / "m"), 0, net, {k: mx.nd.array(v) for k, v in params.items()
                                                  if k in net.list_arguments()},
                    {k: mx.nd.array(v) for k, v in params.items() if k in net.list_auxiliary_states()})
    path = mx.onnx.export_model(str(tmp_path / "m-symbol.json"), str(tmp_path / "m-0000.params"),
                                [(1, 3, 32, 32)], np.float32, tmp_path / "m.onnx")
    symbol, args, auxs = mx.onnx.import_model(path)
    x = np.random.default_rng(5).normal(0, 1, (1, 3, 32, 32)).astype(np.float32)
    again = run_ours(symbol, {k: v.asnumpy() for k, v in {**args, **auxs}.items()}, {"data": x})[0]
    np.testing.assert_allclose(again, run_ours(net, params, {"data": x})[0], atol=TOLERANCE, rtol=0)


def test_regression_outputs_export_their_prediction():
    data = mx.sym.Variable("data")
    hidden = mx.sym.FullyConnected(data, num_hidden=3, name="fc")
    x = np.random.default_rng(6).normal(size=(4, 5)).astype(np.float32)
    for loss in (mx.sym.LinearRegressionOutput, mx.sym.LogisticRegressionOutput, mx.sym.MAERegressionOutput):
        net = loss(hidden, name="out")
        params = random_params(net, {"data": x.shape})
        model = mx.onnx.export_model(net, params, [x.shape], onnx_file_path=None)
        assert [value.name for value in model.graph.input] == ["data"]
        np.testing.assert_allclose(run_onnxruntime(model, {"data": x})[0], run_ours(net, params, {"data": x})[0],
                                   atol=TOLERANCE, rtol=0)
