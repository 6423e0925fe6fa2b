"""Both cores on the big kernels, without OpenBLAS's own threads on the small ones.

Why: OpenBLAS threads every GEMM above ~0.3 M multiply-adds, and its threads meet at
several barriers per call. Our GEMMs are small and many (a LeNet layer is 1-2 M MACs;
EfficientNet-Lite0 at batch 1 has 49 convolutions); measured on 2 cores, a 16×32×12544
GEMM took 0.27 ms on one BLAS thread and 11 ms on two while other processes were busy
(the threads wait for each other across time slices). So while an executor runs, BLAS
uses one thread in the calling thread (``openblas_set_num_threads_local``, which leaves
other threads alone), and the work that is big enough is split here instead: one part
per core, each part one BLAS call or one NumPy copy, so the cores meet once per call.

``NETSTUDIO_THREADS`` sets the number of parts (default: the cores); 1 turns splitting
off. Only NumPy arrays are split; CuPy work is left to the GPU.

>>> import numpy as np
>>> a, b = np.ones((64, 32), np.float32), np.ones((32, 4096), np.float32)
>>> bool((matmul(np, a, b) == 32).all())
True
"""
from __future__ import annotations

import ctypes
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

#: GEMMs below this many multiply-adds run in one piece (a split costs ~20 µs)
SPLIT_MACS = 4_000_000
#: copies and elementwise passes below this many elements run in one piece. NOTE:
#: measured on 2 cores, LeNet's passes (0.4 M values) ran no faster split and slowed
#: down when another process was busy (12.8k vs 9.6k samples/s), so only big ones split
SPLIT_ELEMENTS = 1_000_000


def _threads():
    try:
        return max(1, int(os.environ.get("NETSTUDIO_THREADS", "")))
    except ValueError:
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


THREADS = _threads()


