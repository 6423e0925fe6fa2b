"""The allow-listed reader of legacy PyTorch files: the real EfficientNet-Lite0 weights,
small files written here in the same format, and hostile pickles that must not run."""
import collections
import io
import pickle
import struct
import sys
import types

import numpy as np
import pytest

from core.errors import FormatError
from core.zoo.torch_legacy import (MAGIC_NUMBER, PROTOCOL_VERSION, efficientnet_lite0_weights_path,
                                   load_legacy_state_dict)

BN_STATISTICS = ("running_mean", "running_var", "num_batches_tracked")


# ---------------------------------------------------------------- the real weights file

@pytest.fixture(scope="module")
def lite0():
    return load_legacy_state_dict(efficientnet_lite0_weights_path())


def test_reads_all_296_tensors_in_file_order(lite0):
    names = list(lite0)
    assert len(names) == 296
    assert names[:6] == ["_conv_stem.weight", "_bn0.weight", "_bn0.bias", "_bn0.running_mean",
                         "_bn0.running_var", "_bn0.num_batches_tracked"]
    assert names[-2:] == ["_fc.weight", "_fc.bias"]
    assert "_blocks.15._project_conv.weight" in lite0
    assert "_conv_head.weight" in lite0 and "_bn1.running_var" in lite0


def test_shapes_match_the_architecture(lite0):
    assert lite0["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert lite0["_blocks.0._depthwise_conv.weight"].shape == (32, 1, 3, 3)
    assert lite0["_blocks.1._expand_conv.weight"].shape == (96, 16, 1, 1)
    assert lite0["_blocks.15._project_conv.weight"].shape == (320, 1152, 1, 1)
    assert lite0["_conv_head.weight"].shape == (1280, 320, 1, 1)
    assert lite0["_fc.weight"].shape == (1000, 1280)
    assert lite0["_bn0.num_batches_tracked"].shape == ()


def test_trainable_parameter_count_is_the_issues_4652008(lite0):
    # 4,652,008 = conv/fc weights + fc bias + BatchNorm gamma/beta; the running
    # statistics (another 42,016 numbers) and the 49 counters are not trained.
    trainable = {k: v for k, v in lite0.items() if not k.endswith(BN_STATISTICS)}
    assert sum(v.size for v in trainable.values()) == 4_652_008
    floats = [v for v in lite0.values() if v.dtype == np.float32]
    assert len(floats) == 247 and sum(v.size for v in floats) == 4_694_024
    counters = [k for k, v in lite0.items() if v.dtype == np.int64]
    assert len(counters) == 49 and all(k.endswith("num_batches_tracked") for k in counters)


def test_values_are_plausible_trained_weights(lite0):
    for name, value in lite0.items():
        if value.dtype == np.float32:
            assert value.flags.c_contiguous and np.isfinite(value).all(), name
        if name.endswith("running_var"):
            assert (value >= 0).all(), name   # dead channels have exactly 0
    assert 0.01 < float(lite0["_fc.weight"].std()) < 1.0
    assert float(np.abs(lite0["_fc.weight"]).sum()) > 1000


# ---------------------------------------------------------------- a writer for small test files

class _FakeStorage:
    def __init__(self, kind, key, data):
        self.kind, self.key, self.data = kind, key, data


class _FakeTensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, tuple(size), tuple(stride), False, collections.OrderedDict())

    def __reduce__(self):
        return sys.modules["torch._utils"]._rebuild_tensor_v2, self.args


@pytest.fixture
def fake_torch(monkeypatch):
    """Just enough of a 'torch' module for pickle to *write* the global names torch writes."""
    torch, utils = types.ModuleType("torch"), types.ModuleType("torch._utils")
    for name in ("FloatStorage", "LongStorage", "DoubleStorage"):
        setattr(torch, name, type(name, (), {"__module__": "torch"}))

    def _rebuild_tensor_v2(*args):
        raise AssertionError("never called while writing")
    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)
    return torch


