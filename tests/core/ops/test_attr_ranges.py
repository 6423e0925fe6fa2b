"""Every attribute's range lives in its schema (core/ops/attrs.py Param low/high): values
outside it are refused when the operator is built, whatever reads them (a script, a
symbol file, the editor's inspector), with a message naming the node and attribute."""
import numpy as np
import pytest

import core as mx
from core.errors import GraphError
from core.ops import OPS
from core.ops.attrs import Param


@pytest.mark.parametrize("op,attrs,bad", [
    ("Convolution", {"kernel": "(3, 3)", "num_filter": "2", "pad": "(-1, -1)"}, "pad"),
    ("Convolution", {"kernel": "(3, 3)", "num_filter": "2", "dilate": "(0, 0)"}, "dilate"),
    ("Convolution", {"kernel": "(3, 3)", "num_filter": "2", "stride": "(1, 0)"}, "stride"),
    ("Convolution", {"kernel": "(0, 3)", "num_filter": "2"}, "kernel"),
    ("Convolution", {"kernel": "(3, 3)", "num_filter": "1e400"}, "num_filter"),
    ("Convolution", {"kernel": "(3, 3)", "num_filter": "-4"}, "num_filter"),
    ("Deconvolution", {"kernel": "(3, 3)", "num_filter": "2", "adj": "(-1, 0)"}, "adj"),
    ("Pooling", {"kernel": "(2, 2)", "pad": "(-1, 0)"}, "pad"),
    ("Pooling", {"kernel": "(2, 2)", "stride": "(0, 0)"}, "stride"),
    ("Pad", {"mode": "constant", "pad_width": "(0, 0, 0, 0, -1, 1, 1, 1)"}, "pad_width"),
    ("FullyConnected", {"num_hidden": "0"}, "num_hidden"),
    ("Dropout", {"p": "1.5"}, "p"),
    ("Dropout", {"p": "nan"}, "p"),
    ("BatchNorm", {"momentum": "-0.1"}, "momentum"),
    ("BatchNorm", {"eps": "inf"}, "eps"),
    ("LRN", {"nsize": "-3"}, "nsize"),
    ("Concat", {"num_args": "0"}, "num_args"),
    ("SliceChannel", {"num_outputs": "0"}, "num_outputs"),
    ("tile", {"reps": "(0, 2)"}, "reps"),
    ("one_hot", {"depth": "0"}, "depth"),
    ("Convolution", {"kernel": "(" * 5000 + ")" * 5000, "num_filter": "2"}, "kernel"),
    ("Convolution", {"kernel": "(1e400, 3)", "num_filter": "2"}, "kernel"),
])
def test_out_of_range_attributes_are_refused_naming_node_and_attribute(op, attrs, bad):
    with pytest.raises(GraphError) as caught:
        OPS.get(op)(node_name="layer7", **attrs)
    message = str(caught.value)
    assert "layer7" in message and bad in message and len(message) < 400


def test_negative_pad_no_longer_gives_silent_zeros():
    data = mx.sym.Variable("data")
    with pytest.raises(GraphError, match="pad"):
        mx.sym.Convolution(data, kernel=(3, 3), num_filter=1, pad=(-1, -1), name="c")
    # in range: still computes
    net = mx.sym.Convolution(data, kernel=(3, 3), num_filter=1, pad=(1, 1), name="c", no_bias=True)
    executor = net.bind(mx.cpu(), {"data": mx.nd.ones((1, 1, 4, 4)), "c_weight": mx.nd.ones((1, 1, 3, 3))})
    out = executor.forward()[0]
    assert out.shape == (1, 1, 4, 4) and np.all(out.asnumpy() > 0)


def test_clip_may_be_unbounded_but_not_nan():
    clip = OPS.get("clip")
    assert clip(node_name="c", a_min="-inf", a_max="6").a_min == -np.inf
    with pytest.raises(GraphError, match="a_max"):
        clip(node_name="c", a_min="0", a_max="nan")


def test_every_numeric_schema_states_a_sane_range():
    """Each bound is a number, low <= high, and each default lies in its range."""
    for name in OPS.names():
        for key, param in OPS.get(name).params.items():
            if param.low is not None and param.high is not None:
                assert param.low <= param.high, (name, key)
            if not param.required and param.default not in (None, ()):
                param.parse(param.format(param.default))     # the default is in range


def test_parse_raises_only_value_error_with_the_range_in_words():
    size = Param("shape", (), low=1)
    assert size.range_text() == "at least 1"
    for hostile in ("(1, 0)", "{1: 2}", "'abc'", "[" * 3000, "(1e400,)", "(1.5,)", 7.5, object()):
        with pytest.raises(ValueError):
            size.parse(hostile)
    assert Param("float", 0.5, low=0, high=1).range_text() == "from 0 to 1"
