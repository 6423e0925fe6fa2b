"""Atomic file writes (a temporary file in the same folder, then a rename), and reading
a user's file only when it is a regular one.

A crash or a full disk never leaves a half-written checkpoint in place of a good one. The
temporary is ``.<name>.<pid>.<random>.tmp``; one left behind by a process that died
(``kill -9`` in the middle of a save) is removed by the next save of that file or the next
load through ``remove_stale_temporaries``. A full disk is a DiskFullError naming the file.

``open_regular`` is ``open`` for reading a user's file that refuses anything but a regular
file: a named pipe called ``x.jpg`` would block ``open()`` forever, a device never ends.
It raises an OSError whose ``strerror`` says what the path is, so every reader's own
"cannot read <file>: <strerror>" message stays right.
"""
from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import DiskFullError

#: a temporary of the older naming (no process id) is stale after this many seconds
LEGACY_STALE_SECONDS = 3600
_NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


@contextmanager
def atomic_open(path, mode="wb"):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; files should look like open()'s
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as error:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(error, OSError) and error.errno in _NO_ROOM:
            raise DiskFullError(f"{path}: not saved, the disk is full ({error.strerror}); the "
                                f"previous file is unchanged. Free some space and save again.") from error
        raise


def temporary_dir(path, suffix):
    """A new empty folder beside ``path`` that becomes ``path`` (or part of it) when whole:
    ``.<name>.<pid>.<random><suffix>``, after the stale ones of that naming are removed."""
    path = Path(path)
    remove_stale_temporaries(path, suffix)
    return Path(tempfile.mkdtemp(prefix=f".{path.name}.{os.getpid()}.", suffix=suffix, dir=path.parent))


def remove_stale_temporaries(path, suffix=".tmp"):
    """Delete the temporaries of ``path`` (files, or folders from ``temporary_dir``) that no
    running process is writing: ours whose process is gone, and ones more than an hour old
    whose writer cannot be asked (older naming without a process id; Windows)."""
    path = Path(path)
    prefix = f".{path.name}."
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(suffix)):
            continue
        if _is_stale(entry.name[len(prefix):-len(suffix)], entry):
            try:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


def _is_stale(middle, entry):
    pid, _, rest = middle.partition(".")
    if pid.isdigit() and rest and os.name != "nt":  # no signal 0 on Windows: the age rule
        return int(pid) != os.getpid() and not _process_alive(int(pid))
    try:
        return time.time() - entry.stat().st_mtime > LEGACY_STALE_SECONDS
    except OSError:
        return False


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:                  # EPERM: alive, someone else's
        return True
    return True


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def special_kind(path):
    """What ``path`` is when it is not a regular file ("a named pipe (FIFO)", "a folder", ...),
    None for a regular file or a path that does not exist. Never blocks."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return _kind(mode)


def _kind(mode):
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def open_regular(path, mode="rb", encoding=None):
    """Open ``path`` for reading, refusing anything but a regular file (without blocking on
    a FIFO: it is opened non-blocking and checked before a byte is read)."""
    if any(flag in mode for flag in "wax+"):
        raise ValueError("open_regular only reads")
    nonblocking = getattr(os, "O_NONBLOCK", 0)        # POSIX; Windows has no FIFOs to open
    fd = os.open(path, os.O_RDONLY | nonblocking | getattr(os, "O_BINARY", 0))
    try:
        kind = _kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise OSError(errno.EINVAL, f"it is {kind}, not a regular file", str(path))
        if nonblocking:
            os.set_blocking(fd, True)
        if "b" in mode:
            return os.fdopen(fd, mode)
        return os.fdopen(fd, mode, encoding=encoding or "utf-8")
    except BaseException:
        os.close(fd)
        raise


def read_regular_bytes(path):
    """``Path(path).read_bytes()`` for a regular file only (see ``open_regular``)."""
    with open_regular(path) as handle:
        return handle.read()


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path, text):
    with atomic_open(path, "w") as handle:
        handle.write(text)


def atomic_write_bytes(path, data):
    with atomic_open(path, "wb") as handle:
        handle.write(data)
