"""The worker process of the process lanes (core/module/lanes.py), a program of its own:

    python -m core.module.lane_worker ADDRESS        (the frozen app: NetStudio --netstudio-lane-worker ADDRESS)

It connects back to the parent's ``multiprocessing.connection.Listener`` at ADDRESS with
the key the parent put in its environment (``NETSTUDIO_LANE_KEY``, hex; never on the
command line, where other users could read it), then serves lanes: one command at a time,
one answer per command (but unbind). It ends when the connection closes, which is also
what happens when the parent dies. It ignores Ctrl-C: a terminal sends SIGINT to the whole
process group, and the parent decides what an interrupt means (``netstudio train`` saves
the weights it gets from this worker's lane before it stops).

Being its own program is the point: multiprocessing's "spawn" re-imports the parent's
``__main__`` in the child, so a user script without ``if __name__ == "__main__":`` ran
its whole top level again in every worker. This module imports only Net Studio's core.

Do not import this module from the package (core/module/__init__ and what it imports):
``-m`` would then find it already imported and run a second copy.
"""
from __future__ import annotations

import os
import signal
import sys
import traceback
from multiprocessing import resource_tracker, shared_memory
from multiprocessing.connection import Client

from .lanes import KEY_VARIABLE, _views


def main(argv=None):
    """Connect to the parent at ``argv[0]`` and serve it until it hangs up; exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent's to handle (see above)
    key = os.environ.pop(KEY_VARIABLE, "")
    if len(argv) != 1 or not key:
        print("netstudio lane worker: started by Net Studio's process lanes only", file=sys.stderr)
        return 2
    try:
        conn = Client(argv[0], authkey=bytes.fromhex(key))
    except (OSError, ValueError, EOFError) as error:
        print(f"netstudio lane worker: cannot reach the parent ({error})", file=sys.stderr)
        return 1
    try:
        serve(conn)
    finally:
        conn.close()
    return 0


def serve(conn):
    """The worker's loop: one command at a time, one answer per command (but unbind)."""
    from ..backend.cpu import parallel
    parallel.THREADS = 1   # the parent runs the other slice on the other core
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
            try:
                conn.send(("error", type(error).__name__, str(error), traceback.format_exc()))
            except (OSError, ValueError):
                break   # the parent is gone
    for entry in bound.values():
        _drop(entry)


def _attach(memory_name):
    """The parent's shared memory, which the parent alone owns: Python 3.11 registers an
    attached segment with this process's resource tracker, which would unlink it when
    this worker ends, so take it back off at once."""
    memory = shared_memory.SharedMemory(name=memory_name)
    if getattr(shared_memory, "_USE_POSIX", os.name == "posix"):
        resource_tracker.unregister(memory._name, "shared_memory")  # noqa: SLF001 - the registered name
    return memory


def _bind(memory_name, symbol_json, layout, grad_req):
    from ..context import cpu
    from ..executor import Executor
    from ..ndarray.ndarray import NDArray
    from ..symbol import load_json
    memory = _attach(memory_name)
    views = _views(memory.buf, layout)
    ctx = cpu()
    wrap = {kind: {n: NDArray(a, ctx) for n, a in arrays.items()} for kind, arrays in views.items()}
    exe = Executor(load_json(symbol_json), ctx, wrap["arg"], wrap["grad"], grad_req, wrap["aux"])
    return {"memory": memory, "exe": exe, "out": views["out"], "head": wrap["head"]}


def _run(entry, command, flag):
    from ..errors import NetStudioError
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


if __name__ == "__main__":
    sys.exit(main())
