"""mx.onnx.import_model: networks exported by PyTorch (tests/fixtures/onnx, made by
make_fixtures.py) give ONNX Runtime's outputs within 1e-4; shape arithmetic on
constants is folded away; unsupported operators are listed in one message."""
import os
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import core as mx
from core.errors import FormatError, GraphError
from core.symbol.graph import topo_order

from .onnx_support import FIXTURES, TOLERANCE, run_onnxruntime, run_ours

#: the side venv of tests/fixtures/onnx/make_fixtures.py (torch 2.14.1, torchvision 0.29.1)
TORCH_PYTHON = Path(os.environ.get("NETSTUDIO_TORCH_PYTHON", "/work/tv3/bin/python"))


def _compare(path, batch=3, size=32, seed=0):
    symbol, args, auxs = mx.onnx.import_model(path)
    x = np.random.default_rng(seed).normal(0, 1, (batch, 3, size, size)).astype(np.float32)
    input_name = onnx.load(str(path)).graph.input[0].name
    params = {k: v.asnumpy() for k, v in {**args, **auxs}.items()}
    ours = run_ours(symbol, params, {input_name: x})[0]
    theirs = run_onnxruntime(path, {input_name: x})[0]
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, atol=TOLERANCE, rtol=0)
    return symbol, ours


@pytest.mark.parametrize("name", ["small_convnet", "small_mobilenet", "small_convnet_unoptimized"])
def test_pytorch_export_gives_onnxruntime_numbers(name):
    symbol, out = _compare(FIXTURES / f"{name}.onnx")
    assert out.std() > 1e-3


def test_batchnorm_nodes_become_batchnorm_with_running_statistics():
    symbol, args, auxs = mx.onnx.import_model(FIXTURES / "small_convnet_unoptimized.onnx")
    ops = [node.op_name for node in topo_order(symbol.heads)]
    assert ops.count("BatchNorm") == 2 and "Pad" in ops      # "same" padding of a 4x4 kernel
    assert len(auxs) == 4 and all(name.endswith(("running_mean", "running_var")) for name in auxs)


