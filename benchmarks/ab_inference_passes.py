"""Old vs new inference passes of issue 20 in one process, runs interleaved (old, new,
ONNX Runtime per repetition): the in-place activations, the one-picture convolution GEMM
split and max pooling over maps switched off ("old", main at b2e0f68) and on between
calls, same weights; prints the largest old/new output difference, best and median.

    python benchmarks/ab_inference_passes.py [RUNS] [efficientnet,resnet18,nanodet]
"""
from __future__ import annotations

import os
import statistics
import sys
import time
import types

import numpy as np

import ort_compare as oc
from _common import print_machine
from _onnx_graph import OnnxGraph

import core.backend.cpu.pool_kernels as pk  # noqa: E402
import core.ops.conv as conv_mod  # noqa: E402
from core.backend.cpu import parallel  # noqa: E402
from core.backend.cpu.pool_kernels import Saved, _window, max_forward  # noqa: E402
from core.zoo.features import Runner  # noqa: E402

new_pool = pk.forward


def old_pool(xp, x, geometry, divisor, track):
    """pool_kernels.forward as it was: max pooling pieces over samples only."""
    if divisor is not None:
        return new_pool(xp, x, geometry, divisor, track)
    window = _window(geometry, x.shape[3])
    out = np.empty(x.shape[:2] + tuple(geometry[3]), dtype=x.dtype)
    size = len(window[0]) * len(window[1])
    winner = np.empty(out.shape if track else (1, 1, 1, 1), dtype=np.uint8 if size < 255 else np.int32)
    parallel.over_batch(xp, x.shape[0], x.size, lambda lo, hi: max_forward(x, out, winner, track, *window, lo, hi))
    return out, (Saved(winner=winner) if track else None)


class OldParallel(types.ModuleType):
    """conv.py's view of parallel as it was: one picture's GEMM in one piece."""

    def __getattr__(self, name):
        return getattr(parallel, name)

    @staticmethod
    def matmul(xp, a, b, out=None):
        return np.matmul(a, b, out=out)


old_parallel = OldParallel("old_parallel")


def set_old(old, runner, saved):
    pk.forward = old_pool if old else new_pool
    conv_mod.parallel = old_parallel if old else parallel
    for exe in runner._executors.values():
        exe._in_place = set() if old else saved[id(exe)]


def main():
    threads = print_machine(2)
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for net in (sys.argv[2] if len(sys.argv) > 2 else ",".join(oc.NETWORKS)).split(","):
        name, symbol, args, auxs, shape = getattr(oc, net)()
        batch = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
        runner = Runner(symbol, args, auxs)
        runner.outputs(batch)
        saved = {id(e): e._in_place for e in runner._executors.values()}
        ort = OnnxGraph(symbol, args, auxs, {"data": shape}, threads)
        set_old(True, runner, saved)
        old_out = runner.outputs(batch)
        set_old(False, runner, saved)
        new_out = runner.outputs(batch)
        difference = max(float(np.abs(x - y).max()) for x, y in zip(old_out, new_out))
        print(f"{name}: old vs new largest difference {difference:.1e}")
        t = {"old": [], "new": [], "ORT": []}
        for _ in range(runs):
            for who in ("old", "new", "ORT"):
                if who != "ORT":
                    set_old(who == "old", runner, saved)
                tic = time.perf_counter()
                ort(batch) if who == "ORT" else runner.outputs(batch)
                t[who].append((time.perf_counter() - tic) * 1000)
        for who, v in t.items():
            print(f"  {who:4s} best {min(v):7.1f} ms, median {statistics.median(v):7.1f} ms")
        for who, other in (("old", "ORT"), ("new", "ORT"), ("new", "old")):
            print(f"  {who}/{other}: best {min(t[who]) / min(t[other]):.2f}, "
                  f"median {statistics.median(t[who]) / statistics.median(t[other]):.2f}")
    print("load average at the end: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
