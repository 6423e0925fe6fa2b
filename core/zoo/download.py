"""Downloads for the model zoo: stream to ``<dest>.part``, resume it with an HTTP Range
request the server confirms, check size and SHA-256, and only then rename it into place.

Failures say one clear thing: the host cannot be reached or stopped sending
(NetworkError, the ``.part`` is kept so the next call resumes), the server answered with
an error or sent more than it declared (DownloadError), the bytes are wrong
(ChecksumError, the bad file is deleted) or the user cancelled (Cancelled, ``.part``
kept). A file at ``dest`` is therefore always a whole one.

Nothing waits on the network unbounded: a server that sends nothing for the read
timeout is a "stopped sending" error, and Cancel closes the connection within
``CANCEL_POLL`` seconds even while a read is blocked (a server sending 1 byte/s). A
``.part`` is resumed only when the server confirms it still serves the same file: the
ETag or Last-Modified of the reply that started it (kept in ``<dest>.part.json``) goes
out as ``If-Range``; without them the download starts again.

>>> from core.zoo.download import cache_dir, download
>>> path = download("http://127.0.0.1:8000/lenet-0010.params",    # doctest: +SKIP
...                 cache_dir() / "lenet-0010.params", sha256="9f2c...")
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import Cancelled, ChecksumError, DownloadError, NetworkError
from ..fileio import atomic_write_text
from .archive import extract_archive  # noqa: F401  (part of this module's API)

CHUNK_BYTES = 64 * 1024
TIMEOUT = (10.0, 30.0)          # seconds to connect; seconds the server may send nothing
CANCEL_POLL = 0.1               # seconds between looks at the cancel token during a read
MAX_UNKNOWN_BYTES = 4 * 2**30   # the most a download whose size nobody declared may bring
PROGRESS_INTERVAL = 0.1         # seconds between progress callbacks (plus the final one)


def cache_dir():
    """Where downloaded models live: $NETSTUDIO_CACHE, else the platform's user cache
    folder (``~/.cache/netstudio`` on Linux, ``~/Library/Caches/netstudio`` on macOS,
    ``%LOCALAPPDATA%\\netstudio\\Cache`` on Windows)."""
    override = os.environ.get("NETSTUDIO_CACHE")
    if override:
        path = Path(override).expanduser()
    else:
        import platformdirs
        path = Path(platformdirs.user_cache_dir("netstudio", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def part_path(dest):
    dest = Path(dest)
    return dest.with_name(dest.name + ".part")


def sha256_of(path, algorithm="sha256"):
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(url, dest, sha256=None, size=None, progress=None, cancel=None, timeout=TIMEOUT,
             max_bytes=MAX_UNKNOWN_BYTES):
    """Fetch ``url`` into ``dest`` and return ``dest`` as a Path.

    progress(done_bytes, total_bytes or None, bytes_per_second) is called about ten
    times a second; ``cancel`` is a threading.Event, effective within ``CANCEL_POLL``
    seconds. ``timeout`` is (connect, stall) seconds. The body may not exceed ``size``, else
    the server's Content-Length, else ``max_bytes``. A ``dest`` that already exists and
    passes the size/hash checks is returned without a request."""
    dest, part = Path(dest), part_path(dest)
    if dest.exists() and _is_whole(dest, sha256, size):
        return dest
    if cancel is not None and cancel.is_set():
        raise Cancelled(f"download of {url} cancelled before it started")
    dest.parent.mkdir(parents=True, exist_ok=True)
    offset, record = _resumable(url, part, size)
    if size is None or offset < size:
        _fetch(url, part, offset, record, size, max_bytes, progress, cancel, timeout)
    _verify(url, part, sha256, size)
    os.replace(part, dest)
    _record_path(part).unlink(missing_ok=True)
    return dest


def _is_whole(path, sha256, size):
    if size is not None and path.stat().st_size != size:
        return False
    return sha256 is None or checksum_mismatch(path, sha256) is None


def checksum_mismatch(path, expected):
    """None when the file matches ``expected``, else ``(what was expected, what the file
    has)`` for a message. ``expected`` is hex SHA-256, or ``"sha1:<hex>"`` (MXNet Gluon's
    model store), whole or a prefix of at least 8 digits (torchvision publishes the first
    8 or 10 in its file names)."""
    algorithm, _, digits = expected.lower().rpartition(":")
    algorithm = algorithm or "sha256"
    if algorithm not in ("sha256", "sha1") or len(digits) < 8:
        raise ChecksumError(f"checksum {expected!r}: expected [sha1:|sha256:]<at least 8 hex digits>")
    actual = sha256_of(path, algorithm)
    label = {"sha256": "SHA-256", "sha1": "SHA-1"}[algorithm]
    return None if actual.startswith(digits) else (f"{label} {digits}", f"{label} {actual}")


def _record_path(part):
    return part.with_name(part.name + ".json")


def _discard(part):
    part.unlink(missing_ok=True)
    _record_path(part).unlink(missing_ok=True)


def _resumable(url, part, size):
    """(offset, record) of a ``.part`` worth resuming; anything else is deleted: a ``.part``
    without the record of the reply that started it, one from another URL, one the server
    gave no ETag/Last-Modified for (nothing could confirm it), one longer than the file."""
    record = None
    try:
        record = json.loads(_record_path(part).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    if not part.exists() or not isinstance(record, dict) or record.get("url") != url:
        _discard(part)
        return 0, None
    offset, total = part.stat().st_size, record.get("total")
    confirmable = record.get("etag") or record.get("last_modified")
    if (not confirmable or (size is not None and total not in (None, size))
            or (total is not None and offset > total) or (size is not None and offset > size)):
        _discard(part)
        return 0, None
    return offset, record


def _validator(record):
    return record.get("etag") or record.get("last_modified")


def _fetch(url, part, offset, record, size, max_bytes, progress, cancel, timeout):
    import requests   # NOTE: here, not at the top: 0.3 s at every start of the CLI (issue 20)
    # identity: byte counts and Range offsets must refer to the file, not a gzip of it
    headers = {"Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
        headers["If-Range"] = _validator(record)
    try:
        response = requests.get(url, headers=headers, stream=True, timeout=timeout)
    except requests.exceptions.RequestException as error:
        raise _network_error(url, error) from error
    with response:
        if response.status_code == 416 and offset:
            # "Range Not Satisfiable": the .part already holds every byte (or is junk)
            if _content_range_total(response) == offset == record.get("total"):
                return
            _discard(part)
            return _fetch(url, part, 0, None, size, max_bytes, progress, cancel, timeout)
        if response.status_code >= 400:
            _discard(part)
            raise DownloadError(f"{url}: the server answered HTTP {response.status_code} "
                                f"{response.reason or ''}".rstrip())
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            # sizes, ranges and the bytes written would all be of the compressed form
            raise DownloadError(f"{url}: the server sent the file {encoding}-compressed although "
                                f"asked not to; download it with a browser instead")
        if response.status_code == 206 and _content_range_total(response) != record.get("total"):
            # the server resumed another version of the file (it ignored If-Range)
            _discard(part)
            return _fetch(url, part, 0, None, size, max_bytes, progress, cancel, timeout)
        if response.status_code != 206:
            offset = 0                     # changed since the .part began, or no Range: start again
        total = _expected_total(url, response, offset, size)
        if offset == 0:
            _remember(url, part, response, total)
        limit = total if total is not None else max_bytes
        _stream(url, response, part, offset, total, limit, progress, cancel, timeout)


def _remember(url, part, response, total):
    """Keep what identifies the file being fetched, to confirm a later resume."""
    record = {"url": url, "etag": response.headers.get("ETag"),
              "last_modified": response.headers.get("Last-Modified"), "total": total}
    atomic_write_text(_record_path(part), json.dumps(record))


def _content_range_total(response):
    value = response.headers.get("Content-Range", "")
    total = value.rsplit("/", 1)[-1]
    return int(total) if total.isdigit() else None


def _expected_total(url, response, offset, size):
    if response.status_code == 206:
        start = response.headers.get("Content-Range", "").removeprefix("bytes ").split("-")[0]
        if start != str(offset):
            raise DownloadError(f"{url}: asked to resume at byte {offset}, the server sent "
                                f"{response.headers.get('Content-Range')!r}")
        total = _content_range_total(response)
    else:
        length = response.headers.get("Content-Length", "")
        total = int(length) if length.isdigit() else None
    if size is not None and total is not None and total != size:
        raise DownloadError(f"{url}: the server offers {total:,} bytes, expected {size:,}")
    return total if total is not None else size


@contextmanager
def _closed_on_cancel(response, cancel):
    """While the body is read, a watcher shuts the socket down as soon as ``cancel`` is
    set, which wakes a read blocked on a slow or silent server."""
    if cancel is None:
        yield
        return
    finished = threading.Event()

    def watch():
        while not finished.wait(CANCEL_POLL):
            if cancel.is_set():
                _shutdown(response)
                return

    watcher = threading.Thread(target=watch, name="download-cancel", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()


def _shutdown(response):
    connection = getattr(response.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    if sock is None:               # urllib3 without _connection: through http.client's file
        sock = getattr(getattr(getattr(getattr(response.raw, "_fp", None), "fp", None), "raw", None),
                       "_sock", None)
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except (AttributeError, OSError):
        pass


def _read_piece(raw):
    """Whatever bytes have arrived (up to a chunk): a slow server still shows progress
    and lets Cancel be seen, instead of blocking until a whole chunk is there."""
    read1 = getattr(raw, "read1", None)
    return read1(CHUNK_BYTES) if read1 is not None else raw.read(CHUNK_BYTES)


def _stream(url, response, part, offset, total, limit, progress, cancel, timeout):
    import requests
    import urllib3
    done, started, last_report = offset, time.monotonic(), 0.0
    mode = "ab" if offset else "wb"
    # NOTE: with length enforcement urllib3 raises on an early close and the bytes of the
    # chunk being read are lost; without it every received byte is kept for the resume,
    # and the count check after the loop reports the short read.
    if hasattr(response.raw, "enforce_content_length"):
        response.raw.enforce_content_length = False
    with open(part, mode) as handle, _closed_on_cancel(response, cancel):
        try:
            while True:
                chunk = _read_piece(response.raw)
                if cancel is not None and cancel.is_set():
                    raise Cancelled(f"download of {url} cancelled after {done:,} bytes; "
                                    f"run it again to resume")
                if not chunk:
                    break
                handle.write(chunk)
                done += len(chunk)
                if limit is not None and done > limit:
                    raise _too_long(url, part, limit, total)
                now = time.monotonic()
                if progress is not None and now - last_report >= PROGRESS_INTERVAL:
                    progress(done, total, (done - offset) / max(now - started, 1e-6))
                    last_report = now
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
            if cancel is not None and cancel.is_set():
                raise Cancelled(f"download of {url} cancelled after {done:,} bytes; "
                                f"run it again to resume") from None
            if _is_timeout(error):
                raise _stalled(url, timeout, done, total) from None
            raise _network_error(url, error, done, total) from error
        finally:
            handle.flush()
            os.fsync(handle.fileno())
    if total is not None and done < total:
        raise _network_error(url, "IncompleteRead", done, total)
    if progress is not None:
        progress(done, total, (done - offset) / max(time.monotonic() - started, 1e-6))


def _is_timeout(error):
    import requests
    import urllib3
    return isinstance(error, (socket.timeout, TimeoutError, urllib3.exceptions.ReadTimeoutError,
                              requests.exceptions.Timeout)) or "timed out" in str(error)


def _stalled(url, timeout, done, total):
    stall = timeout[1] if isinstance(timeout, tuple) else timeout
    host = urlsplit(url).hostname or url
    so_far = f"{done:,} of {total:,}" if total else f"{done:,}"
    return NetworkError(f"{host}: the server stopped sending (nothing for {stall:g} s); "
                        f"{so_far} bytes kept, the next attempt resumes")


def _too_long(url, part, limit, total):
    _discard(part)
    why = "it declared" if total is not None else "allowed for a download of unknown size"
    return DownloadError(f"{url}: the server sent more than the {limit:,} bytes {why}; "
                         f"the file was deleted")


def _verify(url, part, sha256, size):
    actual_size = part.stat().st_size
    if size is not None and actual_size != size:
        _discard(part)
        raise DownloadError(f"{url}: got {actual_size:,} bytes, expected {size:,}; "
                            f"the file was deleted")
    if sha256 is not None:
        mismatch = checksum_mismatch(part, sha256)
        if mismatch is not None:
            _discard(part)
            raise ChecksumError(f"{url}: checksum mismatch, expected {mismatch[0]}, "
                                f"got {mismatch[1]}; the file was deleted")


# (text found in requests/urllib3 errors, what to tell a person)
_REASONS = [("NameResolution", "host name not found"), ("Name or service not known", "host name not found"),
            ("getaddrinfo", "host name not found"), ("Temporary failure in name resolution", "host name not found"),
            ("Connection refused", "connection refused"), ("Network is unreachable", "network is unreachable"),
            ("No route to host", "no route to host"), ("timed out", "timed out"), ("Timeout", "timed out"),
            ("IncompleteRead", "the connection closed early"), ("Connection broken", "the connection broke"),
            ("Connection reset", "the connection was reset"), ("SSL", "secure connection failed")]


def _network_error(url, error, done=None, total=None):
    """A NetworkError for a person; ``error`` is the requests exception (or its text)."""
    text = error if isinstance(error, str) else repr(error)
    reason = next((words for needle, words in _REASONS if needle in text), type(error).__name__)
    host = urlsplit(url).hostname or url
    message = f"cannot reach host {host}: {reason}; check your connection"
    if done:
        so_far = f"{done:,} of {total:,}" if total else f"{done:,}"
        message += f" ({so_far} bytes kept, the next attempt resumes)"
    return NetworkError(message)
