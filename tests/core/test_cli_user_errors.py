"""``netstudio`` with a user's mistakes (files generated here): each ends with one line
on stderr naming the file and what to do, exit status 2, no traceback; a real bug keeps
its traceback. A picture whose name starts with '-' is a picture."""
import json
import os
import shutil
import subprocess
import sys

import pytest

import core as mx
import netstudio
from core.errors import user_message
from .zoo_support import REPO, SAMPLES

LENET = REPO / "resources" / "zoo" / "fashion-mnist-lenet" / "fashion-mnist-lenet"


@pytest.fixture
def lenet(tmp_path):
    """A copy of the LeNet checkpoint (prefix tmp/net, epoch 10) to break."""
    for part in ("-symbol.json", "-0010.params", "-meta.json"):
        shutil.copy(f"{LENET}{part}", tmp_path / f"net{part}")
    return tmp_path / "net"


def run(capsys, *args):
    code = netstudio.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_user_error(code, err, *words):
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("netstudio classify: "), err
    assert "Traceback" not in err
    for word in words:
        assert str(word) in err, err


def test_a_missing_checkpoint(capsys, tmp_path):
    code, _, err = run(capsys, "classify", SAMPLES / "coffee.png", "--checkpoint", tmp_path / "nope")
    assert_one_line_user_error(code, err, tmp_path / "nope-symbol.json", "not found")


def test_a_params_path_that_is_a_folder(capsys, lenet):
    params = f"{lenet}-0010.params"
    os.remove(params)
    os.mkdir(params)
    code, _, err = run(capsys, "classify", SAMPLES / "coffee.png", "--checkpoint", lenet, "--epoch", 10)
    assert_one_line_user_error(code, err, params, "folder", "no epochs are saved")


def test_a_checkpoint_whose_shapes_do_not_fit(capsys, lenet):
    symbol, args, auxs = mx.model.load_checkpoint(str(lenet), 10)
    args["conv2_weight"] = mx.nd.zeros((3,) + args["conv2_weight"].shape[1:])
    mx.model.save_checkpoint(str(lenet), 11, None, args, auxs)
    code, _, err = run(capsys, "classify", SAMPLES / "coffee.png", "--checkpoint", lenet, "--epoch", 11)
    assert_one_line_user_error(code, err, f"{lenet}-0011.params", "conv2_weight", "(3, 6, 3, 3)")


def test_params_of_another_network(capsys, lenet):
    mx.model.save_checkpoint(str(lenet), 12, None, {"fc_weight": mx.nd.ones((3, 4))}, {})
    code, _, err = run(capsys, "classify", SAMPLES / "coffee.png", "--checkpoint", lenet, "--epoch", 12)
    assert_one_line_user_error(code, err, f"{lenet}-0012.params", "lacks", "conv1_weight")


@pytest.mark.parametrize("damage", ["heads", "num_filter", "truncated", "latin1"])
def test_malformed_symbol_json(capsys, lenet, damage):
    path = f"{lenet}-symbol.json"
    doc = json.loads(open(path).read())
    if damage == "heads":
        doc["heads"] = 7
    elif damage == "num_filter":
        next(n for n in doc["nodes"] if n["op"] == "Convolution")["attrs"]["num_filter"] = "1e400"
    text = json.dumps(doc).encode()
    if damage == "truncated":
        text = text[:len(text) // 2]
    elif damage == "latin1":
        text = text.replace(b'"conv1"', '"conv\xe9"'.encode("latin-1"))
    with open(path, "wb") as handle:
        handle.write(text)
    code, _, err = run(capsys, "classify", SAMPLES / "coffee.png", "--checkpoint", lenet, "--epoch", 10)
    assert_one_line_user_error(code, err, path)


def test_a_folder_without_pictures(capsys, tmp_path):
    code, _, err = run(capsys, "classify", tmp_path, "--checkpoint", LENET, "--epoch", 10)
    assert_one_line_user_error(code, err, tmp_path, "no pictures")


def test_a_picture_named_like_an_option_is_a_picture(capsys, tmp_path, monkeypatch):
    shutil.copy(SAMPLES / "coffee.png", tmp_path / "-2+3.png")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "classify", "-2+3.png", "--checkpoint", LENET, "--epoch", 10, "--top", 1)
    assert code == 0, err
    assert out.splitlines()[0] == "-2+3.png" and len(out.splitlines()) == 2
    # an option is still an option, and a name that is no file is still refused by argparse
    code, out, _ = run(capsys, "classify", "-2+3.png", "--checkpoint", LENET, "--epoch", 10, "--json")
    assert code == 0 and json.loads(out)[0]["image"] == "-2+3.png"
    with pytest.raises(SystemExit) as stopped:
        run(capsys, "classify", "-4+5.png", "--checkpoint", LENET)
    assert stopped.value.code == 2


def test_an_os_error_on_a_user_path_is_a_message_and_any_other_error_a_traceback(capsys, monkeypatch, tmp_path):
    assert user_message(IsADirectoryError(21, "Is a directory", str(tmp_path))) == (
        f"{tmp_path}: Is a directory; give a file, not a folder")
    assert user_message(OSError("no filename: not a user path")) is None
    import netstudio.zoo as zoo_command

    def broken(args):
        raise KeyError("a bug")
    monkeypatch.setattr(zoo_command, "run", broken)
    with pytest.raises(KeyError):
        netstudio.main(["zoo", "list"])


def test_the_console_script_form_exits_2_without_traceback(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "netstudio", "classify", str(SAMPLES / "coffee.png"),
                           "--checkpoint", str(tmp_path / "gone")], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "gone-symbol.json" in done.stderr


def _meta_with(**changes):
    meta = json.loads(open(f"{LENET}-meta.json").read())
    meta.update(changes)
    return json.dumps(meta)


@pytest.mark.parametrize("text", [
    "[]", "[" * 100_000, _meta_with(labels=5), _meta_with(input_size=[-1, 28, 28]),
    _meta_with(input_size=[1, 28]), _meta_with(input_size=[1, 28, 28]).replace("28, 28", "28, 1e400"),
    _meta_with(preprocess=[]), _meta_with(name="cafX").replace("cafX", "caf\xe9").encode("latin-1"),
], ids=["list", "deep", "labels-int", "negative-size", "two-sizes", "infinite-size", "preprocess-list",
        "latin1"])
def test_a_malformed_sidecar(capsys, lenet, text):
    path = f"{lenet}-meta.json"
    with open(path, "wb") as handle:
        handle.write(text if isinstance(text, bytes) else text.encode())
    code, _, err = run(capsys, "classify", SAMPLES / "coffee.png", "--checkpoint", lenet, "--epoch", 10)
    assert_one_line_user_error(code, err, path)


def test_a_malformed_class_list(tmp_path):
    from core.errors import FormatError
    from core.zoo.meta import read_class_file
    for name, data in (("deep.json", b"[" * 100_000), ("object.json", b'{"a": "cat"}'), ("number.json", b"7"),
                       ("latin1.txt", "caf\xe9\n".encode("latin-1"))):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(FormatError, match=name):
            read_class_file(tmp_path / name)
