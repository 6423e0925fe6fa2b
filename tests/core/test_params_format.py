"""MXNet's .params format: files written by Apache MXNet 1.9.1 read exactly, ours byte-identical.

The fixtures come from tests/fixtures/mxnet/make_fixtures.py (run with real MXNet).
"""
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from core.errors import ParamsFormatError
from core.ndarray.params_format import encode_params, load_params, parse_params, save_params

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mxnet"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text())
DTYPE_ORDER = MANIFEST["formats"]["dtype_order"]


@pytest.fixture(scope="module")
def expected():
    with np.load(FIXTURES / "formats.npz", allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


def assert_same_arrays(actual, wanted):
    assert actual.dtype == wanted.dtype
    assert actual.shape == wanted.shape
    np.testing.assert_array_equal(actual, wanted)


def dtype_arrays(expected):
    return {k: expected[f"dtypes/{k}"] for k in DTYPE_ORDER}


# ---------------------------------------------------------------- reading MXNet's files

def test_reads_mxnet_dict_of_every_dtype(expected):
    loaded = load_params(FIXTURES / "dtypes-dict.params")
    assert list(loaded) == DTYPE_ORDER
    for key, wanted in dtype_arrays(expected).items():
        assert_same_arrays(loaded[key], wanted)
    assert {str(v.dtype) for v in loaded.values()} >= {
        "float32", "float64", "float16", "uint8", "int32", "int64", "int8", "bool"}


def test_reads_mxnet_list_of_every_dtype(expected):
    loaded = load_params(FIXTURES / "dtypes-list.params")
    assert isinstance(loaded, list) and len(loaded) == len(DTYPE_ORDER)
    for array, wanted in zip(loaded, dtype_arrays(expected).values()):
        assert_same_arrays(array, wanted)


@pytest.mark.parametrize("fname, key, wanted", [
    ("sparse.params", "csr", "sparse/csr"), ("sparse.params", "rsp", "sparse/rsp"),  # as dense
    ("npshape-v3.params", "scalar", "npshape/scalar"),     # V3 magic: 0-d and 0-size arrays
    ("npshape-v3.params", "empty", "npshape/empty"),
])
def test_reads_mxnet_sparse_and_numpy_shape_arrays(expected, fname, key, wanted):
    assert_same_arrays(load_params(FIXTURES / fname)[key], expected[wanted])


@pytest.mark.parametrize("name", ["legacy-v1", "legacy-nomagic", "zero-size"])
def test_reads_older_layouts_that_mxnet_loads(expected, name):
    (array,) = load_params(FIXTURES / f"{name}.params")
    assert_same_arrays(array, expected[f"{name}/0"])


def test_reads_checkpoint_with_arg_and_aux_prefixes():
    loaded = load_params(FIXTURES / "resnet_v1-0000.params")
    counts = MANIFEST["nets"]["resnet_v1"]["params_count"]
    assert len(loaded) == counts["arrays"]
    assert all(k.startswith(("arg:", "aux:")) for k in loaded)
    assert sum(v.size for k, v in loaded.items() if k.startswith("aux:")) == counts["aux_params"]
    assert sum(v.size for k, v in loaded.items() if k.startswith("arg:")) == counts["arg_params"]
    assert loaded["arg:resnetv1_conv0_weight"].shape == (8, 3, 7, 7)
    assert loaded["aux:resnetv1_batchnorm0_running_var"].min() > 0


def test_loads_from_bytes_as_well_as_path():
    raw = (FIXTURES / "lenet-0001.params").read_bytes()
    from_bytes, from_path = parse_params(raw), load_params(FIXTURES / "lenet-0001.params")
    assert list(from_bytes) == list(from_path)
    for key in from_path:
        assert_same_arrays(from_bytes[key], from_path[key])
    assert load_params(raw).keys() == from_path.keys()


# ---------------------------------------------------------------- writing like MXNet

def test_writer_is_byte_identical_to_mxnet_dict_and_list(expected):
    arrays = dtype_arrays(expected)
    assert encode_params(arrays) == (FIXTURES / "dtypes-dict.params").read_bytes()
    assert encode_params(list(arrays.values())) == (FIXTURES / "dtypes-list.params").read_bytes()


@pytest.mark.parametrize("fname", ["lenet-0001.params", "mobilenet_v2-0000.params",
                                   "zero-size.params"])
def test_rewriting_an_mxnet_file_gives_the_same_bytes(tmp_path, fname):
    original = (FIXTURES / fname).read_bytes()
    save_params(tmp_path / fname, load_params(original))
    assert (tmp_path / fname).read_bytes() == original


def test_round_trip_keeps_values_dtypes_and_names(tmp_path):
    rng = np.random.default_rng(0)
    data = {
        "w": rng.normal(size=(4, 3, 2, 2)).astype(np.float32),
        "transposed": np.arange(12.0).reshape(3, 4).T,             # not C-contiguous
        "big_endian": np.arange(5, dtype=">i4"),
        "h": rng.normal(size=7).astype(np.float16),
        "flags": np.array([[True, False]]),
        "bytes": np.arange(256, dtype=np.uint8),
        "i8": np.array([-3, 3], dtype=np.int8),
        "i64": np.array([2 ** 40], dtype=np.int64),
        "empty": np.zeros((0, 2), np.float32),
        "ünïcode name/with:colon": np.ones(1, np.float32),
    }
    save_params(tmp_path / "a.params", data)
    loaded = load_params(tmp_path / "a.params")
    assert list(loaded) == list(data)
    for key, value in data.items():
        assert_same_arrays(loaded[key], value.astype(value.dtype.newbyteorder("=")))
    as_list = [np.float64(1.5) * np.ones((2, 2)), np.arange(3, dtype=np.int32)]
    save_params(tmp_path / "b.params", as_list)
    for got, want in zip(load_params(tmp_path / "b.params"), as_list):
        assert_same_arrays(got, want)


def test_zero_d_array_is_written_as_shape_1_like_mxnet_1x():
    (array,) = parse_params(encode_params([np.float32(2.5)]))
    assert_same_arrays(array, np.array([2.5], np.float32))


def test_empty_dict_and_list_give_an_empty_list_as_in_mxnet():
    assert encode_params({}) == encode_params([])
    assert parse_params(encode_params({})) == []


def test_accepts_objects_with_asnumpy():
    class Wrapped:
        def asnumpy(self):
            return np.arange(3, dtype=np.float32)
    assert_same_arrays(parse_params(encode_params({"x": Wrapped()}))["x"],
                       np.arange(3, dtype=np.float32))


def test_write_is_atomic_and_refuses_unsupported_dtypes(tmp_path):
    target = tmp_path / "keep.params"
    save_params(target, {"x": np.ones(3, np.float32)})
    before = target.read_bytes()
    for bad in (np.ones(2, np.complex64), np.ones(2, np.int16), np.array(["a"])):
        with pytest.raises(ParamsFormatError, match=r"parameter 'bad' has dtype .*float32"):
            save_params(target, {"x": np.zeros(3, np.float32), "bad": bad})
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.params"]


# ---------------------------------------------------------------- bad files

@pytest.fixture(scope="module")
def small_file():
    return (FIXTURES / "dtypes-dict.params").read_bytes()


def test_every_truncation_raises_params_format_error(small_file, tmp_path):
    for cut in range(len(small_file)):
        with pytest.raises(ParamsFormatError):
            parse_params(small_file[:cut])


ONE_ARRAY = encode_params({"weight": np.arange(12, dtype=np.float32).reshape(3, 4)})


@pytest.mark.parametrize("cut, words", [
    (4, "list header"), (12, "reserved header word"), (20, "array count"),
    (30, "array #0 storage type"), (40, "array #0 shape dims"),
    (100, "array #0 data (12 x float32)"),
    (115, "name count"), (124, "length of name #0"), (-3, "name #0 (6 bytes)"),
])
def test_truncation_message_names_file_offset_and_what_was_expected(tmp_path, cut, words):
    path = tmp_path / "cut.params"
    path.write_bytes(ONE_ARRAY[:cut])
    with pytest.raises(ParamsFormatError) as info:
        load_params(path)
    message = str(info.value)
    assert message.startswith(f"{path}: file ends inside {words}: expected ")
    assert f" of {len(ONE_ARRAY[:cut])})" in message and "(at byte " in message


def test_array_count_larger_than_the_file_fails_fast(small_file):
    with pytest.raises(ParamsFormatError, match=r"claims 10 arrays but only 10 bytes follow"):
        parse_params(small_file[:34])


def test_empty_file(tmp_path):
    (tmp_path / "empty.params").write_bytes(b"")
    with pytest.raises(ParamsFormatError, match=r"empty\.params: file is empty"):
        load_params(tmp_path / "empty.params")


@pytest.mark.parametrize("payload", [
    b"\x89PNG\r\n\x1a\n" + bytes(64),
    (FIXTURES / "formats.npz").read_bytes(),                  # a zip: not ours
    b'{"nodes": [], "arg_nodes": [], "heads": []}',
])
def test_foreign_file_says_it_is_not_a_params_file(tmp_path, payload):
    (tmp_path / "foreign.params").write_bytes(payload)
    with pytest.raises(ParamsFormatError, match=r"foreign\.params: header is 0x[0-9A-F]+; "
                                                r"expected MXNet NDArray list magic 0x112"):
        load_params(tmp_path / "foreign.params")


def test_random_garbage_after_a_valid_header():
    rng = np.random.default_rng(1)
    for _ in range(200):
        garbage = struct.pack("<QQ", 0x112, 0) + rng.integers(0, 256, 64, np.uint8).tobytes()
        with pytest.raises(ParamsFormatError):
            parse_params(garbage)


@pytest.mark.parametrize("fname", ["dtypes-dict.params", "sparse.params", "npshape-v3.params",
                                   "legacy-v1.params", "legacy-nomagic.params"])
def test_every_single_byte_corruption_loads_or_raises_params_format_error(fname):
    original = (FIXTURES / fname).read_bytes()
    for cut in range(len(original)):
        with pytest.raises(ParamsFormatError):
            parse_params(original[:cut])
    for offset in range(len(original)):
        for value in (0x00, 0x01, 0xFF, 0x7F):
            corrupt = bytearray(original)
            corrupt[offset] = value
            try:
                parse_params(bytes(corrupt))
            except ParamsFormatError:
                pass


def header_and_first_array(small_file, **changes):
    data = bytearray(small_file)
    for offset, value in changes.items():
        struct.pack_into("<I", data, int(offset.split("_")[1]), value)
    return bytes(data)


@pytest.mark.parametrize("offset, value, words", [
    (24, 0x12345678, "array #0 starts with 0x12345678; expected NDArray magic 0xF993FAC9"),
    (28, 7, "array #0 has storage type 7"),
    (32, 1000, "array #0 shape has ndim 1000"),
    (52, 9, "array #0 has device type 9"),
    (60, 42, "array #0 has unknown dtype flag 42"),
])
def test_corrupt_array_header_is_named(small_file, offset, value, words):
    corrupt = header_and_first_array(small_file, **{f"at_{offset}": value})
    with pytest.raises(ParamsFormatError, match="^<bytes>: " + words.replace("(", r"\(")):
        parse_params(corrupt)


def test_name_count_mismatch_and_bad_names():
    good = encode_params({"a": np.ones(1, np.float32), "b": np.ones(1, np.float32)})
    names_at = len(encode_params([np.ones(1, np.float32)] * 2)) - 8
    wrong_count = good[:names_at] + struct.pack("<Q", 1) + good[names_at + 8:]
    with pytest.raises(ParamsFormatError, match="2 arrays but 1 names; expected 0 .* or 2"):
        parse_params(wrong_count)
    bad_utf8 = good[:-1] + b"\xff"
    with pytest.raises(ParamsFormatError, match="name #1 is not valid UTF-8"):
        parse_params(bad_utf8)


def test_absurd_array_count_fails_fast():
    with pytest.raises(ParamsFormatError, match="claims 1152921504606846976 arrays"):
        parse_params(struct.pack("<QQQ", 0x112, 0, 2 ** 60) + bytes(16))


def test_missing_file_is_a_params_format_error(tmp_path):
    with pytest.raises(ParamsFormatError, match=r"nothing\.params: cannot read"):
        load_params(tmp_path / "nothing.params")


def test_nd_load_and_save_use_this_format(tmp_path):
    import core as mx
    loaded = mx.nd.load(str(FIXTURES / "lenet-0001.params"))
    raw = load_params(FIXTURES / "lenet-0001.params")
    assert sorted(loaded) == sorted(raw)
    np.testing.assert_array_equal(loaded["arg:fc3_weight"].asnumpy(), raw["arg:fc3_weight"])
    mx.nd.save(str(tmp_path / "again.params"), loaded)
    assert (tmp_path / "again.params").read_bytes() == (FIXTURES / "lenet-0001.params").read_bytes()


def list_file(*arrays):
    return struct.pack("<QQQ", 0x112, 0, len(arrays)) + b"".join(arrays) + struct.pack("<Q", 0)


def test_unallocated_arrays_load_empty_and_bfloat16_loads_as_float32():
    none_v2 = struct.pack("<Iii", 0xF993FAC9, -1, 0)            # storage undefined, ndim 0
    none_v3 = struct.pack("<Iii", 0xF993FACA, 0, -1)            # numpy semantics: unknown
    none_legacy = struct.pack("<I", 0)                          # legacy: ndim 0
    values = np.array([1.5, -2.0, 3.140625], dtype=np.float32)
    bf16 = (values.view(np.uint32) >> 16).astype("<u2")
    bfloat = struct.pack("<IiIqiii", 0xF993FAC9, 0, 1, 3, 1, 0, 12) + bf16.tobytes()
    loaded = parse_params(list_file(none_v2, none_v3, none_legacy, bfloat))
    for empty in loaded[:3]:
        assert_same_arrays(empty, np.zeros((0,), np.float32))
    assert_same_arrays(loaded[3], values)


def test_gpu_context_in_file_loads_on_host():
    gpu = struct.pack("<IiIqiii", 0xF993FAC9, 0, 1, 2, 2, 1, 4) + np.array([7, 8], "<i4").tobytes()
    (array,) = parse_params(list_file(gpu))
    assert_same_arrays(array, np.array([7, 8], np.int32))


def _hostile_sparse_params(path, shape):
    """A row_sparse array with no stored rows and a huge dense ``shape``: ~145 bytes."""
    import struct
    body = struct.pack("<QQQ", 0x112, 0, 1) + struct.pack("<Ii", 0xF993FAC9, 1)
    body += struct.pack("<i", 2) + struct.pack("<qq", 0, shape[1])           # storage shape
    body += struct.pack("<i", 2) + struct.pack("<qq", *shape)                # dense shape
    body += struct.pack("<iii", 1, 0, 0)                                     # cpu, float32
    body += struct.pack("<i", 6) + struct.pack("<i", 1) + struct.pack("<q", 0)   # int64 row index
    body += struct.pack("<QQ", 1, 10) + b"arg:weight"
    path.write_bytes(body)
    return path


def test_a_tiny_sparse_file_with_a_huge_dense_shape_is_refused_under_a_memory_cap(tmp_path):
    from tests.memory_cap import refusal_capped
    path = _hostile_sparse_params(tmp_path / "bomb.params", (2 ** 20, 1024))        # 4 GiB dense
    assert path.stat().st_size < 200
    message = refusal_capped("core.ndarray.params_format:load_params", "core.errors:ParamsFormatError", path)
    assert "bomb.params: array #0: a sparse array of shape (1048576, 1024)" in message
    assert "would take 4,294,967,296 bytes once made dense" in message


def test_a_sparse_array_within_the_dense_limit_still_loads(tmp_path):
    from core.ndarray.params_format import load_params
    loaded = load_params(_hostile_sparse_params(tmp_path / "ok.params", (4, 3)))
    assert loaded["arg:weight"].shape == (4, 3) and not loaded["arg:weight"].any()
