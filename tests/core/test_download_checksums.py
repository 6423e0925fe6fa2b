"""Checksums as the zoo's sources publish them: torchvision's SHA-256 prefix in a file
name (``resnet18-f37072fd.pth``) and MXNet Gluon's SHA-1s, checked on a real download
from a local HTTP server."""
import hashlib

import numpy as np
import pytest

from core.errors import ChecksumError
from core.zoo.download import checksum_mismatch, download, part_path

from .http_server import FileServer

PAYLOAD = np.random.default_rng(18).integers(0, 256, 100_000, dtype=np.uint8).tobytes()
SHA256 = hashlib.sha256(PAYLOAD).hexdigest()
SHA1 = hashlib.sha1(PAYLOAD).hexdigest()
FAST = (2.0, 2.0)


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with FileServer() as running:
        running.add(f"model-{SHA256[:8]}.pth", PAYLOAD)
        yield running


@pytest.mark.parametrize("expected", [SHA256[:8], SHA256[:10], SHA256, f"sha256:{SHA256[:8]}",
                                      f"sha1:{SHA1}", f"SHA1:{SHA1[:8].upper()}"])
def test_a_download_is_accepted_on_a_matching_hash_or_prefix(server, tmp_path, expected):
    name = f"model-{SHA256[:8]}.pth"
    dest = download(server.url(name), tmp_path / name, sha256=expected, timeout=FAST)
    assert dest.read_bytes() == PAYLOAD


@pytest.mark.parametrize("expected", ["deadbeef", f"sha1:{SHA256[:8]}", f"sha256:{SHA1[:12]}"])
def test_a_wrong_prefix_is_a_checksum_error_naming_both_digests(server, tmp_path, expected):
    name = f"model-{SHA256[:8]}.pth"
    dest = tmp_path / name
    with pytest.raises(ChecksumError) as caught:
        download(server.url(name), dest, sha256=expected, timeout=FAST)
    assert expected.lower().rpartition(":")[2] in str(caught.value)
    assert (SHA1 if expected.startswith("sha1") else SHA256) in str(caught.value)
    assert not dest.exists() and not part_path(dest).exists()


@pytest.mark.parametrize("expected", ["abc", "md5:" + "0" * 32, "sha1:1234567"])
def test_a_checksum_too_short_or_of_an_unknown_kind_is_refused(tmp_path, expected):
    path = tmp_path / "f"
    path.write_bytes(PAYLOAD)
    with pytest.raises(ChecksumError, match="at least 8 hex digits"):
        checksum_mismatch(path, expected)
