"""The TF.js importer: weights manifest, unknown ops, and the imported NanoDet network
against an independent NumPy run of the same graph (tfjs_reference.py)."""
import json

import numpy as np
import pytest

from core import cpu, nd
from core.errors import FormatError, UnknownOperator
from core.image import Preprocess, load_image, preprocess
from core.importers.tfjs import import_tfjs, load_graph
from core.resources import resource_path

from . import tfjs_reference

NANODET = resource_path("detector", "nanodet", "nanodet.json")


def run_imported(net, batch):
    executor = net.symbol.simple_bind(cpu(), grad_req="null", data=batch.shape)
    executor.copy_params_from({k: nd.array(v) for k, v in net.arg_params.items()}, {})
    executor.arg_dict["data"][:] = batch
    return dict(zip(net.output_names, (o.asnumpy() for o in executor.forward(is_train=False))))


@pytest.fixture(scope="module")
def nanodet():
    return import_tfjs(NANODET)


def chelsea_batch():
    spec = Preprocess(size=(416, 416), mode="resize", scale=1 / 255)
    return preprocess(load_image(resource_path("samples", "chelsea.png")), spec)[None]


def test_imported_nanodet_matches_an_independent_numpy_run_of_the_graph(nanodet):
    batch = chelsea_batch()
    ours = run_imported(nanodet, batch)
    reference = tfjs_reference.run(NANODET, {"input_1": batch})
    assert sorted(ours) == sorted(reference) == [f"Identity{s}" for s in ("", "_1", "_2", "_3", "_4", "_5")]
    for name, value in reference.items():
        assert ours[name].shape == value.shape
        np.testing.assert_allclose(ours[name], value, atol=1e-4, rtol=0, err_msg=name)
    assert reference["Identity"].max() > 0.3       # a real picture, not a blank: the cat scores


def test_transposes_vanish_and_pads_fold_into_convolutions(nanodet):
    ops = [node["op"] for node in json.loads(nanodet.symbol.tojson())["nodes"]]
    assert ops.count("Convolution") == 34 and "Pad" not in ops
    # the only data movement left: each head's (1, C, HW) -> (1, HW, C)
    assert ops.count("transpose") == 6
    assert sum(v.size for v in nanodet.arg_params.values()) == 3_786_068


def test_a_batch_of_two_gives_each_picture_its_own_answer(nanodet):
    one = chelsea_batch()
    two = np.concatenate([one, one[:, :, ::-1]])
    together = run_imported(nanodet, two)
    alone = run_imported(nanodet, two[1:])
    np.testing.assert_allclose(together["Identity_3"][1:], alone["Identity_3"], atol=1e-5)


# ----- small hand-written graphs ----------------------------------------------------------
def write_model(folder, nodes, weights, blob, signature=None):
    doc = {"format": "graph-model", "modelTopology": {"node": nodes},
           "weightsManifest": [{"paths": ["w.bin"], "weights": weights}]}
    if signature:
        doc["signature"] = signature
    (folder / "model.json").write_text(json.dumps(doc))
    (folder / "w.bin").write_bytes(blob)
    return folder / "model.json"


def placeholder(shape):
    return {"name": "x", "op": "Placeholder", "attr": {"shape": {"shape": {"dim": [{"size": str(d)} for d in shape]}}}}


def test_unknown_ops_are_refused_in_one_message_naming_each(tmp_path):
    nodes = [placeholder([1, 4]), {"name": "a", "op": "Erfinv", "input": ["x"]},
             {"name": "b", "op": "Cumprod", "input": ["a"]}, {"name": "c", "op": "Erfinv", "input": ["b"]}]
    path = write_model(tmp_path, nodes, [], b"")
    with pytest.raises(UnknownOperator, match=r"Cumprod \(1× e\.g\. 'b'\); Erfinv \(2× e\.g\. 'a'\)"):
        import_tfjs(path)


