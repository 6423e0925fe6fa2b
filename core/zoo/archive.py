"""Unpack a downloaded .tar.gz / .tgz / .tar / .zip without letting any member escape.

Every member is checked before a single byte is written: no absolute paths, no ``..``
leading out, no links pointing outside or members reached through a link, no device
files or pipes, at most ``MAX_MEMBERS`` members and ``MAX_TOTAL_BYTES`` in all. A
compressed archive is read to its end first, so its checksum (gzip's CRC, bzip2's, xz's)
vouches for every byte: a damaged download is refused, not installed. Unpacking goes to a temporary folder next to ``dest_dir`` that is
renamed into place at the end, so ``dest_dir`` is either the old or the whole new tree.

>>> from core.zoo.archive import extract_archive
>>> extract_archive("Inception.tgz", cache_dir() / "inception")   # doctest: +SKIP
"""
from __future__ import annotations

import bz2
import gzip
import lzma
import os
import posixpath
import shutil
import stat
import tarfile
import zipfile
from pathlib import Path

from ..errors import FormatError
from ..fileio import temporary_dir

MAX_TOTAL_BYTES = 16 * 2**30     # refuse archives that would unpack to more than 16 GiB
MAX_MEMBERS = 20_000             # a model package holds a handful of files
# (magic bytes, opener) of the compressed streams a tar may come in
_COMPRESSIONS = ((b"\x1f\x8b", gzip.open), (b"BZh", bz2.open), (b"\xfd7zXZ\x00", lzma.open))


def extract_archive(archive, dest_dir, max_total_bytes=MAX_TOTAL_BYTES, max_members=MAX_MEMBERS):
    """Unpack ``archive`` into ``dest_dir`` (replacing it) and return ``dest_dir``."""
    archive, dest_dir = Path(archive), Path(dest_dir)
    if not archive.is_file():
        raise FormatError(f"{archive}: archive not found")
    limits = (max_total_bytes, max_members)
    dest_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = temporary_dir(dest_dir, ".unpack")
    staging.chmod(0o755)             # mkdtemp makes it private; the result is a normal folder
    try:
        if zipfile.is_zipfile(archive):
            _extract_zip(archive, staging, limits)
        else:
            verify_compressed_stream(archive)
            _extract_tar(archive, staging, limits)
        _swap_into_place(staging, dest_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dest_dir


def _swap_into_place(staging, dest_dir):
    if not dest_dir.exists():
        os.replace(staging, dest_dir)
        return
    old = temporary_dir(dest_dir, ".old")
    os.replace(dest_dir, old / "tree")
    os.replace(staging, dest_dir)
    shutil.rmtree(old, ignore_errors=True)


def _inside(name):
    """The member's normalised relative path, or None when it would land outside."""
    if not name or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return None
    normal = posixpath.normpath(name.replace("\\", "/"))
    if normal == ".." or normal.startswith("../"):
        return None
    return normal


def _refuse(archive, name, why):
    raise FormatError(f"{archive}: refusing to unpack member {name!r}: {why}")


def verify_compressed_stream(archive):
    """Decompress ``archive`` to its end when it is gzip/bzip2/xz, so the stream's own
    checksum is checked (tarfile stops at the last member and never reaches it)."""
    with open(archive, "rb") as handle:
        magic = handle.read(6)
    opener = next((opener for prefix, opener in _COMPRESSIONS if magic.startswith(prefix)), None)
    if opener is None:
        return
    try:
        with opener(archive, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except (OSError, EOFError, lzma.LZMAError, ValueError) as error:
        raise FormatError(f"{archive}: the archive is damaged ({error}); download it again") from None


def _tar_members(archive, tar, max_members):
    """The members, refusing at the first one past ``max_members`` (without reading on)."""
    members = []
    for member in tar:
        members.append(member)
        if len(members) > max_members:
            _refuse(archive, member.name, f"the archive has more than {max_members:,} members")
    return members


def _extract_tar(archive, staging, limits):
    max_total_bytes, max_members = limits
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = _tar_members(archive, tar, max_members)
            _check_tar_members(archive, members, max_total_bytes)
            if hasattr(tarfile, "data_filter"):
                # Python's own checks (3.11.4+) as a second line, on the real filesystem
                tar.extractall(staging, members=members, filter="data")
            else:
                tar.extractall(staging, members=members)
    except tarfile.FilterError as error:
        raise FormatError(f"{archive}: refusing to unpack: {error}") from error
    except (tarfile.TarError, EOFError, OSError) as error:
        raise FormatError(f"{archive}: not a readable .tar/.tar.gz/.zip archive ({error})") from error


def _check_tar_members(archive, members, max_total_bytes):
    links, total = set(), 0
    for member in members:
        name = _inside(member.name)
        if name is None:
            _refuse(archive, member.name, "its path leads outside the destination folder")
        parents = [posixpath.join(*name.split("/")[:i]) for i in range(1, name.count("/") + 1)]
        if any(parent in links for parent in parents):
            _refuse(archive, member.name, "it is placed through a link")
        if member.isdev() or member.isfifo() or not (member.isfile() or member.isdir()
                                                     or member.issym() or member.islnk()):
            _refuse(archive, member.name, "device files, pipes and other special files are not allowed")
        if member.issym() or member.islnk():
            base = posixpath.dirname(name) if member.issym() else ""
            if member.linkname.startswith("/") or _inside(posixpath.join(base, member.linkname)) is None:
                _refuse(archive, member.name, f"its link target {member.linkname!r} is outside "
                                              f"the destination folder")
            links.add(name)
        total += member.size
        if total > max_total_bytes:
            _refuse(archive, member.name, f"the archive unpacks to more than {max_total_bytes:,} bytes")


def _extract_zip(archive, staging, limits):
    max_total_bytes, max_members = limits
    try:
        with zipfile.ZipFile(archive) as package:
            infos = package.infolist()
            if len(infos) > max_members:
                _refuse(archive, infos[max_members].filename,
                        f"the archive has more than {max_members:,} members")
            total = 0
            for info in infos:
                if _inside(info.filename) is None:
                    _refuse(archive, info.filename, "its path leads outside the destination folder")
                kind = stat.S_IFMT(info.external_attr >> 16)
                if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
                    _refuse(archive, info.filename, "links and special files are not allowed in a zip")
                total += info.file_size
                if total > max_total_bytes:
                    _refuse(archive, info.filename,
                            f"the archive unpacks to more than {max_total_bytes:,} bytes")
            package.extractall(staging, members=infos)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise FormatError(f"{archive}: not a readable .zip archive ({error})") from error
