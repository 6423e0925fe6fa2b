"""Downloads and archive unpacking against a real HTTP server on 127.0.0.1: every failure
the zoo must survive, and archives that try to write outside their folder."""
import hashlib
import io
import json
import socket
import tarfile
import threading
import time
import zipfile

import numpy as np
import pytest

from core.errors import Cancelled, ChecksumError, DownloadError, FormatError, NetworkError
from core.zoo.download import cache_dir, download, extract_archive, part_path

from .http_server import FileServer, _Handler

PAYLOAD = np.random.default_rng(4).integers(0, 256, 300_000, dtype=np.uint8).tobytes()
PAYLOAD_SHA = hashlib.sha256(PAYLOAD).hexdigest()
FAST = (2.0, 2.0)      # connect / read timeouts, so a broken test cannot hang for long


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")     # a CI proxy must not see 127.0.0.1
    with FileServer() as running:
        yield running


# ---------------------------------------------------------------- whole downloads

def test_full_download_reports_progress_and_verifies(server, tmp_path):
    server.add("model.params", PAYLOAD)
    reports = []
    dest = download(server.url("model.params"), tmp_path / "model.params", sha256=PAYLOAD_SHA,
                    size=len(PAYLOAD), progress=lambda *r: reports.append(r), timeout=FAST)
    assert dest == tmp_path / "model.params" and dest.read_bytes() == PAYLOAD
    assert not part_path(dest).exists()
    assert reports[-1][:2] == (len(PAYLOAD), len(PAYLOAD)) and reports[-1][2] > 0
    assert all(done <= total for done, total, _ in reports)
    assert server.requests == [("model.params", None)]


def test_an_existing_whole_file_is_not_fetched_again(server, tmp_path):
    server.add("model.params", PAYLOAD)
    (tmp_path / "model.params").write_bytes(PAYLOAD)
    download(server.url("model.params"), tmp_path / "model.params", sha256=PAYLOAD_SHA)
    assert server.requests == []


# ---------------------------------------------------------------- resuming

def test_dropped_connection_keeps_the_part_and_the_next_call_resumes(server, tmp_path):
    server.add("model.params", PAYLOAD, drop_after=100_000)
    dest = tmp_path / "model.params"
    with pytest.raises(NetworkError, match=r"cannot reach host 127\.0\.0\.1: .*100,000 of "
                                           r"300,000 bytes kept"):
        download(server.url("model.params"), dest, sha256=PAYLOAD_SHA, timeout=FAST)
    assert not dest.exists() and part_path(dest).stat().st_size == 100_000
    download(server.url("model.params"), dest, sha256=PAYLOAD_SHA, timeout=FAST)
    assert server.requests == [("model.params", None), ("model.params", "bytes=100000-")]
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == PAYLOAD_SHA
    assert not part_path(dest).exists()


def test_a_server_that_ignores_range_is_downloaded_from_the_start(server, tmp_path):
    server.add("model.params", PAYLOAD, ignore_range=True, drop_after=50_000)
    dest = tmp_path / "model.params"
    with pytest.raises(NetworkError):
        download(server.url("model.params"), dest, sha256=PAYLOAD_SHA, timeout=FAST)
    download(server.url("model.params"), dest, sha256=PAYLOAD_SHA, timeout=FAST)
    assert server.requests[-1] == ("model.params", "bytes=50000-")
    assert dest.read_bytes() == PAYLOAD                 # not the prefix twice


def _confirmed_part(server, name, dest, data):
    """A ``.part`` holding ``data`` with the record of the reply that started it."""
    part_path(dest).write_bytes(data)
    etag = _Handler._validators(server.files[name])["ETag"]
    record = {"url": server.url(name), "etag": etag, "last_modified": None, "total": len(PAYLOAD)}
    part_path(dest).with_name(part_path(dest).name + ".json").write_text(json.dumps(record))


def test_a_part_that_is_already_whole_needs_no_body(server, tmp_path):
    server.add("model.params", PAYLOAD)
    dest = tmp_path / "model.params"
    _confirmed_part(server, "model.params", dest, PAYLOAD)
    download(server.url("model.params"), dest, sha256=PAYLOAD_SHA, timeout=FAST)   # size unknown
    assert server.requests == [("model.params", "bytes=300000-")]                 # answered 416
    assert dest.read_bytes() == PAYLOAD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.params"]


def test_cancel_keeps_the_part_and_the_next_call_resumes(server, tmp_path):
    server.add("model.params", PAYLOAD, chunk_delay=0.01)
    dest, cancel = tmp_path / "model.params", threading.Event()
    with pytest.raises(Cancelled, match="cancelled after"):
        download(server.url("model.params"), dest, progress=lambda *r: cancel.set(),
                 cancel=cancel, timeout=FAST)
    kept = part_path(dest).stat().st_size
    assert 0 < kept < len(PAYLOAD) and not dest.exists()
    with pytest.raises(Cancelled, match="before it started"):
        download(server.url("model.params"), dest, cancel=cancel)
    download(server.url("model.params"), dest, sha256=PAYLOAD_SHA, timeout=FAST)
    assert server.requests[-1] == ("model.params", f"bytes={kept}-") and len(server.requests) == 2
    assert dest.read_bytes() == PAYLOAD


# ---------------------------------------------------------------- wrong bytes, server errors