def test_quantized_and_half_float_weights_decode(tmp_path):
    weights = [{"name": "q", "shape": [3], "dtype": "float32",
                "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0}},
               {"name": "h", "shape": [2], "dtype": "float32", "quantization": {"dtype": "float16"}},
               {"name": "i", "shape": [1], "dtype": "int32"}]
    blob = bytes([0, 2, 4]) + np.array([1.5, -2.25], "<f2").tobytes() + np.array([7], "<i4").tobytes()
    nodes = [{"name": n, "op": "Const"} for n in ("q", "h", "i")]
    graph = load_graph(write_model(tmp_path, nodes, weights, blob))
    assert graph.constants["q"].tolist() == [-1.0, 0.0, 1.0]
    assert graph.constants["h"].tolist() == [1.5, -2.25]
    assert graph.constants["i"].dtype == np.int32 and graph.constants["i"].tolist() == [7]


@pytest.mark.parametrize("extra, message", [(b"", "truncated"), (b"\0" * 8, "not this model's weights")])
def test_shards_of_the_wrong_size_are_named(tmp_path, extra, message):
    weights = [{"name": "w", "shape": [4], "dtype": "float32"}]
    blob = np.zeros(4, "<f4").tobytes()
    blob = blob[:8] if not extra else blob + extra
    with pytest.raises(FormatError, match=message):
        load_graph(write_model(tmp_path, [{"name": "w", "op": "Const"}], weights, blob))


def tf_attr(**values):
    """TF attributes in model.json's protobuf JSON."""
    import base64
    out = {}
    for key, value in values.items():
        if isinstance(value, bool):
            out[key] = {"b": value}
        elif isinstance(value, str):
            out[key] = {"s": base64.b64encode(value.encode()).decode()}
        elif isinstance(value, float):
            out[key] = {"f": value}
        else:
            out[key] = {"list": {"i": [str(v) for v in value]}}
    return out


def test_a_channels_last_graph_imports_with_its_layout_moves(tmp_path):
    """An NHWC graph straight from TF (no ONNX Transposes): SAME padding, a bias, Relu,
    a concat on the channel axis, align_corners resize, max pool, a flattening Reshape."""
    rng = np.random.default_rng(5)
    consts = {"w": rng.normal(size=(3, 3, 3, 4)).astype(np.float32), "b": rng.normal(size=4).astype(np.float32),
              "axis": np.array(3, np.int32), "size": np.array([9, 7], np.int32),
              "shape": np.array([1, -1], np.int32)}
    weights, blob = [], b""
    for name, value in consts.items():
        weights.append({"name": name, "shape": list(value.shape), "dtype": str(value.dtype)})
        blob += value.tobytes()
    nodes = [placeholder([1, 6, 5, 3])] + [{"name": n, "op": "Const"} for n in consts] + [
        {"name": "conv", "op": "Conv2D", "input": ["x", "w"],
         "attr": tf_attr(padding="SAME", strides=[1, 1, 1, 1], data_format="NHWC")},
        {"name": "bias", "op": "Add", "input": ["conv", "b"]},
        {"name": "relu", "op": "Relu", "input": ["bias"]},
        {"name": "sig", "op": "Sigmoid", "input": ["bias"]},
        {"name": "cat", "op": "ConcatV2", "input": ["relu", "sig", "axis"]},
        {"name": "up", "op": "ResizeBilinear", "input": ["cat", "size"], "attr": tf_attr(align_corners=True)},
        {"name": "pool", "op": "MaxPool", "input": ["up"],
         "attr": tf_attr(ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID")},
        {"name": "flat", "op": "Reshape", "input": ["pool", "shape"]},
        {"name": "out", "op": "Identity", "input": ["flat"]}]
    path = write_model(tmp_path, nodes, weights, blob, {"outputs": {"out:0": {"name": "out:0"}}})
    picture = rng.normal(size=(1, 6, 5, 3)).astype(np.float32)
    net = import_tfjs(path)
    ours = run_imported(net, picture)["out"]
    np.testing.assert_allclose(ours, tfjs_reference.run(path, {"x": picture})["out"], atol=1e-5)
    ops = [node["op"] for node in json.loads(net.symbol.tojson())["nodes"]]
    # into NCHW for the convolution, back to NHWC before the flattening Reshape
    assert ops.count("transpose") == 2 and "Pad" not in ops and "broadcast_add" not in ops


@pytest.mark.parametrize("nodes, message", [
    ([{"name": "s", "op": "SparseToDense", "input": ["x", "x", "x", "x"]}],
     r"node 's' \(SparseToDense\): Net Studio evaluates SparseToDense only on constants"),
    ([{"name": "w", "op": "Const"}, {"name": "c", "op": "Conv2D", "input": ["x", "w"],
                                     "attr": tf_attr(padding="SAME", strides=[1, 2, 2, 1])}],
     r"node 'c' \(Conv2D\): SAME padding with stride \(2, 2\)"),
])
def test_what_cannot_be_imported_names_the_node(tmp_path, nodes, message):
    from core.errors import GraphError
    weights = [{"name": "w", "shape": [3, 3, 1, 1], "dtype": "float32"}] if nodes[0]["name"] == "w" else []
    blob = np.zeros(9, "<f4").tobytes() if weights else b""
    nodes = [placeholder([1, 4, 4, 1])] + nodes
    last = nodes[-1]["name"]
    path = write_model(tmp_path, nodes, weights, blob, {"outputs": {f"{last}:0": {"name": f"{last}:0"}}})
    with pytest.raises(GraphError, match=message):
        import_tfjs(path).symbol.infer_shape(data=(1, 4, 4, 1))
