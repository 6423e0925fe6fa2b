"""Old vs new inference paths in one process, runs interleaved (old, new, ONNX Runtime
per repetition), same weights; prints the largest old/new output difference, best and
median of each, and the ratios.

Besides wall time it prints the process's CPU time per run (both cores' work; ORT's
threads are quiet by then, see ort_compare.settle): on a machine shared with other
busy sessions the wall times wander, the CPU time much less.

"old" switches this round's inference changes off between calls (main at 3f92d98):
the banded convolution with the activation in its epilogue (core/backend/cpu/conv_bands.py,
executor_passes.activation_epilogues). "new" is the tree as it is.

    python benchmarks/ab_inference_passes.py [RUNS] [efficientnet,resnet18,nanodet]
"""
from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np

import ort_compare as oc
from _common import print_machine
from _onnx_graph import OnnxGraph

from core.backend.cpu import conv_bands  # noqa: E402
from core.zoo.features import Runner  # noqa: E402

new_compiled = conv_bands.compiled


def set_old(old, runner, saved):
    conv_bands.compiled = (lambda *args: False) if old else new_compiled
    for exe in runner._executors.values():
        exe._epilogues = {} if old else saved[id(exe)]


def main():
    threads = print_machine(2)
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for net in (sys.argv[2] if len(sys.argv) > 2 else ",".join(oc.NETWORKS)).split(","):
        name, symbol, args, auxs, shape = getattr(oc, net)()
        batch = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
        runner = Runner(symbol, args, auxs)
        runner.outputs(batch)
        saved = {id(e): e._epilogues for e in runner._executors.values()}
        ort = OnnxGraph(symbol, args, auxs, {"data": shape}, threads)
        set_old(True, runner, saved)
        old_out = runner.outputs(batch)
        set_old(False, runner, saved)
        new_out = runner.outputs(batch)
        difference = max(float(np.abs(x - y).max()) for x, y in zip(old_out, new_out))
        print(f"{name}: old vs new largest difference {difference:.1e}")
        t = {"old": [], "new": [], "ORT": []}
        cpu = {"old": [], "new": [], "ORT": []}
        for _ in range(runs):
            for who in ("old", "new", "ORT"):
                if who != "ORT":
                    set_old(who == "old", runner, saved)
                oc.settle()
                tic, cpu_tic = time.perf_counter(), time.process_time()
                ort(batch) if who == "ORT" else runner.outputs(batch)
                t[who].append((time.perf_counter() - tic) * 1000)
                cpu[who].append((time.process_time() - cpu_tic) * 1000)
        for who, v in t.items():
            print(f"  {who:4s} best {min(v):7.1f} ms, median {statistics.median(v):7.1f} ms; "
                  f"CPU best {min(cpu[who]):7.1f} ms, median {statistics.median(cpu[who]):7.1f} ms")
        for who, other in (("old", "ORT"), ("new", "ORT"), ("new", "old")):
            print(f"  {who}/{other}: best {min(t[who]) / min(t[other]):.2f}, "
                  f"median {statistics.median(t[who]) / statistics.median(t[other]):.2f}; "
                  f"CPU median {statistics.median(cpu[who]) / statistics.median(cpu[other]):.2f}")
    print("load average at the end: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