def test_wrong_content_is_a_checksum_error_and_leaves_no_file(server, tmp_path):
    server.add("model.params", PAYLOAD[::-1])
    dest = tmp_path / "model.params"
    with pytest.raises(ChecksumError) as caught:
        download(server.url("model.params"), dest, sha256=PAYLOAD_SHA, timeout=FAST)
    message = str(caught.value)
    assert server.url("model.params") in message and PAYLOAD_SHA in message
    assert hashlib.sha256(PAYLOAD[::-1]).hexdigest() in message
    assert not dest.exists() and not part_path(dest).exists()


def test_wrong_size_is_refused_before_the_body(server, tmp_path):
    server.add("model.params", PAYLOAD)
    with pytest.raises(DownloadError, match="offers 300,000 bytes, expected 1,000"):
        download(server.url("model.params"), tmp_path / "m", size=1000, timeout=FAST)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("status", [404, 500])
def test_http_errors_name_url_and_status_and_leave_no_file(server, tmp_path, status):
    if status == 500:
        server.add("model.params", PAYLOAD, status=500)
    dest = tmp_path / "model.params"
    part_path(dest).write_bytes(b"stale")
    with pytest.raises(DownloadError, match=rf"model\.params: the server answered HTTP {status}"):
        download(server.url("model.params"), dest, timeout=FAST)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- unreachable hosts

def test_connection_refused_is_a_network_error(tmp_path):
    with socket.socket() as probe:                 # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError, match="cannot reach host 127.0.0.1: connection refused; "
                                           "check your connection"):
        download(f"http://127.0.0.1:{port}/model.params", tmp_path / "m", timeout=FAST)
    assert list(tmp_path.iterdir()) == []


def test_unknown_host_is_a_network_error_without_a_long_wait(tmp_path):
    started = time.perf_counter()
    with pytest.raises(NetworkError, match="cannot reach host netstudio-test.invalid: "
                                           "host name not found"):
        download("http://netstudio-test.invalid/model.params", tmp_path / "m", timeout=FAST)
    assert time.perf_counter() - started < 5


def test_a_server_that_never_answers_times_out(server, tmp_path):
    server.add("model.params", PAYLOAD, hang=True)
    started = time.perf_counter()
    with pytest.raises(NetworkError, match="cannot reach host 127.0.0.1: timed out"):
        download(server.url("model.params"), tmp_path / "m", timeout=(1.0, 0.5))
    assert time.perf_counter() - started < 3


def test_cache_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NETSTUDIO_CACHE", str(tmp_path / "cache"))
    assert cache_dir() == tmp_path / "cache" and cache_dir().is_dir()
    monkeypatch.delenv("NETSTUDIO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir().name == "netstudio"


# ---------------------------------------------------------------- archives

def _tar(path, members, mode="w:gz"):
    """members: (TarInfo fields..., data) built by the helpers below."""
    with tarfile.open(path, mode) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _link(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None


def test_a_normal_tar_gz_extracts_and_replaces_the_old_folder(tmp_path):
    archive = _tar(tmp_path / "model.tar.gz", [_file("model/symbol.json", b"{}"),
                                               _file("model/0000.params", PAYLOAD[:1000]),
                                               _link("model/latest.params", "0000.params")])
    dest = tmp_path / "unpacked"
    (dest / "stale").mkdir(parents=True)
    assert extract_archive(archive, dest) == dest
    assert (dest / "model" / "0000.params").read_bytes() == PAYLOAD[:1000]
    assert (dest / "model" / "latest.params").read_bytes() == PAYLOAD[:1000]
    assert not (dest / "stale").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.tar.gz", "unpacked"]


@pytest.mark.parametrize("members, why", [
    ([_file("../evil", b"x")], "path leads outside"),
    ([_file("ok/../../evil", b"x")], "path leads outside"),
    ([_file("/tmp/evil", b"x")], "path leads outside"),
    ([_link("escape", "../../etc")], "link target '../../etc' is outside"),
    ([_link("escape", "/etc/passwd")], "link target '/etc/passwd' is outside"),
    ([_link("hard", "../outside", tarfile.LNKTYPE)], "is outside"),
    ([_link("dir", "."), _file("dir/x", b"x")], "placed through a link"),
    ([(tarfile.TarInfo("null"), None)], None),
])
def test_tar_members_that_escape_are_refused(tmp_path, members, why):
    if why is None:
        members[0][0].type, why = tarfile.CHRTYPE, "device files"
    archive = _tar(tmp_path / "evil.tar", members, mode="w")
    with pytest.raises(FormatError, match=rf"evil\.tar: refusing to unpack member .*{why}"):
        extract_archive(archive, tmp_path / "out" / "dest")
    assert not (tmp_path / "evil").exists() and list((tmp_path / "out").iterdir()) == []


def test_zip_extracts_and_refuses_escaping_names(tmp_path):
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as package:
        package.writestr("labels/synset.txt", "n01440764 tench\n")
    extract_archive(good, tmp_path / "good")
    assert (tmp_path / "good" / "labels" / "synset.txt").read_text().startswith("n01440764")
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as package:
        package.writestr("../evil.txt", "x")
    with pytest.raises(FormatError, match=r"refusing to unpack member '\.\./evil\.txt'"):
        extract_archive(evil, tmp_path / "bad")
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "bad").exists()


def test_a_file_that_is_no_archive_is_a_format_error(tmp_path):
    (tmp_path / "page.tar.gz").write_text("<html>404</html>")
    with pytest.raises(FormatError, match="page.tar.gz: not a readable"):
        extract_archive(tmp_path / "page.tar.gz", tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.tar.gz"]
