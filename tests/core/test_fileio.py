"""Atomic writes after a crash and on a full disk: a save killed with SIGKILL leaves its
temporary, which the next save or load of that file removes; a write that runs out of
room names the file, keeps the previous one and leaves no temporary."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import core as mx
from core.errors import DiskFullError
from core.fileio import atomic_write_bytes, remove_stale_temporaries

ROOT = Path(__file__).resolve().parents[2]
KILLED_SAVE = """
import sys, time
from core.fileio import atomic_open
with atomic_open(sys.argv[1], "wb") as handle:
    handle.write(b"x" * 5_000_000)
    handle.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


def _killed_save(path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-c", KILLED_SAVE, str(path)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "writing"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def _temporaries(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_save_killed_half_way_leaves_a_temporary_the_next_load_removes(tmp_path):
    target = tmp_path / "net-0001.params"
    mx.nd.save(str(target), {"arg:w": mx.nd.array(np.ones((2, 2)))})
    _killed_save(target)
    assert len(_temporaries(tmp_path)) == 1                  # what kill -9 leaves
    loaded = mx.nd.load(str(target))
    assert loaded["arg:w"].shape == (2, 2)                   # the good file is untouched
    assert _temporaries(tmp_path) == []


def test_the_next_save_removes_dead_temporaries_but_not_a_live_writers(tmp_path):
    target = tmp_path / "net-0001.params"
    _killed_save(target)
    live = tmp_path / f".{target.name}.{os.getppid()}.abcd1234.tmp"       # a running process
    live.write_bytes(b"in progress")
    old_style = tmp_path / f".{target.name}.k3j4h5g6.tmp"                # no pid, two hours old
    old_style.write_bytes(b"old")
    os.utime(old_style, (time.time() - 7200,) * 2)
    other = tmp_path / ".other.params.999999.x.tmp"                      # not this file's
    other.write_bytes(b"")
    atomic_write_bytes(target, b"new")
    assert _temporaries(tmp_path) == sorted([live.name, other.name])
    assert target.read_bytes() == b"new"
    remove_stale_temporaries(tmp_path / "missing-folder" / "x")          # nothing there: fine


def test_a_full_disk_names_the_file_keeps_the_old_one_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "net-0001.params"
    target.write_bytes(b"previous")
    script = ("import resource, signal, sys\n"
              "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
              "resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))\n"
              "import numpy as np, core as mx\n"
              "from core.errors import NetStudioError\n"
              "try: mx.nd.save(sys.argv[1], {'arg:w': mx.nd.array(np.ones((1024, 1024)))})\n"
              "except NetStudioError as error: print(error)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert f"{target}: not saved, the disk is full" in run.stdout and "Free some space" in run.stdout
    assert target.read_bytes() == b"previous" and _temporaries(tmp_path) == []


def test_disk_full_is_still_an_os_error_for_callers_that_catch_those():
    assert issubclass(DiskFullError, OSError)
    with pytest.raises(OSError):
        raise DiskFullError("x: not saved")


KILLED_INSTALL = """
import sys, time
from core.zoo import store
def build(folder):
    (folder / "half.params").write_bytes(b"x" * 1_000_000)
    print("building", flush=True)
    time.sleep(60)
store.install("killed-model", build)
"""


def test_a_zoo_install_killed_half_way_is_cleared_by_the_next_install(tmp_path, monkeypatch):
    from core.zoo import store
    env = dict(os.environ, PYTHONPATH=str(ROOT), NETSTUDIO_CACHE=str(tmp_path / "cache"))
    monkeypatch.setenv("NETSTUDIO_CACHE", str(tmp_path / "cache"))
    process = subprocess.Popen([sys.executable, "-c", KILLED_INSTALL], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "building"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    root = store.models_root()
    assert [p.name for p in root.iterdir() if p.name.endswith(".partial")]      # what kill -9 leaves
    store.install("killed-model", lambda folder: (folder / "m.params").write_bytes(b"ok") and None)
    assert sorted(p.name for p in root.iterdir()) == ["killed-model"]
