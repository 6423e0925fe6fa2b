"""A named pipe (or any non-regular file) given where a file is expected is refused at
once with a message naming it, by every reader of user files -- never a hang."""
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import core as mx
from core.errors import DataError, FormatError
from core.image import load_image

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def _fifo(folder, name):
    path = folder / name
    os.mkfifo(path)
    return path


def _within(seconds, function):
    """function()'s exception (or None), failing the test when it has not returned in time."""
    outcome = {}

    def call():
        try:
            function()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error
        outcome["done"] = True
    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(seconds)
    if not outcome.get("done"):
        # release the reader blocked on the pipe so the thread can end
        with open(function.path, "wb"):
            pass
        pytest.fail(f"reading {function.path.name} still blocks after {seconds} s")
    return outcome.get("error")


def _reader(path, read):
    def function():
        read(path)
    function.path = path
    return function


READERS = {
    "x.jpg": lambda path: load_image(path),
    "net-0001.params": lambda path: mx.nd.load(str(path)),
    "net-symbol.json": lambda path: mx.sym.load(str(path)),
    "train-images-idx3-ubyte.gz": lambda path: __import__("core.io.idx", fromlist=["read_idx"]).read_idx(path),
    "table.csv": lambda path: __import__("core.io.formats", fromlist=["open_dataset"]).open_dataset(path),
    "weights.pth": lambda path: __import__("core.zoo.torch_legacy", fromlist=["x"]).load_legacy_state_dict(path),
}


@pytest.mark.parametrize("name", sorted(READERS))
def test_every_reader_refuses_a_named_pipe_at_once(tmp_path, name):
    path = _fifo(tmp_path, name)
    error = _within(5, _reader(path, READERS[name]))
    assert isinstance(error, (DataError, FormatError)), repr(error)
    assert name in str(error) and "named pipe" in str(error), str(error)


def test_netstudio_classify_refuses_a_fifo_and_classifies_the_rest(tmp_path):
    fifo = _fifo(tmp_path, "x.jpg")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "netstudio", "classify", str(fifo),
                          str(ROOT / "resources" / "samples" / "coffee.png"), "--model", "fashion-mnist-lenet"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert "coffee.png" in run.stdout
    assert f"{fifo}: not a picture file: it is a named pipe (FIFO), not a regular file" in run.stderr
    assert "Traceback" not in run.stderr


def test_image_folder_datasets_skip_a_named_pipe_among_the_pictures(tmp_path):
    from PIL import Image
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        Image.new("RGB", (8, 8), "red").save(tmp_path / label / "one.png")
    _fifo(tmp_path / "a", "x.jpg")
    found = {}
    error = _within(5, _reader(tmp_path / "a" / "x.jpg", lambda _path: found.update(it=mx.io.ImageFolderIter(
        tmp_path, data_shape=(3, 8, 8), batch_size=2))))
    assert error is None
    assert sorted(Path(p).name for p, _label in found["it"].samples) == ["one.png", "one.png"]
    batch = next(iter(found["it"]))
    assert batch.data[0].shape == (2, 3, 8, 8)

