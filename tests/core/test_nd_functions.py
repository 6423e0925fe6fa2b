"""mx.nd's plain helpers (issue 23 point 16): eye, linspace, logical_and/or/xor, moveaxis,
true_divide, onehot_encode, choose/fill_element_0index ... give what MXNet 1.9.1 gave for
the same calls (tests/fixtures/ops_mx191/nd_functions_mx191.npz), and the count of MXNet's
mx.nd names core.nd has."""
import json
from pathlib import Path

import numpy as np
import pytest

import core as mx
from core.errors import ShapeError

FIXTURE_DIR = Path(__file__).parents[1] / "fixtures" / "ops_mx191"
FIXTURES = np.load(FIXTURE_DIR / "nd_functions_mx191.npz", allow_pickle=False)
MANIFEST = json.loads(str(FIXTURES["manifest"]))


def _call_id(index):
    call = MANIFEST[index]
    return f"{call['function']}({', '.join(map(str, call['args']))}, {call['kwargs']})"


@pytest.mark.parametrize("index", range(len(MANIFEST)), ids=_call_id)
def test_nd_function_gives_mxnets_values_and_dtype(index):
    call = MANIFEST[index]
    args = [mx.nd.array(FIXTURES[f"c{index}_arg{a[1:]}"], dtype=FIXTURES[f"c{index}_arg{a[1:]}"].dtype)
            if isinstance(a, str) and a.startswith("a") else a for a in call["args"]]
    out = getattr(mx.nd, call["function"])(*args, **call["kwargs"])
    want = FIXTURES[f"c{index}_out"]
    got = out.asnumpy()
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-6)
    if f"c{index}_after" in FIXTURES:
        assert out is args[-1]
        np.testing.assert_array_equal(args[-1].asnumpy(), FIXTURES[f"c{index}_after"])


def test_logical_of_two_numbers_and_bad_shapes():
    assert mx.nd.logical_or(1, 0) == 1 and mx.nd.logical_and(1, 0) == 0
    with pytest.raises(ShapeError, match="one index per row"):
        mx.nd.onehot_encode(mx.nd.array([0, 1]), mx.nd.zeros((3, 4)))
    with pytest.raises(ValueError):
        mx.nd.moveaxis(mx.nd.zeros((2, 3)), [0, 0], [1, 0])


def test_from_numpy_shares_memory_and_dlpack_round_trips():
    source = np.arange(6.0).reshape(2, 3)
    shared = mx.nd.from_numpy(source)
    source[0, 0] = 5
    assert shared.asnumpy()[0, 0] == 5 and shared.dtype == np.float64
    copied = mx.nd.from_numpy(source, zero_copy=False)
    source[0, 0] = 7
    assert copied.asnumpy()[0, 0] == 5
    back = mx.nd.from_dlpack(mx.nd.to_dlpack_for_read(shared))
    source[...] = 1
    assert (back.asnumpy() == 1).all()
    np.testing.assert_array_equal(mx.nd.from_dlpack(np.eye(2)).asnumpy(), np.eye(2))


def test_load_frombuffer_reads_saved_bytes(tmp_path):
    path = tmp_path / "x.params"
    mx.nd.save(str(path), {"w": mx.nd.array([[1, 2]]), "b": mx.nd.array([3])})
    loaded = mx.nd.load_frombuffer(path.read_bytes())
    assert sorted(loaded) == ["b", "w"]
    np.testing.assert_array_equal(loaded["w"].asnumpy(), [[1, 2]])


def test_mx_nd_has_mxnets_helper_names():
    names = [n for n in (FIXTURE_DIR / "mx_nd_names.txt").read_text().splitlines()
             if n and not n.startswith("#")]
    helpers = {"eye", "linspace", "logical_and", "logical_or", "logical_xor", "moveaxis",
               "true_divide", "onehot_encode", "choose_element_0index", "fill_element_0index",
               "load_frombuffer", "from_numpy", "from_dlpack", "to_dlpack_for_read",
               "to_dlpack_for_write", "modulo", "greater_equal", "lesser_equal"}
    assert helpers <= set(names)
    assert all(hasattr(mx.nd, name) for name in helpers)


def test_operators_doc_counts_mxnets_nd_names():
    from ..test_operators_doc import gen

    have, total = gen.nd_count()
    assert total == 314 and have >= 270   # 243 before issue 23's helpers (eye, linspace, ...)
    assert f"`core.nd` has {have} of the {total} public names" in gen.render()
