"""Every thread the app starts is stopped and joined before its QThread object can go.

Qt aborts the whole process ("QThread: Destroyed while thread '…' is still running") when
a QThread object is destroyed while its thread runs -- which is what happens when a script
ends with a window still open and Python frees the objects in whatever order it likes.
So no app thread is a Qt child of anything: ``own_thread`` keeps it here, and it is asked
to stop and joined at the first of

- its owner's explicit stop (``finish(thread)``, e.g. from a view's ``shutdown()``),
- its owner's destruction (the owner's ``destroyed`` signal), and
- interpreter exit, before Python stops its own thread pools (a worker busy in the
  engine still finishes its batch) and before any module global is freed.

Only then is the last reference dropped, so the QThread is destroyed finished.
"""
from __future__ import annotations

import atexit
import itertools
import threading
from typing import Callable

from PySide6.QtCore import QObject, QThread

_lock = threading.Lock()
_owned: dict[int, tuple[QThread, Callable[[], None]]] = {}
_keys = itertools.count()      # never reused, unlike id() of a thread already freed


def own_thread(owner: QObject | None, thread: QThread, request_stop: Callable[[], None]) -> None:
    """Keep ``thread`` until it is joined; ``request_stop()`` must make its run end soon
    (it must not refer to ``owner``, which may be half destroyed when it is called)."""
    with _lock:
        key = next(_keys)
        _owned[key] = (thread, request_stop)
    if owner is not None:
        owner.destroyed.connect(lambda *_: _join(key))


def finish(thread: QThread) -> None:
    """Ask ``thread`` to stop and wait for it (no-op when it was joined already)."""
    with _lock:
        keys = [key for key, (owned, _) in _owned.items() if owned is thread]
    for key in keys:
        _join(key)


def running_threads() -> list[str]:
    """Names of the owned threads not joined yet (for tests and diagnostics)."""
    with _lock:
        return [thread.objectName() for thread, _ in _owned.values()]


def _join(key: int) -> None:
    with _lock:
        entry = _owned.pop(key, None)
    if entry is None:
        return
    thread, request_stop = entry
    request_stop()
    thread.wait()


def finish_all() -> None:
    """Stop and join every owned thread."""
    with _lock:
        keys = list(_owned)
    for key in keys:
        _join(key)


def _at_exit(hook: Callable[[], None]) -> None:
    """Run ``hook`` at interpreter exit before the engine's thread pools refuse work.
    Python calls ``threading``'s exit hooks (where ``concurrent.futures`` shuts its pools)
    before ``atexit`` ones, each list last-registered first; importing
    ``concurrent.futures.thread`` first makes its hook run after ours."""
    import concurrent.futures.thread  # noqa: F401 - registers its exit hook before ours
    register = getattr(threading, "_register_atexit", None)
    if register is None:             # not CPython: plain atexit still runs before Qt's
        atexit.register(hook)
    else:
        register(hook)


_at_exit(finish_all)
