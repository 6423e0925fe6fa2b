"""Archives that would cost time or install damage: too many members (tar and zip), and
a compressed tar whose bytes were damaged after its last member's header was read."""
import io
import tarfile
import zipfile

import numpy as np
import pytest

from core.errors import FormatError
from core.zoo.archive import MAX_MEMBERS, extract_archive


def _tar_gz(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_a_tar_with_too_many_members_is_refused_at_the_first_member_past_the_cap_and_leaves_nothing(tmp_path):
    archive = _tar_gz(tmp_path / "many.tar.gz", ((f"f{i}", b"") for i in range(MAX_MEMBERS + 1)))
    with pytest.raises(FormatError, match=rf"many\.tar\.gz: refusing to unpack member 'f{MAX_MEMBERS}': "
                                          rf"the archive has more than {MAX_MEMBERS:,} members"):
        extract_archive(archive, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.tar.gz"]


def test_a_zip_with_too_many_members_is_refused(tmp_path):
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as package:
        for i in range(11):
            package.writestr(f"f{i}", b"")
    with pytest.raises(FormatError, match="more than 10 members"):
        extract_archive(archive, tmp_path / "out", max_members=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.zip"]


def test_a_damaged_tar_gz_is_refused_before_anything_is_installed(tmp_path):
    payload = np.random.default_rng(1).integers(0, 256, 20_000, dtype=np.uint8).tobytes()
    raw = bytearray(_tar_gz(tmp_path / "m.tar.gz", [("m-symbol.json", payload)]).read_bytes())
    raw[len(raw) // 2] ^= 0xFF                                    # one byte inside the member
    (tmp_path / "m.tar.gz").write_bytes(bytes(raw))
    with pytest.raises(FormatError, match=r"m\.tar\.gz: the archive is damaged .*download it again"):
        extract_archive(tmp_path / "m.tar.gz", tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.tar.gz"]


def test_a_tar_gz_without_its_checksum_trailer_is_refused(tmp_path):
    raw = _tar_gz(tmp_path / "m.tar.gz", [("m-symbol.json", b"{}")]).read_bytes()
    (tmp_path / "m.tar.gz").write_bytes(raw[:-8])                 # CRC and length cut off
    with pytest.raises(FormatError, match="damaged"):
        extract_archive(tmp_path / "m.tar.gz", tmp_path / "out")
