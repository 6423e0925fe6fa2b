"""Process lanes: a slice of every batch runs in a worker process, so CPU training uses
two cores where threads cannot (our small kernels hold the GIL; measured on 2 cores, two
executors in two threads ran 1.1x, two processes 1.45x on LeNet's training step).

A ``ProcessLane`` looks like an Executor to ExecutorGroup: ``arg_dict``, ``grad_dict``,
``aux_dict`` and ``outputs`` are NDArrays over one block of shared memory that the parent
creates; the worker binds a real Executor over the same block. ``forward``/``backward``
only send a command and return; ``wait()`` collects the answers, so the caller must wait
before it reads any of those arrays (ExecutorGroup does, at each of its entry points).

Workers are started with the "spawn" context (safe with Qt and threads; a frozen app
needs ``multiprocessing.freeze_support()`` in its main) and kept in a small pool, so a
second lane (another module, a rebind) does not pay the 1-2 s start again. A worker ends
when the parent closes its pipe (or dies); shared memory is unlinked when the lane is
closed or collected, and at exit. A worker error comes back as a NetStudioError naming
the lane; a worker that died is an error too, never a hang.
"""
from __future__ import annotations

import atexit
import multiprocessing
import threading
import traceback
import weakref
from multiprocessing import shared_memory

import numpy as np

from .. import errors
from ..errors import NetStudioError, ShapeError
from ..ndarray.ndarray import NDArray

ALIGN = 64          # bytes; every array starts on a cache line
POLL_SECONDS = 0.2  # how often a waiting parent checks that the worker is alive
MAX_IDLE = 4        # idle workers kept for reuse

_idle = []
_idle_lock = threading.Lock()
_exiting = False


class _Worker:
    """A spawned process serving lanes over one pipe; counts the answers it owes."""

    def __init__(self):
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True,
                                       name="netstudio-lane")
        self.process.start()
        child.close()
        self.pending = 0

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
                if self.process.is_alive():
                    continue
                self.pending = 0
                raise NetStudioError(f"{who}: the worker process stopped (exit code "
                                     f"{self.process.exitcode}) before it answered")
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
        self.conn.close()
        self.process.join(2)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(1)


def _acquire():
    with _idle_lock:
        workers = list(_idle)
        _idle.clear()
    while workers:
        worker = workers.pop()
        if worker.process.is_alive():
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
            keep = not _exiting and len(_idle) < MAX_IDLE and worker.process.is_alive()
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
    missing = [n for n, s in zip(args + auxs, arg_shapes + aux_shapes) if s is None]
    if missing or any(s is None for s in out_shapes):
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
        self.arg_dict, self.grad_dict, self.aux_dict = wrap["arg"], wrap["grad"], wrap["aux"]
        self.arg_arrays = [self.arg_dict[n] for n in self.arg_names]
        self.grad_arrays = [self.grad_dict.get(n) for n in self.arg_names]
        self.aux_arrays = [self.aux_dict[n] for n in self.aux_names]
        self.outputs = [wrap["out"][n] for n in self.output_names]
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
    def forward(self, is_train=False):
        """Start a forward pass; ``wait()`` before reading ``outputs``."""
        self._worker.send(("forward", self._key, bool(is_train)), self.name)
        return self.outputs

    def backward(self, out_grads=None, is_train=True):
        """Start a backward pass; ``wait()`` before reading ``grad_dict``."""
        if out_grads is not None:
            out_grads = [out_grads] if isinstance(out_grads, NDArray) else list(out_grads)
            for target, grad in zip(self._heads, out_grads):
                target[...] = grad._data if isinstance(grad, NDArray) else grad
        self._worker.send(("backward", self._key, out_grads is not None), self.name)

    def wait(self):
        self._worker.wait(self.name)

    @property
    def busy(self):
        return self._worker.pending > 0

    @property
    def output_dict(self):
        return dict(zip(self.output_names, self.outputs))

    def close(self):
        """Free the shared memory and give the worker back (also done when collected)."""
        self._finalizer()

    @property
    def closed(self):
        return not self._finalizer.alive


# ----- the worker process ------------------------------------------------------------------
def _serve(conn):
    """The worker's loop: one command at a time, one answer per command (but unbind)."""
    from ..ops import _parallel
    _parallel.THREADS = 1   # the parent runs the other slice on the other core
    bound = {}
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        command, key = message[0], message[1]
        if command == "unbind":
            _drop(bound.pop(key, None))
            continue
        try:
            if command == "bind":
                bound[key] = _bind(*message[2:])
            else:
                _run(bound[key], command, message[2])
            conn.send(("ok",))
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
            conn.send(("error", type(error).__name__, str(error), traceback.format_exc()))
    for entry in bound.values():
        _drop(entry)


def _bind(memory_name, symbol_json, layout, grad_req):
    from ..context import cpu
    from ..executor import Executor
    from ..symbol import load_json
    # NOTE: attaching registers the name with the resource tracker again; the tracker is
    # the parent's (spawn passes it on) and keeps a set, so the parent's unlink settles it
    memory = shared_memory.SharedMemory(name=memory_name)
    views = _views(memory.buf, layout)
    ctx = cpu()
    wrap = {kind: {n: NDArray(a, ctx) for n, a in arrays.items()} for kind, arrays in views.items()}
    exe = Executor(load_json(symbol_json), ctx, wrap["arg"], wrap["grad"], grad_req, wrap["aux"])
    return {"memory": memory, "exe": exe, "out": views["out"], "head": wrap["head"]}


def _run(entry, command, flag):
    exe = entry["exe"]
    if command == "forward":
        for name, out in zip(exe.output_names, exe.forward(is_train=flag)):
            entry["out"][name][...] = out._data
    elif command == "backward":
        exe.backward(out_grads=[entry["head"][n] for n in exe.output_names] if flag else None)
    else:
        raise NetStudioError(f"unknown process lane command {command!r}")


def _drop(entry):
    if entry is None:
        return
    memory = entry["memory"]
    entry.clear()
    try:
        memory.close()
    except BufferError:
        pass

