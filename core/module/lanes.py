"""Process lanes: a slice of every batch runs in a worker process, so CPU training uses
two cores where threads cannot (our small kernels hold the GIL; measured on 2 cores, two
executors in two threads ran 1.1x, two processes 1.45x on LeNet's training step).

A ``ProcessLane`` looks like an Executor to ExecutorGroup: ``arg_dict``, ``grad_dict``,
``aux_dict`` and ``outputs`` are NDArrays over one block of shared memory that the parent
creates; the worker binds a real Executor over the same block. ``forward``/``backward``
only send a command and return, so the lane runs while the parent computes; reading any
of those arrays first waits for the lane's answers (``wait()``), so a caller cannot read
or write them while the worker does (LaneExecutorGroup, core/module/lane_group.py).

Workers are programs of their own (core/module/lane_worker.py, started with
``python -m core.module.lane_worker``, or the frozen app with its hidden
command ``WORKER_FLAG``), connected back over ``multiprocessing.connection``
with a random key: unlike multiprocessing's "spawn", nothing re-imports the parent's
``__main__``, so a script without ``if __name__ == "__main__":`` is safe. They are kept in
a small pool, so a second lane (another module, a rebind) does not pay the 1-2 s start
again. A worker ends when the parent closes its connection (or dies); shared memory is
owned by the parent alone and unlinked when the lane is closed or collected, and at exit.
A worker error comes back as a NetStudioError naming the lane; a worker that died or
never connected is an error too, never a hang.
"""
from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
import time
import weakref
from multiprocessing import shared_memory
from multiprocessing.connection import Client, Listener
from pathlib import Path

import numpy as np

from .. import errors
from ..errors import NetStudioError, ShapeError
from ..ndarray.ndarray import NDArray

ALIGN = 64          # bytes; every array starts on a cache line
POLL_SECONDS = 0.2  # how often a waiting parent checks that the worker is alive
MAX_IDLE = 4        # idle workers kept for reuse
START_SECONDS = 60  # a worker that has not connected by then is given up (normally ~1 s)
KEY_VARIABLE = "NETSTUDIO_LANE_KEY"   # the connection's key, hex, in the worker's environment
WORKER_FLAG = "--netstudio-lane-worker"   # the frozen app's hidden command (netstudio/__init__.py)

_idle = []
_idle_lock = threading.Lock()
_live = weakref.WeakSet()   # every worker not yet closed (worker_pids)
_exiting = False


class _Worker:
    """A worker process (core/module/lane_worker.py) serving lanes over one connection;
    counts the answers it owes."""

    def __init__(self):
        self.pending = 0
        self.process, self.conn = _start()
        _live.add(self)

    def alive(self):
        return self.process.poll() is None

    def send(self, message, who, answer=True):
        try:
            self.conn.send(message)
        except (OSError, ValueError) as error:
            raise NetStudioError(f"{who}: the worker process is gone ({error})") from None
        self.pending += answer

    def wait(self, who):
        """Collect every answer owed; raise the first error among them."""
        failure = None
        while self.pending:
            try:
                ready = self.conn.poll(POLL_SECONDS)
                reply = self.conn.recv() if ready else None
            except (EOFError, OSError):
                ready, reply = False, None
            if not ready:
                if self.alive():
                    continue
                self.pending = 0
                raise NetStudioError(f"{who}: the worker process stopped (exit code "
                                     f"{self.process.returncode}) before it answered")
            self.pending -= 1
            if reply[0] == "error" and failure is None:
                failure = reply
        if failure is not None:
            _, kind, message, trace = failure
            cls = getattr(errors, kind, None)
            cls = cls if isinstance(cls, type) and issubclass(cls, NetStudioError) else NetStudioError
            error = cls(f"{who}: {kind}: {message}")
            error.worker_traceback = trace
            raise error

    def close(self):
        self.conn.close()   # the worker's loop ends on end-of-file
        _reap(self.process)


