"""Issue 23 point 14: lr_mult, wd_mult, ctx_group, __init__, __shape__ and user keys on
Variables, operator nodes and through mx.AttrScope, as MXNet 1.9.1 keeps them."""
import json

import numpy as np
import pytest

import core as mx
from core.errors import GraphError
from tests.core.semantics.mxnet_answers import cases, facts

def _comparable(name, attrs, node_is_variable_made_by_op):
    # NOTE: MXNet also copies an operator's own attributes (num_filter ...) onto the weight
    # variables it makes; we copy only the node's hidden/user attributes.
    if node_is_variable_made_by_op:
        return {k: v for k, v in attrs.items() if k.startswith("__") or k in ("lr_mult", "wd_mult", "ctx_group")}
    return attrs


def test_attributes_are_kept_listed_and_saved_as_mxnet_does():
    expected = facts()["attributes"]
    net = cases.attributed_net(mx)
    made_by_op = {"conv_weight", "conv_bias", "fc_bias"}
    ours = {n: _comparable(n, a, n in made_by_op) for n, a in net.attr_dict().items()}
    theirs = {n: _comparable(n, a, n in made_by_op) for n, a in expected["attr_dict"].items()}
    assert ours == theirs
    saved = {n["name"]: n.get("attrs", {}) for n in json.loads(net.tojson())["nodes"]}
    for node in expected["nodes"]:
        assert _comparable(node["name"], saved[node["name"]], node["name"] in made_by_op) == \
            _comparable(node["name"], node.get("attrs", {}), node["name"] in made_by_op)
    assert mx.sym.load_json(net.tojson()).attr_dict() == net.attr_dict()
    conv = net.get_internals()["conv_output"]
    assert {k: conv.attr(k) for k in expected["conv_attr"]} == expected["conv_attr"]


def test_the_optimizer_reads_lr_mult_and_wd_mult_from_the_symbol():
    expected = facts()["attributes"]
    loaded = mx.sym.load_json(cases.attributed_net(mx).tojson())
    opt = mx.optimizer.create("sgd", sym=loaded, param_idx2name=cases.ATTRIBUTED_NET_NAMES)
    assert opt.lr_mult == expected["lr_mult"] and opt.wd_mult == expected["wd_mult"]


def test_attr_scope_is_a_top_level_name_and_nests():
    assert mx.AttrScope is mx.attribute.AttrScope is mx.sym.AttrScope
    with mx.AttrScope(ctx_group="a"):
        with mx.AttrScope(lr_mult="0.1"):
            v = mx.sym.Variable("v")
        u = mx.sym.Variable("u")
    assert v.list_attr() == {"__ctx_group__": "a", "__lr_mult__": "0.1", "ctx_group": "a", "lr_mult": "0.1"}
    assert u.attr("ctx_group") == "a" and u.attr("lr_mult") is None
    with pytest.raises(ValueError):
        mx.AttrScope(lr_mult=0.1)                      # MXNet: attributes must be strings


def test_an_operator_refuses_a_plain_user_key_and_a_variable_an_unknown_keyword():
    with pytest.raises(GraphError, match="mykey"):
        mx.sym.Convolution(mx.sym.Variable("d"), num_filter=2, kernel=(3, 3), attr={"mykey": "v"})
    with pytest.raises(GraphError, match="foo"):
        mx.sym.Variable("x", foo=1)


def test_lr_mult_zero_on_an_operator_freezes_its_weights_in_fit():
    rng = np.random.RandomState(0)
    x, y = rng.standard_normal((32, 1, 6, 6)).astype(np.float32), rng.randint(0, 2, 32).astype(np.float32)
    data = mx.sym.Variable("data")
    conv = mx.sym.Convolution(data, num_filter=2, kernel=(3, 3), name="conv", attr={"lr_mult": "0"})
    fc = mx.sym.FullyConnected(mx.sym.flatten(conv), num_hidden=2, name="fc")
    net = mx.sym.SoftmaxOutput(fc, name="softmax")
    mod = mx.mod.Module(net)
    mod.bind([("data", (8, 1, 6, 6))], [("softmax_label", (8,))])
    mod.init_params(mx.init.Xavier())
    before = {k: v.asnumpy() for k, v in mod.get_params()[0].items()}
    mod.fit(mx.io.NDArrayIter(x, y, batch_size=8), num_epoch=1, optimizer="sgd",
            optimizer_params={"learning_rate": 0.5})
    after = {k: v.asnumpy() for k, v in mod.get_params()[0].items()}
    np.testing.assert_array_equal(after["conv_weight"], before["conv_weight"])
    np.testing.assert_array_equal(after["conv_bias"], before["conv_bias"])
    assert not np.array_equal(after["fc_weight"], before["fc_weight"])


def test_a_variable_init_attribute_is_used_by_module_initialisation():
    w = mx.sym.Variable("w", init='["constant", {"value": 2}]')
    net = mx.sym.FullyConnected(mx.sym.Variable("data"), w, num_hidden=3, name="fc")
    mod = mx.mod.Module(net, label_names=None)
    mod.bind([("data", (1, 4))])
    mod.init_params(mx.init.Uniform())
    assert (mod.get_params()[0]["w"].asnumpy() == 2).all()
