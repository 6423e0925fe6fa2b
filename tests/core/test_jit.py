"""The compiled-kernel switch: numba kernels run when numba is there, release the GIL,
and NETSTUDIO_JIT=0 turns them off for the NumPy paths."""
import os
import subprocess
import sys
import threading

import numpy as np

from core.backend.cpu import jit


@jit.kernel
def _count_up(out, lo, hi):
    for i in range(lo, hi):
        total = 0.0
        for j in range(20000):
            total += (i + j) % 7
        out[i] = total


def test_kernels_compile_and_run_on_numpy_arrays():
    assert jit.enabled(np)
    out = np.zeros(8)
    _count_up(out, 2, 5)
    expected = [sum((i + j) % 7 for j in range(20000)) for i in range(2, 5)]
    assert out[2:5].tolist() == expected and not out[:2].any() and not out[5:].any()


def test_two_threads_can_run_kernels_at_once():
    # what the GUI does: classify on one worker while training on another
    out = np.zeros(64)
    _count_up(out, 0, 1)
    threads = [threading.Thread(target=_count_up, args=(out, lo, lo + 32)) for lo in (0, 32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert out.all()


def test_environment_variable_turns_them_off():
    code = "from core.backend.cpu import jit; import numpy; print(jit.enabled(numpy), jit.describe())"
    env = dict(os.environ, NETSTUDIO_JIT="0")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.startswith("False NumPy (compiled kernels turned off by NETSTUDIO_JIT=0)")


def test_description_names_numba():
    assert jit.describe() == f"compiled (numba {__import__('numba').__version__})"