def worker_pids():
    """The process ids of this process's running lane workers (e.g. to count their CPU)."""
    return [worker.process.pid for worker in list(_live) if worker.alive()]


def _command(address):
    if getattr(sys, "frozen", False):   # the packaged app is the interpreter: its hidden command
        return [sys.executable, WORKER_FLAG, address]
    # -P: the current directory does not go first on the worker's path (Python >= 3.11)
    return [sys.executable, "-P", "-m", "core.module.lane_worker", address]


def _environment(key):
    env = dict(os.environ)
    env[KEY_VARIABLE] = key.hex()
    # the worker imports this very core even when the parent found it through sys.path
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def _start():
    """Start a worker and wait until it connects back: (Popen, Connection). A worker that
    exits or does not connect within START_SECONDS is a NetStudioError, not a hang."""
    key = os.urandom(32)
    # family=None: AF_UNIX in a private (0700) temp dir, or a named pipe on Windows
    with Listener(authkey=key) as listener:
        address = listener.address
        process = subprocess.Popen(_command(address), env=_environment(key), stdin=subprocess.DEVNULL)
        accepted = {}

        def accept():
            try:
                accepted["conn"] = listener.accept()
            except Exception as error:  # noqa: BLE001 - reported below
                accepted["error"] = error

        thread = threading.Thread(target=accept, name="netstudio-lane-accept", daemon=True)
        thread.start()
        deadline, gave_up = time.monotonic() + START_SECONDS, False
        while True:
            thread.join(POLL_SECONDS)
            if not thread.is_alive():
                break
            if process.poll() is not None or time.monotonic() > deadline:
                gave_up = True
                try:   # wake accept() up with a connection of our own
                    Client(address, authkey=key).close()
                except (OSError, EOFError):
                    pass
                thread.join(5)
                break
        conn, exited = accepted.get("conn"), process.poll()
        if gave_up or conn is None or exited is not None:
            if conn is not None:
                conn.close()
            _reap(process, 0)
            reason = (f"it exited with code {exited}" if exited is not None
                      else accepted.get("error") or f"it did not connect within {START_SECONDS} s")
            raise NetStudioError(f"a process lane's worker did not start ({reason})")
        return process, conn


def _reap(process, grace=2):
    """Wait for a worker to end (it does once its connection is closed); kill it else."""
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _acquire():
    with _idle_lock:
        workers = list(_idle)
        _idle.clear()
    while workers:
        worker = workers.pop()
        if worker.alive():
            with _idle_lock:
                _idle.extend(workers)
            return worker
        worker.close()
    return _Worker()


def _release(worker, key, memory):
    """Finalizer of a lane: forget its executor in the worker, pool the worker, free
    the shared memory. Never raises (it may run at exit or in the garbage collector)."""
    try:
        worker.wait("closing a process lane")
        worker.send(("unbind", key), "closing a process lane", answer=False)
        with _idle_lock:
            keep = not _exiting and len(_idle) < MAX_IDLE and worker.alive()
            if keep:
                _idle.append(worker)
        if not keep:
            worker.close()
    except Exception:  # noqa: BLE001 - a dead worker: nothing to pool
        worker.close()
    try:
        memory.unlink()
    except FileNotFoundError:
        pass
    try:
        memory.close()
    except BufferError:
        pass   # arrays over it still referenced: the mapping goes with them, the name is gone


@atexit.register
def _close_idle():
    global _exiting
    with _idle_lock:
        _exiting = True
        workers = list(_idle)
        _idle.clear()
    for worker in workers:
        worker.close()