def write_legacy(path, state, storages, byte_order="<", cut=0):
    """state: name -> _FakeTensor; storages: the _FakeStorage objects in key-list order."""
    torch = sys.modules["torch"]

    class Writer(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, _FakeStorage):
                return ("storage", getattr(torch, obj.kind), obj.key, "cpu", obj.data.size, None)
            return None

    out = io.BytesIO()
    for header in (MAGIC_NUMBER, PROTOCOL_VERSION,
                   {"protocol_version": PROTOCOL_VERSION, "little_endian": byte_order == "<"}):
        pickle.dump(header, out, protocol=2)
    Writer(out, protocol=2).dump(collections.OrderedDict(state))
    pickle.dump([s.key for s in storages], out, protocol=2)
    for storage in storages:
        out.write(struct.pack(byte_order + "q", storage.data.size))
        out.write(storage.data.astype(storage.data.dtype.newbyteorder(byte_order)).tobytes())
    data = out.getvalue()
    path.write_bytes(data[:len(data) - cut])
    return path


def test_reads_offsets_strides_and_shared_storages(tmp_path, fake_torch):
    flat = np.arange(24, dtype=np.float32)
    shared = _FakeStorage("FloatStorage", "7", flat)
    counts = _FakeStorage("LongStorage", "9", np.array([5], dtype=np.int64))
    state = {"matrix": _FakeTensor(shared, 0, (4, 6), (6, 1)),
             "transposed": _FakeTensor(shared, 0, (6, 4), (1, 6)),
             "tail": _FakeTensor(shared, 20, (4,), (1,)),
             "count": _FakeTensor(counts, 0, (), ())}
    path = write_legacy(tmp_path / "small.pth", state, [shared, counts])
    loaded = load_legacy_state_dict(path)
    assert list(loaded) == ["matrix", "transposed", "tail", "count"]
    np.testing.assert_array_equal(loaded["matrix"], flat.reshape(4, 6))
    np.testing.assert_array_equal(loaded["transposed"], flat.reshape(4, 6).T)
    assert loaded["transposed"].flags.c_contiguous
    np.testing.assert_array_equal(loaded["tail"], [20, 21, 22, 23])
    assert loaded["count"].dtype == np.int64 and int(loaded["count"]) == 5


def test_big_endian_files_and_doubles_become_native_float32(tmp_path, fake_torch):
    values = np.linspace(-1, 1, 6)
    storage = _FakeStorage("DoubleStorage", "1", values)
    path = write_legacy(tmp_path / "be.pth", {"w": _FakeTensor(storage, 0, (2, 3), (3, 1))},
                        [storage], byte_order=">")
    loaded = load_legacy_state_dict(path)["w"]
    assert loaded.dtype == np.float32
    np.testing.assert_allclose(loaded, values.reshape(2, 3), rtol=1e-6)


def test_truncated_file_is_a_format_error(tmp_path, fake_torch):
    storage = _FakeStorage("FloatStorage", "1", np.ones(100, np.float32))
    path = write_legacy(tmp_path / "cut.pth", {"w": _FakeTensor(storage, 0, (100,), (1,))},
                        [storage], cut=10)
    with pytest.raises(FormatError, match="cut.pth.*truncated or corrupt"):
        load_legacy_state_dict(path)


def test_tensor_reaching_past_its_storage_is_refused(tmp_path, fake_torch):
    storage = _FakeStorage("FloatStorage", "1", np.ones(4, np.float32))
    path = write_legacy(tmp_path / "oob.pth", {"w": _FakeTensor(storage, 2, (1000,), (1,))},
                        [storage])
    with pytest.raises(FormatError, match="'w' reaches past the end"):
        load_legacy_state_dict(path)


def test_non_tensor_entry_and_other_files_are_refused(tmp_path, fake_torch):
    storage = _FakeStorage("FloatStorage", "1", np.ones(4, np.float32))
    path = write_legacy(tmp_path / "mixed.pth", {"w": _FakeTensor(storage, 0, (4,), (1,)),
                                                 "epoch": 3}, [storage])
    with pytest.raises(FormatError, match="'epoch' is a int, not a tensor"):
        load_legacy_state_dict(path)
    (tmp_path / "new.pth").write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(FormatError, match="zip-format"):
        load_legacy_state_dict(tmp_path / "new.pth")
    (tmp_path / "text.pth").write_text("hello")
    with pytest.raises(FormatError, match="text.pth"):
        load_legacy_state_dict(tmp_path / "text.pth")
    with pytest.raises(FormatError, match="cannot open"):
        load_legacy_state_dict(tmp_path / "missing.pth")


