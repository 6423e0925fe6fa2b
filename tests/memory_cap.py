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