def test_shape_arithmetic_on_constants_is_folded():
    """Flatten written the way exporters do: reshape(x, concat(shape(x)[0:1], [-1]))."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2, 3, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])
    weight = numpy_helper.from_array(np.random.default_rng(0).normal(size=(4, 18)).astype(np.float32), "w")
    nodes = [
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("Constant", [], ["zero"], value=numpy_helper.from_array(np.array(0, np.int64))),
        helper.make_node("Gather", ["shape", "zero"], ["batch"], axis=0),
        helper.make_node("Unsqueeze", ["batch", "axes0"], ["batch1"]),
        helper.make_node("Concat", ["batch1", "minus_one"], ["target"], axis=0),
        helper.make_node("Reshape", ["x", "target"], ["flat"]),
        helper.make_node("Gemm", ["flat", "w"], ["y"], transB=1),
    ]
    inits = [weight, numpy_helper.from_array(np.array([0], np.int64), "axes0"),
             numpy_helper.from_array(np.array([-1], np.int64), "minus_one")]
    model = helper.make_model(helper.make_graph(nodes, "g", [x], [y], inits),
                              opset_imports=[helper.make_opsetid("", 17)])
    symbol, args, _ = mx.onnx.import_model(model)
    assert [node.op_name for node in topo_order(symbol.heads) if not node.is_variable] == \
        ["Reshape", "FullyConnected"]
    data = np.random.default_rng(1).normal(size=(5, 2, 3, 3)).astype(np.float32)   # batch 5, not 1
    ours = run_ours(symbol, {k: v.asnumpy() for k, v in args.items()}, {"x": data})[0]
    np.testing.assert_allclose(ours, run_onnxruntime(model, {"x": data})[0], atol=TOLERANCE)


def test_unsupported_operators_are_listed_in_one_message():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    nodes = [helper.make_node("Relu", ["x"], ["a"]), helper.make_node("Einsum", ["a"], ["b"], equation="ij->ij"),
             helper.make_node("Einsum", ["b"], ["c"], equation="ij->ij"), helper.make_node("Hardmax", ["c"], ["y"])]
    model = helper.make_model(helper.make_graph(nodes, "g", [x], [y]), opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(GraphError, match=r"cannot import: Einsum \(×2\), Hardmax$"):
        mx.onnx.import_model(model)


def test_a_file_that_is_not_onnx_is_a_format_error(tmp_path):
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"\x00\x01 definitely not protobuf \xff" * 10)
    with pytest.raises(FormatError, match="not a readable ONNX model"):
        mx.onnx.import_model(bad)
    with pytest.raises(FormatError, match="not found"):
        mx.onnx.import_model(tmp_path / "missing.onnx")


def test_fixtures_stay_small():
    assert sum(p.stat().st_size for p in FIXTURES.glob("*.onnx")) < 1_000_000


@pytest.mark.slow
@pytest.mark.skipif(not TORCH_PYTHON.exists(), reason="no side environment with torch and torchvision")
def test_torchvision_resnet18_and_mobilenet_v2_match_onnxruntime(tmp_path):
    subprocess.run([str(TORCH_PYTHON), str(FIXTURES / "make_fixtures.py"), "--torchvision", str(tmp_path)],
                   check=True, capture_output=True, timeout=900)
    for name in ("resnet18", "mobilenet_v2"):
        _compare(tmp_path / f"{name}.onnx", batch=2, size=224)


def _import_matches_onnxruntime(model, inputs):
    symbol, args, auxs = mx.onnx.import_model(model)
    params = {k: v.asnumpy() for k, v in {**args, **auxs}.items()}
    ours = run_ours(symbol, params, inputs)[0]
    np.testing.assert_allclose(ours, run_onnxruntime(model, inputs)[0], atol=TOLERANCE, rtol=1e-4)


@pytest.mark.parametrize("case", ["conv dilated grouped", "deconv", "deconv grouped dilated adj bias",
                                  "deconv target_shape", "deconv 1-D", "dense no flatten", "max pool full",
                                  "avg pool padded exclusive", "global max",
                                  "prelu", "selu", "gelu", "leaky", "softrelu", "pad reflect", "pad constant",
                                  "softmax temperature", "log_softmax", "sum all", "max axis", "min keepdims",
                                  "lrn", "unary chain", "scalar ops", "shapes", "reshape codes", "repeat"])
def test_what_we_export_imports_back(case):
    from .test_export_ops import CASES
    from .onnx_support import random_params
    net, shape = CASES[case]
    params = random_params(net, {"data": shape})
    model = mx.onnx.export_model(net, params, [shape], onnx_file_path=None)
    _import_matches_onnxruntime(model, {"data": np.random.default_rng(2).normal(0, 1, shape).astype(np.float32)})


@pytest.mark.parametrize("case", ["deconv then upsampling", "hard_sigmoid", "upsampling two inputs concat",
                                  "InstanceNorm", "depth_to_space and back"])
def test_more_of_what_we_export_imports_back(case):
    from .test_export_ops import MORE, _values
    from .onnx_support import random_params
    net, shapes, kind = MORE[case]
    params = random_params(net, shapes)
    model = mx.onnx.export_model(net, params, list(shapes.values()), onnx_file_path=None)
    rng = np.random.default_rng(3)
    _import_matches_onnxruntime(model, {name: _values(kind, shape, rng) for name, shape in shapes.items()})


def test_hand_written_graph_of_less_common_operators():
    """auto_pad SAME_UPPER, uneven max-pool padding, PRelu, Elu, Resize by sizes, Flatten
    at axis 2, Constant, Identity, Sum, Sub/Div/Pow/Max with constants, MatMul."""
    rng = np.random.default_rng(3)
    init = lambda name, array, dtype=np.float32: numpy_helper.from_array(np.asarray(array, dtype), name)  # noqa: E731
    inits = [init("w", rng.normal(size=(4, 3, 2, 2)) * 0.5), init("slope", rng.uniform(0, 0.3, (4, 1, 1))),
             init("m", rng.normal(size=(4, 5))), init("two", 2.0), init("bias", rng.normal(size=(1, 4, 1, 1))),
             init("sizes", [1, 4, 8, 8], np.int64), init("zero", [0], np.int64), init("end", [16], np.int64)]

    def model(last_but_one):
        nodes = [
            helper.make_node("Conv", ["x", "w"], ["c"], auto_pad="SAME_UPPER", strides=[2, 2]),
            helper.make_node("PRelu", ["c", "slope"], ["p"]),
            helper.make_node("Resize", ["p", "", "", "sizes"], ["up"], mode="nearest"),
            helper.make_node("MaxPool", ["up"], ["mp"], kernel_shape=[2, 2], pads=[0, 0, 1, 1]),
            helper.make_node("Elu", ["mp"], ["e"], alpha=0.5),
            helper.make_node("Constant", [], ["k"], value_float=0.25),
            helper.make_node("Sub", ["e", "bias"], ["s1"]),
            helper.make_node("Div", ["s1", "two"], ["s2"]),
            helper.make_node("Max", ["s2", "k"], ["s3"]),
            helper.make_node("Sum", ["s3", "e", "s2"], ["s4"]),
            helper.make_node("Flatten", ["s4"], ["f"], axis=2),
            helper.make_node("Transpose", ["f"], ["t"], perm=[1, 0]),
            last_but_one,
            helper.make_node("MatMul", ["t16", "m"], ["mm"]),
            helper.make_node("Pow", ["mm", "two"], ["y"]),
        ]
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 7, 7])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["rows", 5])
        made = helper.make_model(helper.make_graph(nodes, "g", [x], [y], inits),
                                 opset_imports=[helper.make_opsetid("", 17)])
        onnx.checker.check_model(made, full_check=True)
        return made

    with pytest.raises(GraphError, match="Slice.*only works on constants"):   # slicing network values
        mx.onnx.import_model(model(helper.make_node("Slice", ["t", "zero", "end", "zero"], ["t16"])))
    _import_matches_onnxruntime(model(helper.make_node("Identity", ["t"], ["t16"])),
                                {"x": rng.normal(size=(1, 3, 7, 7)).astype(np.float32)})


def test_an_onnx_classifier_reads_its_input_size_and_preprocessing(tmp_path):
    import shutil

    from core.zoo import ImageClassifier
    from core.zoo.meta import write_meta
    from tests.core.zoo_support import SAMPLES
    classifier = ImageClassifier.from_onnx(FIXTURES / "small_convnet.onnx")
    assert classifier.input_size == (3, 32, 32) and classifier.labels == [str(i) for i in range(10)]
    assert classifier.preprocess.mean == (0.485, 0.456, 0.406)          # PyTorch-made: torchvision's rule
    [top] = classifier.predict_topk([SAMPLES / "coffee.png"], k=3)
    assert len(top) == 3 and sum(p.probability for p in top) <= 1.0 + 1e-6
    copy = tmp_path / "net.onnx"
    shutil.copy(FIXTURES / "small_convnet.onnx", copy)
    write_meta(tmp_path / "net", [f"c{i}" for i in range(10)], (3, 32, 32), name="net")   # a sidecar wins
    classifier = ImageClassifier.from_onnx(copy)
    assert classifier.labels[0] == "c0" and classifier.preprocess.mean == (127.0, 127.0, 127.0)


def _conv_transpose_model(in_shape, weight_shape, bias=True, **attrs):
    rng = np.random.default_rng(4)
    inits = [numpy_helper.from_array(rng.normal(0, 0.5, weight_shape).astype(np.float32), "w")]
    inputs = ["x", "w"]
    if bias:
        inits.append(numpy_helper.from_array(rng.normal(0, 0.5, weight_shape[1] * attrs.get("group", 1))
                                             .astype(np.float32), "b"))
        inputs.append("b")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(in_shape))
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", "C", "H", "W"])
    nodes = [helper.make_node("ConvTranspose", inputs, ["y"], name="up", **attrs)]
    return helper.make_model(helper.make_graph(nodes, "g", [x], [y], inits),
                             opset_imports=[helper.make_opsetid("", 17)])


@pytest.mark.parametrize("attrs", [
    dict(strides=[2, 2], pads=[1, 1, 1, 1]),
    dict(strides=[2, 3], pads=[1, 0, 1, 2], output_padding=[1, 2], dilations=[2, 1], group=2),
    dict(strides=[2, 2], pads=[0, 0, 1, 2]),                       # more cropped at the end: a slice
    dict(strides=[2, 2], pads=[1, 0, 0, 0], output_padding=[0, 1]),   # more at the start: adj
    dict(strides=[2, 2], auto_pad="SAME_UPPER"),
    dict(strides=[2, 2], auto_pad="SAME_LOWER", dilations=[1, 2]),
    dict(strides=[3, 2], output_shape=[17, 10]),
    dict(strides=[1, 1], auto_pad="VALID", group=4),
], ids=["pads", "grouped dilated output_padding", "uneven pads end", "uneven pads start", "same upper",
        "same lower", "output_shape", "valid depthwise"])
def test_conv_transpose_imports_as_deconvolution(attrs):
    group = attrs.get("group", 1)
    model = _conv_transpose_model((2, 4, 6, 5), (4, 6 // group if group < 4 else 1, 3, 3), **attrs)
    onnx.checker.check_model(model, full_check=True)
    x = np.random.default_rng(5).normal(size=(2, 4, 6, 5)).astype(np.float32)
    symbol, _, _ = mx.onnx.import_model(model)
    assert [n.op_name for n in topo_order(symbol.heads) if not n.is_variable][0] == "Deconvolution"
    _import_matches_onnxruntime(model, {"x": x})


def test_conv_transpose_padding_deconvolution_cannot_express_is_named():
    model = _conv_transpose_model((1, 2, 4, 4), (2, 2, 3, 3), strides=[2, 2], pads=[3, 0, 0, 0],
                                  output_padding=[1, 0])
    with pytest.raises(GraphError, match=r"'up' \(ConvTranspose\): .*adj must stay below the stride"):
        mx.onnx.import_model(model)


def test_depth_to_space_in_crd_order_is_refused_by_name():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 2, 2])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 4, 4])
    nodes = [helper.make_node("DepthToSpace", ["x"], ["y"], name="d2s", blocksize=2, mode="CRD")]
    model = helper.make_model(helper.make_graph(nodes, "g", [x], [y]), opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(GraphError, match=r"'d2s' \(DepthToSpace\): mode='CRD'"):
        mx.onnx.import_model(model)