def _layout(symbol, grad_req, shapes):
    """[(kind, name, shape, offset)] for every array a lane shares, and the total bytes."""
    arg_shapes, out_shapes, aux_shapes = symbol.infer_shape_partial(**shapes)
    args, auxs, outs = symbol.list_arguments(), symbol.list_auxiliary_states(), symbol.list_outputs()
    missing = [n for n, s in zip(args + auxs, arg_shapes + aux_shapes) if not s]
    if missing or any(not s for s in out_shapes):
        raise ShapeError(f"process lane: the shapes of {missing or outs} are unknown")
    entries = ([("arg", n, s) for n, s in zip(args, arg_shapes)]
               + [("grad", n, s) for n, s in zip(args, arg_shapes) if grad_req.get(n, "null") != "null"]
               + [("aux", n, s) for n, s in zip(auxs, aux_shapes)]
               + [("out", n, s) for n, s in zip(outs, out_shapes)]
               + [("head", n, s) for n, s in zip(outs, out_shapes)])
    layout, offset = [], 0
    for kind, name, shape in entries:
        layout.append((kind, name, tuple(shape), offset))
        offset += -(-int(np.prod(shape, dtype=np.int64)) * 4 // ALIGN) * ALIGN
    return layout, max(offset, ALIGN)


def _views(buffer, layout):
    views = {"arg": {}, "grad": {}, "aux": {}, "out": {}, "head": {}}
    for kind, name, shape, offset in layout:
        views[kind][name] = np.ndarray(shape, np.float32, buffer=buffer, offset=offset)
    return views


class ProcessLane:
    """An Executor look-alike whose work runs in a worker process (see the module doc)."""

    def __init__(self, symbol, ctx, grad_req, shapes, name="process lane"):
        if ctx.xp is not np:
            raise NetStudioError(f"{name}: process lanes run on the CPU, not on {ctx}")
        self.name = name
        self._ctx, self._xp = ctx, np
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        self.output_names = symbol.list_outputs()
        self.grad_req = {n: grad_req.get(n, "null") for n in self.arg_names}
        layout, size = _layout(symbol, self.grad_req, shapes)
        self._memory = memory = shared_memory.SharedMemory(create=True, size=size)
        views = _views(memory.buf, layout)
        wrap = {kind: {n: NDArray(a, ctx) for n, a in arrays.items()} for kind, arrays in views.items()}
        self._arrays = {"arg": wrap["arg"], "grad": wrap["grad"], "aux": wrap["aux"],
                        "out": [wrap["out"][n] for n in self.output_names]}
        self._heads = [views["head"][n] for n in self.output_names]
        try:
            self._worker = worker = _acquire()
        except Exception:
            memory.close()
            memory.unlink()
            raise
        self._key = memory.name
        self._finalizer = weakref.finalize(self, _release, worker, self._key, memory)
        worker.send(("bind", self._key, memory.name, symbol.tojson(), layout, self.grad_req), name)
        self.wait()

    # ----- the Executor surface ExecutorGroup uses -----------------------------------------
    def _ready(self, kind):
        """The lane's arrays of ``kind``, once the worker is done with them."""
        self.wait()
        return self._arrays[kind]

    arg_dict = property(lambda self: self._ready("arg"))
    grad_dict = property(lambda self: self._ready("grad"))
    aux_dict = property(lambda self: self._ready("aux"))
    outputs = property(lambda self: self._ready("out"))

    def forward(self, is_train=False):
        """Start a forward pass and return at once (``outputs`` waits for it)."""
        self._worker.send(("forward", self._key, bool(is_train)), self.name)

    def backward(self, out_grads=None, is_train=True):
        """Start a backward pass and return at once (``grad_dict`` waits for it)."""
        if out_grads is not None:
            out_grads = [out_grads] if isinstance(out_grads, NDArray) else list(out_grads)
            for target, grad in zip(self._heads, out_grads):
                target[...] = grad._data if isinstance(grad, NDArray) else grad
        self._worker.send(("backward", self._key, out_grads is not None), self.name)

    def wait(self):
        """Collect the worker's answers; raise the first error among them (naming the lane)."""
        self._worker.wait(self.name)

    def close(self):
        """Free the shared memory and give the worker back (also done when collected)."""
        self._finalizer()
