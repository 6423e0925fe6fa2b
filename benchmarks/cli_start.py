"""Start-up of the command line: seconds from launch to the printed top-5 of
`netstudio classify`, on an empty cache (no Python bytecode, no compiled kernels: what a
fresh install meets) and warm, for 1 and 24 pictures, with the kernels the command
chooses (netstudio/kernels.py) and with compiled/NumPy kernels forced by NETSTUDIO_JIT.

    python benchmarks/cli_start.py [--runs 5]

Each case runs as a new process; best and median of the runs are printed, never asserted.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT

PHOTO = ROOT / "resources" / "samples" / "coffee.png"
KERNELS = {"chosen": None, "compiled": "1", "NumPy": "0"}


def launch(pictures, jit, caches=None):
    env = dict(os.environ)
    env.pop("NETSTUDIO_JIT", None)
    if jit is not None:
        env["NETSTUDIO_JIT"] = jit
    if caches is not None:          # empty caches: bytecode and numba's kernels
        env["PYTHONPYCACHEPREFIX"] = str(caches / "pyc")
        env["NUMBA_CACHE_DIR"] = str(caches / "numba")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "netstudio", "classify", *map(str, pictures)], env=env,
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        many = []
        for i in range(24):
            many.append(tmp / f"coffee{i}.png")
            shutil.copyfile(PHOTO, many[-1])
        for name, jit in KERNELS.items():
            cold = []
            for run in range(args.runs):
                caches = tmp / f"cache-{name}-{run}"
                cold.append(launch([PHOTO], jit, caches))
            print(f"kernels {name:8s}  1 picture , empty caches: best {min(cold):.2f} s, "
                  f"median {statistics.median(cold):.2f} s")
            for count, pictures in ((1, [PHOTO]), (24, many)):
                launch(pictures, jit)          # fill the caches
                warm = [launch(pictures, jit) for _ in range(args.runs)]
                print(f"kernels {name:8s} {count:2d} picture{'s' if count > 1 else ' '}, warm:         "
                      f"best {min(warm):.2f} s, median {statistics.median(warm):.2f} s")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
