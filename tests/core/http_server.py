"""A real HTTP file server on 127.0.0.1 for download tests, with the faults to test against.

>>> with FileServer() as server:                                   # doctest: +SKIP
...     server.add("model.params", b"...", drop_after=1000)        # first reply stops at 1000 B
...     requests.get(server.url("model.params"))

Per file: ``ignore_range`` (answers 200 with everything, as some servers do),
``drop_after`` (the first reply sends the full Content-Length but closes after that
many bytes), ``status`` (e.g. 404/500), ``chunk_delay`` (seconds between 16 KiB chunks),
``hang`` (accepts, then never answers), ``byte_delay`` (seconds between single bytes:
a slow server), ``stall_after`` (sends that many bytes, then nothing), ``endless`` (no
Content-Length, a body that only stops when the client goes: capped at ``ENDLESS_CAP``),
``validators=False`` (no ETag/Last-Modified), ``encoding`` (a Content-Encoding header,
whatever the client asked for). Replies carry an ETag derived from the data
and honour ``If-Range`` (a stale validator gets the whole file, 200). Every request is
logged with its Range header. Every wait ends when the server shuts down, and the server
listens on 127.0.0.1 only.
"""
from __future__ import annotations

import hashlib
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = 16 * 1024
ENDLESS_CAP = 256 * 2**20          # an "endless" body still stops here


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):      # keep test output clean
        pass

    def do_GET(self):
        server = self.server.owner
        name = self.path.lstrip("/")
        server.requests.append((name, self.headers.get("Range")))
        entry = server.files.get(name)
        if entry is None:
            return self._plain(404, b"not found")
        if entry.get("hang"):
            server.release.wait(30)
            return
        if entry.get("status"):
            return self._plain(entry["status"], b"server error")
        if entry.get("endless"):
            return self._endless(entry)
        data, start = entry["data"], 0
        match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
        if_range = self.headers.get("If-Range")
        if if_range is not None and if_range not in self._validators(entry).values():
            match = None                     # changed since the client's copy: all of it
        if match and not entry.get("ignore_range"):
            start = int(match.group(1))
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        for header, value in self._validators(entry).items():
            self.send_header(header, value)
        if entry.get("encoding"):
            self.send_header("Content-Encoding", entry["encoding"])
        self.send_header("Content-Length", str(len(data) - start))
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        self._send_body(entry, data[start:])

    @staticmethod
    def _validators(entry):
        if entry.get("validators", True) is False:
            return {}
        return {"ETag": '"' + hashlib.sha256(entry["data"]).hexdigest()[:16] + '"',
                "Last-Modified": "Mon, 07 Dec 2026 12:00:00 GMT"}

    def _endless(self, entry):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        block, sent = b"\0" * CHUNK, 0
        while sent < ENDLESS_CAP and not self.server.owner.release.is_set():
            try:
                self.wfile.write(block)
            except (BrokenPipeError, ConnectionResetError):
                return
            sent += len(block)

    def _send_slowly(self, entry, body):
        release = self.server.owner.release
        for index in range(len(body)):
            if entry.get("stall_after") is not None and index >= entry["stall_after"]:
                release.wait(60)             # silent until the server shuts down
                return
            try:
                self.wfile.write(body[index:index + 1])
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return
            if release.wait(entry.get("byte_delay") or 0):
                return

    def _send_body(self, entry, body):
        drop_after = entry.pop("drop_after", None)        # only the first reply is cut
        if drop_after is not None:
            body = body[:drop_after]
        if entry.get("byte_delay") is not None or entry.get("stall_after") is not None:
            return self._send_slowly(entry, body)
        for offset in range(0, len(body), CHUNK):
            try:
                self.wfile.write(body[offset:offset + CHUNK])
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return                       # the client went away (e.g. cancelled)
            if entry.get("chunk_delay"):
                time.sleep(entry["chunk_delay"])
        if drop_after is not None:
            self.close_connection = True

    def _plain(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FileServer:
    def __init__(self):
        self.files, self.requests = {}, []
        self.release = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,),
                                       daemon=True)

    def add(self, name, data, **faults):
        self.files[name] = {"data": data, **faults}

    def url(self, name):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/{name}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
