"""core.runtime.describe(): what About and the self-test report, from the settings a
user can change (NETSTUDIO_JIT, NETSTUDIO_THREADS)."""
import json
import os
import subprocess
import sys

import numba

from core import runtime

CODE = ("import json, dataclasses; from core import runtime; d = runtime.describe(); "
        "print(json.dumps({**dataclasses.asdict(d), 'lines': d.lines()}))")


def _describe_with(**env):
    done = subprocess.run([sys.executable, "-c", CODE], env={**os.environ, **env},
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_compiled_kernels_name_numba_and_the_cpu():
    info = runtime.describe()
    assert info.compiled and info.numba_version == numba.__version__
    assert info.kernels == f"compiled (numba {numba.__version__})"
    lines = dict(info.lines())
    assert lines["Kernels"] == info.kernels and lines["Devices"].startswith("CPU (")


def test_jit_off_and_one_thread_are_reported():
    info = _describe_with(NETSTUDIO_JIT="0", NETSTUDIO_THREADS="1")
    assert not info["compiled"] and info["kernels"].startswith("NumPy (compiled kernels turned off")
    assert info["threads"] == 1 and info["max_lanes"] == 1
    assert dict(info["lines"])["Threads"] == "1, training in up to 1 process"


def test_two_threads_allow_two_training_processes():
    info = _describe_with(NETSTUDIO_THREADS="2")
    assert info["threads"] == 2 and info["max_lanes"] == 2
