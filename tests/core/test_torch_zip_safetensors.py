"""The zip-format PyTorch reader and the safetensors reader, on small files torch wrote
(tests/fixtures/torch, made by tools/torch_reference.py fixtures) and on damaged or
hostile copies of them."""
import io
import json
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from core.errors import FormatError
from core.zoo.safetensors_reader import load_safetensors
from core.zoo.torch_legacy import load_legacy_state_dict
from core.zoo.torch_zip import load_zip_state_dict
from core.zoo.torchvision_weights import load_state_dict

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "torch"
ZIP, LEGACY, SAFETENSORS = (FIXTURES / n for n in ("tiny_resnet.pth", "tiny_resnet_legacy.pth",
                                                   "tiny_resnet.safetensors"))


@pytest.fixture(scope="module")
def expected():
    with np.load(FIXTURES / "tiny_resnet_expected.npz") as data:
        return {k: data[k] for k in data.files}


@pytest.mark.parametrize("path", [ZIP, LEGACY, SAFETENSORS], ids=["zip", "legacy", "safetensors"])
def test_every_format_gives_torchs_tensors(path, expected):
    got = load_state_dict(path)
    assert set(got) == set(expected)
    for name, value in expected.items():
        want = value.astype(np.float32) if value.dtype.kind == "f" else value
        assert got[name].dtype == want.dtype and got[name].shape == want.shape, name
        np.testing.assert_array_equal(got[name], want, err_msg=name)


def test_zip_keeps_file_order_views_and_counters():
    got = load_zip_state_dict(ZIP)
    assert list(got)[:6] == ["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean",
                             "bn1.running_var", "bn1.num_batches_tracked"]
    np.testing.assert_array_equal(got["fc.weight_t"], got["fc.weight"].T)   # a strided view
    assert got["bn1.num_batches_tracked"].shape == () and got["bn1.num_batches_tracked"].dtype == np.int64
    assert got["half"].dtype == np.float32 and got["half"][1, 2] == 5.0


def test_the_legacy_reader_still_points_zip_files_elsewhere():
    with pytest.raises(FormatError, match="zip-format"):
        load_legacy_state_dict(ZIP)


# ---------------------------------------------------------------- damaged zip checkpoints

def _rewrite_zip(source, dest, change):
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(dest, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)
    return dest


def test_a_storage_shorter_than_declared_is_refused(tmp_path):
    bad = _rewrite_zip(ZIP, tmp_path / "bad.pth", lambda n, d: d[:-4] if n.endswith("data/0") else d)
    with pytest.raises(FormatError, match=r"storage '0' holds .* bytes, expected"):
        load_zip_state_dict(bad)


def test_a_compressed_storage_is_refused_before_it_inflates(tmp_path):
    bad = tmp_path / "bomb.pth"
    with zipfile.ZipFile(ZIP) as old, zipfile.ZipFile(bad, "w") as new:
        for info in old.infolist():
            compress = zipfile.ZIP_DEFLATED if "/data/" in info.filename else zipfile.ZIP_STORED
            new.writestr(info.filename, old.read(info), compress_type=compress)
    with pytest.raises(FormatError, match="is compressed"):
        load_zip_state_dict(bad)


def test_a_missing_storage_entry_is_refused(tmp_path):
    bad = _rewrite_zip(ZIP, tmp_path / "bad.pth", lambda n, d: None if n.endswith("data/1") else d)
    with pytest.raises(FormatError, match="no data for storage '1'"):
        load_zip_state_dict(bad)


def test_a_pickle_naming_any_other_global_is_refused_without_running_it(tmp_path):
    # GLOBAL 'builtins print', then print("pwned") -- written by hand, since pickling the
    # function itself names whatever `print` is in this process (another library may wrap it)
    payload = b"\x80\x04}\x94\x8c\x01x\x94cbuiltins\nprint\n\x8c\x05pwned\x85R\x94s."
    bad = _rewrite_zip(ZIP, tmp_path / "evil.pth", lambda n, d: payload if n.endswith("data.pkl") else d)
    with pytest.raises(FormatError, match="refusing to load global 'builtins.print'"):
        load_zip_state_dict(bad)


def test_a_zip_that_is_no_checkpoint_says_so(tmp_path):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(FormatError, match="not a PyTorch checkpoint"):
        load_state_dict(path)


# ---------------------------------------------------------------- damaged safetensors

def _safetensors(header, data=b""):
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + data


@pytest.mark.parametrize("header, data, message", [
    ({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}, b"\0" * 12, "holds 12 bytes"),
    ({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, b"\0" * 12, "needs 12"),
    ({"w": {"dtype": "Q9", "shape": [1], "data_offsets": [0, 1]}}, b"\0", "dtype 'Q9'"),
    ({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"\0" * 4, "malformed"),
    ({"w": {"shape": [1]}}, b"", "needs dtype, shape and data_offsets"),
])
def test_inconsistent_safetensors_headers_are_refused(tmp_path, header, data, message):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(_safetensors(header, data))
    with pytest.raises(FormatError, match=message):
        load_safetensors(path)


def test_a_header_length_beyond_the_file_is_refused(tmp_path):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(struct.pack("<Q", 10**9) + b"{}")
    with pytest.raises(FormatError, match="header length"):
        load_safetensors(path)


def test_bf16_widens_exactly(tmp_path):
    values = np.array([1.5, -2.25, 3.0e38], dtype=np.float32)
    top_halves = (values.view(np.uint32) >> 16).astype("<u2").tobytes()
    path = tmp_path / "bf16.safetensors"
    path.write_bytes(_safetensors({"__metadata__": {"format": "pt"},
                                   "w": {"dtype": "BF16", "shape": [3], "data_offsets": [0, 6]}}, top_halves))
    got = load_safetensors(path)["w"]
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, (values.view(np.uint32) & 0xFFFF0000).view(np.float32))