# ---------------------------------------------------------------- hostile pickles

def _header():
    return b"".join(pickle.dumps(h, protocol=2) for h in
                    (MAGIC_NUMBER, PROTOCOL_VERSION, {"little_endian": True}))


@pytest.mark.parametrize("module, name", [("os", "system"), ("posix", "system"),
                                          ("builtins", "eval"), ("subprocess", "call")])
def test_a_pickle_that_would_run_a_command_is_refused_and_does_not_run(tmp_path, module, name):
    marker = tmp_path / "pwned"
    command = f"touch {marker}" if name in ("system", "call") else f"open({str(marker)!r}, 'w')"
    payload = (b"\x80\x02c" + f"{module}\n{name}\n".encode() + b"X" + struct.pack("<I", len(command))
               + command.encode() + b"\x85R.")
    path = tmp_path / "evil.pth"
    path.write_bytes(_header() + payload)
    with pytest.raises(FormatError, match=rf"refusing to load global '{module}\.{name}'"):
        load_legacy_state_dict(path)
    assert not marker.exists()


def test_globals_hidden_in_the_header_pickles_are_refused_too(tmp_path):
    path = tmp_path / "evil-magic.pth"
    path.write_bytes(b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00true\x85R.")
    with pytest.raises(FormatError, match="os.system"):
        load_legacy_state_dict(path)


def test_a_pickle_cannot_rewrite_the_allow_listed_objects(tmp_path):
    # BUILD on the shared stand-in for torch.FloatStorage would otherwise change it for
    # every later file (e.g. a 1-byte dtype to read past a storage's end).
    payload = b"\x80\x02ctorch\nFloatStorage\n}(X\x05\x00\x00\x00dtypeK\x01ub."
    path = tmp_path / "rewrite.pth"
    path.write_bytes(_header() + payload)
    with pytest.raises(FormatError, match="refusing to set state on _StorageType"):
        load_legacy_state_dict(path)
    payload = b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n}(X\x08\x00\x00\x00functionK\x01ub."
    path.write_bytes(_header() + payload)
    with pytest.raises(FormatError, match="refusing to set state"):
        load_legacy_state_dict(path)


def test_a_stride_0_tensor_that_repeats_a_tiny_storage_is_refused_under_a_memory_cap(tmp_path, fake_torch):
    from tests.memory_cap import refusal_capped
    storage = _FakeStorage("FloatStorage", "1", np.ones(1, np.float32))
    path = write_legacy(tmp_path / "bomb.pth", {"w": _FakeTensor(storage, 0, (2 ** 16, 2 ** 14), (0, 0))},
                        [storage])                                          # 4 GiB of one float
    assert path.stat().st_size < 400
    message = refusal_capped("core.zoo.torch_legacy:load_legacy_state_dict", "core.errors:FormatError", path)
    assert "bomb.pth: tensor 'w' of shape (65536, 16384) repeats its storage's 1 elements" in message


def test_many_tensors_viewing_one_storage_are_refused_past_the_budget(tmp_path, fake_torch):
    storage = _FakeStorage("FloatStorage", "1", np.ones(2 ** 18, np.float32))        # 1 MiB
    state = {f"w{i}": _FakeTensor(storage, 0, (2 ** 18,), (1,)) for i in range(8)}
    path = write_legacy(tmp_path / "shared.pth", state, [storage])
    with pytest.raises(FormatError, match=r"shared\.pth: the tensors would take far more memory"):
        load_legacy_state_dict(path)
    two = write_legacy(tmp_path / "tied.pth", dict(list(state.items())[:2]), [storage])
    assert len(load_legacy_state_dict(two)) == 2                # tied weights still load
