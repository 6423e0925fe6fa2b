"""Builtin networks: output shapes, trainable parameter counts, and parameter names and
shapes identical to MXNet Gluon's exported model_zoo networks (reference recorded with
MXNet 1.9.1 by tests/fixtures/zoo/make_gluon_reference.py). Shape inference only: fast."""
import gzip
import json
import math
from pathlib import Path

import pytest

import core as mx
from core.errors import GraphError, RegistryError
from core.zoo.builtin import get_symbol, input_shape, list_networks

GLUON = json.loads(gzip.decompress(
    (Path(__file__).parents[1] / "fixtures" / "zoo" / "gluon_reference.json.gz").read_bytes()))

# trainable parameters as MXNet Gluon's model_zoo counts them (and the .pth for EfficientNet)
EXPECTED_COUNTS = {
    "resnet18_v1": 11_689_512, "resnet50_v1": 25_575_912, "vgg16": 138_357_544,
    "alexnet": 61_100_840, "mobilenetv2_1.0": 3_504_960, "squeezenet1.1": 1_235_496,
    "efficientnet-lite0": 4_652_008,
}


def shapes(symbol, data_shape):
    args, outs, aux = symbol.infer_shape(data=data_shape)
    params = {n: s for n, s in zip(symbol.list_arguments(), args) if n not in ("data", "softmax_label")}
    return params, dict(zip(symbol.list_auxiliary_states(), aux)), outs


@pytest.mark.parametrize("name", list_networks())
def test_every_builtin_network_classifies_its_input(name):
    net = get_symbol(name)
    params, _, outs = shapes(net, (2,) + input_shape(name))
    expected_classes = {"lenet": 10, "mlp": 10, "inception-bn-28-small": 10, "inception-bn-full": 21841}.get(name, 1000)
    assert outs == [(2, expected_classes)]
    assert net.list_outputs() == ["softmax_output"]
    assert all(d > 0 for s in params.values() for d in s)


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTS))
def test_trainable_parameter_counts_match_gluon(name):
    params, _, _ = shapes(get_symbol(name), (1, 3, 224, 224))
    assert sum(math.prod(s) for s in params.values()) == EXPECTED_COUNTS[name]


# seed 002's builtin_symbols, after MXNet's own example/image-classification symbol files.
# GoogLeNet: Caffe's bvlc_googlenet without its two auxiliary classifiers. Inception-v3:
# Gluon's inception_v3 (= torchvision's without aux logits; Keras' 23,817,352 trainable
# plus its 17,216 BatchNorm gammas), 34,432 running statistics.
SEED_NETWORKS = {"googlenet": ((3, 224, 224), 1000, 6_998_552, 0),
                 "inception-v3": ((3, 299, 299), 1000, 23_834_568, 34_432)}


@pytest.mark.parametrize("name", sorted(SEED_NETWORKS))
def test_seed_networks_have_the_published_parameter_counts(name):
    shape, classes, count, aux_count = SEED_NETWORKS[name]
    params, aux, outs = shapes(get_symbol(name), (2,) + shape)
    assert outs == [(2, classes)] and input_shape(name) == shape
    assert sum(math.prod(s) for s in params.values()) == count
    assert sum(math.prod(s) for s in aux.values()) == aux_count


def _inception_bn_count(stem, stages, fc_in, classes, bias=True):
    """Parameters of an Inception-BN counted by hand from MXNet's file: convolutions
    (k*k*in*out + bias) and BatchNorm (gamma, beta), channel by channel."""
    total = 0

    def conv(cin, cout, k):
        nonlocal total
        total += k * k * cin * cout + (cout if bias else 0) + 2 * cout
        return cout
    channels = 3
    for cout, k in stem:
        channels = conv(channels, cout, k)
    for stage in stages:
        if stage[0] == "A":
            _, n1, r3, n3, rd, nd, proj = stage
            out = conv(channels, n1, 1) + conv(conv(channels, r3, 1), n3, 3)
            out += conv(conv(conv(channels, rd, 1), nd, 3), nd, 3) + conv(channels, proj, 1)
        elif stage[0] == "B":
            _, r3, n3, rd, nd = stage
            out = conv(conv(channels, r3, 1), n3, 3) + conv(conv(conv(channels, rd, 1), nd, 3), nd, 3) + channels
        elif stage[0] == "simple":
            out = conv(channels, stage[1], 1) + conv(channels, stage[2], 3)
        else:                                                  # "down"
            out = conv(channels, stage[1], 3) + channels
        channels = out
    assert channels == fc_in
    return total + fc_in * classes + classes


