"""Networks written by Apache MXNet 1.9.1 load here and compute what MXNet computed.

Fixtures: tests/fixtures/mxnet (see make_fixtures.py there; manifest.json lists shapes,
parameter counts and every operator/attribute the graphs use). Gluon nets are compared in
inference mode within rtol 1e-4; the LeNet checkpoint's probabilities within 1e-5.
"""
import json
from pathlib import Path

import numpy as np
import pytest

import core as mx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mxnet"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text())
GLUON_NETS = sorted(MANIFEST["nets"])


def npz(name):
    with np.load(FIXTURES / name, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def split_params(loaded):
    args = {k[4:]: v for k, v in loaded.items() if k.startswith("arg:")}
    aux = {k[4:]: v for k, v in loaded.items() if k.startswith("aux:")}
    assert len(args) + len(aux) == len(loaded)
    return args, aux


def load_net(name):
    info = MANIFEST["nets"][name]
    symbol = mx.sym.load(str(FIXTURES / info["symbol"]))
    args, aux = split_params(mx.nd.load(str(FIXTURES / info["params"])))
    return symbol, args, aux


def bound(symbol, args, aux, **shapes):
    exe = symbol.simple_bind(mx.cpu(), grad_req="null", **shapes)
    for name, value in args.items():
        value.copyto(exe.arg_dict[name])
    for name, value in aux.items():
        value.copyto(exe.aux_dict[name])
    return exe


def test_every_fixture_operator_is_registered():
    used = set(MANIFEST["inventory"]) - {"null"}
    missing = sorted(used - set(mx.ops.OPS))
    assert not missing, f"operators used by MXNet's fixtures but not registered: {missing}"


@pytest.mark.parametrize("name", GLUON_NETS)
def test_symbol_arguments_match_the_exported_params(name):
    symbol, args, aux = load_net(name)
    assert sorted(symbol.list_arguments()) == sorted(["data", *args])
    assert sorted(symbol.list_auxiliary_states()) == sorted(aux)
    counts = MANIFEST["nets"][name]["params_count"]
    assert sum(v.size for v in args.values()) == counts["arg_params"]
    assert sum(v.size for v in aux.values()) == counts["aux_params"]
    arg_shapes, out_shapes, aux_shapes = symbol.infer_shape(
        data=tuple(MANIFEST["nets"][name]["input_shape"]))
    by_name = dict(zip(symbol.list_arguments(), arg_shapes))
    assert all(tuple(by_name[k]) == v.shape for k, v in args.items())
    assert [tuple(s) for s in out_shapes] == [tuple(MANIFEST["nets"][name]["output_shape"])]
    assert [tuple(s) for s in aux_shapes] == [aux[k].shape for k in symbol.list_auxiliary_states()]


@pytest.mark.parametrize("name", GLUON_NETS)
def test_gluon_export_gives_mxnet_outputs(name):
    symbol, args, aux = load_net(name)
    reference = npz(MANIFEST["nets"][name]["npz"])
    exe = bound(symbol, args, aux, data=reference["data"].shape)
    output = exe.forward(is_train=False, data=mx.nd.array(reference["data"]))[0].asnumpy()
    np.testing.assert_allclose(output, reference["output"], rtol=1e-4, atol=1e-5)
    assert np.array_equal(exe.outputs[0].asnumpy(), output)


def test_bind_with_given_arrays_and_json_round_trip():
    symbol, args, aux = load_net("resnet_v2")
    reference = npz("resnet_v2.npz")
    again = mx.sym.load_json(symbol.tojson())
    assert again.list_arguments() == symbol.list_arguments()
    exe = again.bind(mx.cpu(), args={**args, "data": mx.nd.array(reference["data"])},
                     grad_req="null", aux_states=aux)
    output = exe.forward(is_train=False)[0].asnumpy()
    np.testing.assert_allclose(output, reference["output"], rtol=1e-4, atol=1e-5)


def test_inference_does_not_touch_batchnorm_running_stats():
    symbol, args, aux = load_net("mobilenet_v1")
    reference = npz("mobilenet_v1.npz")
    exe = bound(symbol, args, aux, data=reference["data"].shape)
    exe.forward(is_train=False, data=mx.nd.array(reference["data"]))
    for name, value in aux.items():
        np.testing.assert_array_equal(exe.aux_dict[name].asnumpy(), value.asnumpy())


# ---------------------------------------------------------------- LeNet, Module checkpoint

def lenet_images(images):
    return (images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)


def test_lenet_checkpoint_probabilities_with_the_executor():
    reference = npz("lenet.npz")
    symbol = mx.sym.load(str(FIXTURES / "lenet-symbol.json"))
    args, aux = split_params(mx.nd.load(str(FIXTURES / "lenet-0001.params")))
    images = lenet_images(reference["test_images"])
    exe = bound(symbol, args, aux, data=images.shape, softmax_label=(len(images),))
    prob = exe.forward(is_train=False, data=mx.nd.array(images))[0].asnumpy()
    np.testing.assert_allclose(prob, reference["test_prob"], rtol=1e-5, atol=1e-6)


def test_lenet_checkpoint_predicts_like_mxnet_with_module():
    reference = npz("lenet.npz")
    symbol, arg_params, aux_params = mx.model.load_checkpoint(str(FIXTURES / "lenet"), 1)
    images = lenet_images(reference["test_images"])
    mod = mx.mod.Module(symbol=symbol, context=mx.cpu())
    mod.bind(for_training=False, data_shapes=[("data", images.shape)])
    mod.set_params(arg_params, aux_params)
    prob = mod.predict(mx.io.NDArrayIter(images, None, len(images))).asnumpy()
    np.testing.assert_allclose(prob, reference["test_prob"], rtol=1e-5, atol=1e-6)


def test_lenet_one_epoch_from_mxnet_initial_weights_ends_at_mxnet_weights():
    """Same start (lenet-0000), data order, batch size and SGD as MXNet's Module.fit."""
    settings = MANIFEST["lenet"]["training"]
    reference = npz("lenet.npz")
    symbol, arg0, aux0 = mx.model.load_checkpoint(str(FIXTURES / "lenet"), 0)
    train = mx.io.NDArrayIter(lenet_images(reference["train_images"]),
                              reference["train_labels"].astype(np.float32),
                              settings["batch_size"], shuffle=False, label_name="softmax_label")
    mod = mx.mod.Module(symbol=symbol, context=mx.cpu())
    metric = mx.metric.Accuracy()
    mod.fit(train, num_epoch=1, arg_params=arg0, aux_params=aux0, eval_metric=metric,
            optimizer="sgd", optimizer_params={"learning_rate": settings["learning_rate"]})
    trained, _ = mod.get_params()
    _, want, _ = mx.model.load_checkpoint(str(FIXTURES / "lenet"), 1)
    for name, value in want.items():
        np.testing.assert_allclose(trained[name].asnumpy(), value.asnumpy(), rtol=1e-3,
                                   atol=1e-4, err_msg=name)
    assert abs(metric.get()[1] - settings["train_accuracy"]) <= 0.002