# ----- OpenBLAS's per-thread thread count -----------------------------------------------
def _openblas_local_setter():
    """``openblas_set_num_threads_local`` of the OpenBLAS NumPy loaded, or None (MKL,
    Accelerate, an OpenBLAS older than 0.3.27, a platform without /proc)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line}
    except OSError:
        return None
    for path in sorted(paths):
        try:
            setter = getattr(ctypes.CDLL(path), "openblas_set_num_threads_local")
        except (OSError, AttributeError):
            continue
        setter.restype, setter.argtypes = ctypes.c_int, [ctypes.c_int]
        return setter
    return None


_set_local = _openblas_local_setter()


class single_threaded_blas:
    """Context: BLAS calls of this thread use one thread; the old count comes back after."""

    def __enter__(self):
        self.previous = _set_local(1) if _set_local is not None else None
        return self

    def __exit__(self, *exc):
        if self.previous is not None and self.previous != 1:
            _set_local(self.previous)
        return False


# ----- the pool --------------------------------------------------------------------------
_pool = None
_pool_lock = threading.Lock()
_local = threading.local()   # .inside: this thread runs a piece (no nested splitting)


def _worker_init():
    _local.inside = True
    if _set_local is not None:
        _set_local(1)


def _get_pool():
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(THREADS - 1, thread_name_prefix="netstudio-kernel",
                                           initializer=_worker_init)
    return _pool


class one_core:
    """Context: work started by this thread is not split over the pool (another process
    has the other core: process lanes, core/module/lanes.py)."""

    def __enter__(self):
        self.previous = getattr(_local, "inside", False)
        _local.inside = True
        return self

    def __exit__(self, *exc):
        _local.inside = self.previous
        return False


def ranges(total, parts):
    """``parts`` nearly equal (start, stop) ranges covering range(total)."""
    parts = max(1, min(parts, total))
    bounds = [total * i // parts for i in range(parts + 1)]
    return list(zip(bounds[:-1], bounds[1:]))


def even_size(total, pieces, parts):
    """The size of ``pieces`` near-equal pieces of ``total``, their number first rounded
    up to a multiple of ``parts`` (so the cores get equal shares: no core waits on a
    short last piece)."""
    pieces = max(1, min(total, -(-pieces // parts) * parts))
    return -(-total // pieces)


def run(task, pieces):
    """``task(start, stop)`` for each piece, the first on this thread, the others on the
    pool; waits for all and re-raises the first error."""
    if len(pieces) == 1:
        task(*pieces[0])
        return
    futures = [_get_pool().submit(task, *piece) for piece in pieces[1:]]
    _local.inside = True
    try:
        task(*pieces[0])
    finally:
        _local.inside = False
        for future in futures:
            future.result()


def split(task, total, parts):
    """``task(start, stop)`` over range(total) cut into ``parts`` nearly equal pieces
    (one piece: on this thread, no pool)."""
    run(task, ranges(total, parts))


def parts_for(xp, work, threshold):
    """How many pieces ``work`` units deserve (1 unless NumPy and big enough)."""
    if xp is not np or THREADS == 1 or work < 2 * threshold or getattr(_local, "inside", False):
        return 1
    return min(THREADS, work // threshold)


# ----- kernels ---------------------------------------------------------------------------
def matmul(xp, a, b, out=None):
    """``a @ b`` for 2-D a (M, K) and b (K, N), split over M or N across the cores."""
    m, k = a.shape
    n = b.shape[1]
    parts = parts_for(xp, m * n * k, SPLIT_MACS)
    if out is None:
        out = xp.empty((m, n), dtype=xp.result_type(a, b))
    if parts == 1:
        return xp.matmul(a, b, out=out)
    if m >= n:
        run(lambda lo, hi: np.matmul(a[lo:hi], b, out=out[lo:hi]), ranges(m, parts))
    else:
        run(lambda lo, hi: np.matmul(a, b[:, lo:hi], out=out[:, lo:hi]), ranges(n, parts))
    return out


def matmul_nt_sum(xp, a, b):
    """``a @ b.T`` for a (M, L) and b (N, L) with a long shared axis L: each core sums
    its share of L (a weight gradient: L = samples × pixels)."""
    m, length = a.shape
    n = b.shape[0]
    if xp is not np:
        return xp.matmul(a, b.T)
    parts = parts_for(xp, m * n * length, SPLIT_MACS)
    # NOTE: chunks of L that fit in cache run ~2x faster in OpenBLAS than one long call
    chunk = max(1024, (1 << 18) // max(m + n, 1))
    pieces = ranges(length, max(parts, -(-length // chunk)))
    if len(pieces) == 1:
        return xp.matmul(a, b.T)
    partial = [None] * len(pieces)

    def task(first, last):
        acc = None
        for index in range(first, last):
            lo, hi = pieces[index]
            # NOTE: b·aᵀ (then transposed) runs up to 2x faster in OpenBLAS than a·bᵀ here
            part = np.matmul(b[:, lo:hi], a[:, lo:hi].T)
            acc = part if acc is None else np.add(acc, part, out=acc)
        partial[first] = acc

    groups = ranges(len(pieces), parts)
    run(task, groups)
    total = partial[0]
    for first, _ in groups[1:]:
        total += partial[first]
    return total.T


def copy_pieces(xp, count, copy_one, elements_each):
    """Run ``copy_one(i)`` for i in range(count) (e.g. one im2col copy per kernel offset),
    spread over the cores when the copies are big."""
    def task(lo, hi):
        for index in range(lo, hi):
            copy_one(index)

    split(task, count, min(parts_for(xp, count * elements_each, SPLIT_ELEMENTS), count))


def over_batch(xp, n, elements, task):
    """``task(lo, hi)`` over sample ranges of an n-sample batch of ``elements`` values,
    in one piece per core when big enough (elementwise passes, pooling)."""
    split(task, n, min(parts_for(xp, elements, SPLIT_ELEMENTS), n))