def test_inception_bn_variants_count_as_their_mxnet_files():
    full = _inception_bn_count(
        [(96, 7), (128, 1), (288, 3)],
        [("A", 96, 96, 96, 96, 144, 48), ("A", 96, 96, 144, 96, 144, 96), ("B", 192, 240, 96, 144),
         ("A", 224, 64, 96, 96, 128, 128), ("A", 192, 96, 128, 96, 128, 128), ("A", 160, 128, 160, 128, 160, 128),
         ("A", 96, 128, 192, 160, 96, 128), ("B", 128, 192, 192, 256), ("A", 352, 192, 320, 160, 224, 128),
         ("A", 352, 192, 320, 192, 224, 128)], 1024, 21841)
    small = _inception_bn_count(
        [(96, 3)], [("simple", 32, 32), ("simple", 32, 48), ("down", 80), ("simple", 112, 48), ("simple", 96, 64),
                    ("simple", 80, 80), ("simple", 48, 96), ("down", 96), ("simple", 176, 160),
                    ("simple", 176, 160)], 336, 10)
    for name, expected, side in (("inception-bn-full", full, 224), ("inception-bn-28-small", small, 28)):
        params, aux, _ = shapes(get_symbol(name), (1, 3, side, side))
        assert sum(math.prod(s) for s in params.values()) == expected, name
    assert (full, small) == (33_619_969, 1_652_826)


def test_the_seed_s_module_path_builds_every_builtin():
    net = mx.builtin_symbols.symbol_inception_v3.get_symbol(num_classes=7)
    assert net.infer_shape(data=(1, 3, 299, 299))[1] == [(1, 7)]
    assert "symbol_inception_bn_28_small" in dir(mx.builtin_symbols)
    assert len(dir(mx.builtin_symbols)) == len(list_networks())
    with pytest.raises(AttributeError, match="symbol_googlenet"):
        mx.builtin_symbols.symbol_nope


@pytest.mark.parametrize("name", sorted(GLUON))
def test_parameter_names_and_shapes_equal_gluon_export(name):
    params, aux, _ = shapes(get_symbol(name), (1, 3, 224, 224))
    reference = GLUON[name]
    assert params == {k: tuple(v) for k, v in reference["args"].items()}
    assert aux == {k: tuple(v) for k, v in reference["aux"].items()}


def test_num_classes_changes_only_the_classifier():
    net = get_symbol("resnet18_v1", num_classes=7)
    params, _, outs = shapes(net, (1, 3, 224, 224))
    assert outs == [(1, 7)]
    assert params["resnetv10_dense0_weight"] == (7, 512)


def test_names_do_not_drift_between_builds():
    assert get_symbol("lenet").list_arguments() == get_symbol("lenet").list_arguments()
    assert get_symbol("inception-bn").list_arguments()[:3] == ["data", "conv_1_weight", "conv_1_bias"]


def test_efficientnet_pads_unevenly_before_strided_convolutions():
    net = get_symbol("efficientnet-lite0")
    internals = net.get_internals()
    names = internals.list_outputs()
    assert "conv_stem_pad_output" in names          # 224 -> 225 (0 top/left, 1 bottom/right)
    _, outs, _ = internals["conv_stem_pad_output"].infer_shape(data=(1, 3, 224, 224))
    assert outs == [(1, 3, 225, 225)]
    _, outs, _ = internals["relu1_output"].infer_shape(data=(1, 3, 224, 224))
    assert outs == [(1, 1280, 7, 7)]


def test_mx_mlp_matches_the_seed_call():
    net = mx.mlp(hidden_node=[256, 100, 50], out_node=10, act_type="relu")
    params, _, outs = shapes(net, (4, 784))
    assert outs == [(4, 10)]
    assert params["fc1_weight"] == (256, 784) and params["fc4_weight"] == (10, 50)


def test_lenet_is_seed_001s_layout():
    net = get_symbol("lenet")
    params, _, _ = shapes(net, (1, 1, 28, 28))
    assert params["conv1_weight"] == (6, 1, 5, 5) and params["conv2_weight"] == (16, 6, 3, 3)
    assert [params[f"fc{i}_weight"] for i in (1, 2, 3)] == [(120, 400), (84, 120), (10, 84)]


def test_bad_names_and_options_are_clear():
    with pytest.raises(RegistryError, match="resnet18_v1"):
        get_symbol("resnet19")
    with pytest.raises(GraphError, match="num_layers=20"):
        from core.zoo.builtin import resnet
        resnet.get_symbol(num_layers=20)
    with pytest.raises(GraphError, match="positive"):
        mx.mlp(hidden_node=[0], out_node=10)
