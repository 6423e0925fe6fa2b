"""What every benchmark shares: the machine report (BLAS kernel and threads, load
average), timing (best-of and medians), peak RSS, and PyTorch when it is importable.

The figures are printed, never asserted: the machine may be shared, so each benchmark
repeats its work and reports the best run and the median.
"""
from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a source checkout


def blas_info():
    """(kernel, threads) of numpy's BLAS, via threadpoolctl when it is installed."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (pip install threadpoolctl to see it)", os.cpu_count() or 1
    import numpy  # noqa: F401  (loads the BLAS library threadpoolctl inspects)
    for pool in threadpool_info():
        if pool.get("user_api") == "blas" and "numpy" in pool.get("filepath", ""):
            return f"{pool['internal_api']} {pool.get('version')} {pool.get('architecture')}", pool["num_threads"]
    return "unknown", os.cpu_count() or 1


def print_machine(threads=None):
    """Print the machine and return the thread count both frameworks get: ``threads``
    when given (our kernels' pieces, PyTorch's intra-op threads), else numpy's BLAS
    threads."""
    import numpy

    from core.backend.cpu import parallel
    kernel, blas_threads = blas_info()
    threads = threads or blas_threads
    parallel.THREADS = threads
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}")
    print(f"numpy {numpy.__version__}, BLAS {kernel}, {blas_threads} thread(s); "
          f"both frameworks run on {threads} thread(s)")
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if name in os.environ:
            print(f"  {name}={os.environ[name]}")
    return threads


def add_thread_option(parser):
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for both frameworks (default: numpy's BLAS threads)")


def peak_rss_mb():
    """Peak resident memory of this process so far (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1 << 20)


def timed(run, repeats, warmup=1):
    """Seconds of each of ``repeats`` calls of ``run()`` after ``warmup`` calls."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        tic = time.perf_counter()
        run()
        times.append(time.perf_counter() - tic)
    return times


def summary(times):
    return {"best": min(times), "median": statistics.median(times)}


def load_torch(threads):
    """PyTorch with ``threads`` intra-op threads, or None when it is not importable."""
    try:
        import torch
    except ImportError:
        print("PyTorch: not importable in this interpreter, no comparison "
              "(see benchmarks/README.md for the venv)")
        return None
    torch.set_num_threads(threads)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s)")
    return torch


def compare(label, ours, theirs, unit, target=None):
    """One side-by-side line: both figures and ours/PyTorch (for a speed, above 1 is
    faster than PyTorch; for a latency, below 1 is)."""
    line = f"{label}: ours {ours:,.1f} {unit}, PyTorch {theirs:,.1f} {unit}, ours/PyTorch = {ours / theirs:.2f}"
    if target:
        line += f" (target {target})"
    print(line)
    return ours / theirs
