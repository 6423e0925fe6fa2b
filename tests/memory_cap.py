"""Run a piece of Python in a subprocess under an address-space cap, so a memory bomb
that regresses fails the test (MemoryError, a non-zero exit) instead of swapping.

>>> run = run_capped("from core.errors import DataError\\nprint('ok')")   # doctest: +SKIP
>>> run.returncode, run.stdout                                          # doctest: +SKIP
(0, 'ok\\n')
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CAP = 1 << 31                     # 2 GiB of address space: the engine imports in well under


def run_capped(script, *args, cap=CAP, timeout=120):
    prologue = ("import resource\n"
                f"resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-c", prologue + script, *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)


def refusal_capped(reader, error, path, cap=CAP):
    """Call ``reader`` ("module:function") on ``path`` under the cap; the message of the
    ``error`` ("module:Class") it raised, or a failure naming what happened instead."""
    (module, function), (error_module, error_class) = reader.split(":"), error.split(":")
    script = (f"import sys\nfrom {error_module} import {error_class}\nfrom {module} import {function}\n"
              f"try:\n    {function}(sys.argv[1])\n    print('LOADED')\n"
              f"except {error_class} as error:\n    print(error)\n")
    run = run_capped(script, path, cap=cap)
    assert run.returncode == 0 and "LOADED" not in run.stdout, run.stdout + run.stderr
    return run.stdout.strip()
