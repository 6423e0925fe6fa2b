"""What ``SOURCE`` names, as a sorted list of picture paths the Ray tasks will read.

A folder (every picture inside, recursively), a glob (``photos/*/*.jpg``), a list file
(``.txt``/``.lst``/``.list``: one path or URI a line, ``#`` comments), or a file or folder
URI that pyarrow's filesystems open (``s3://bucket/photos``, ``gs://...``), the same
filesystems Ray Data reads. A folder lists the way ``netstudio classify`` lists one, so
both name a picture with the same string.
"""
from __future__ import annotations

import glob
from pathlib import Path

from ..errors import DataError
from ..io.image_folder import IMAGE_SUFFIXES

LIST_SUFFIXES = {".txt", ".lst", ".list"}


def is_uri(text):
    return "://" in str(text)


def list_pictures(source):
    """Every picture ``source`` names; DataError when it names none."""
    text = str(source)
    if is_uri(text):
        pictures = _remote(text)
    elif any(ch in text for ch in "*?["):
        pictures = sorted(p for p in glob.glob(text, recursive=True) if Path(p).is_file())
    else:
        path = Path(text)
        if path.is_dir():
            pictures = [str(p) for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]
        elif path.is_file() and path.suffix.lower() in LIST_SUFFIXES:
            pictures = _list_file(path)
        elif path.is_file():
            pictures = [text]
        else:
            raise DataError(f"{text}: no such file, folder or glob")
    if not pictures:
        raise DataError(f"no pictures found in {text}")
    return pictures


def _list_file(path):
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(f"{path}: cannot read the list of pictures: {error}") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _remote(uri):
    from pyarrow import fs
    try:
        filesystem, root = fs.FileSystem.from_uri(uri)
        info = filesystem.get_file_info(root)
        if info.type == fs.FileType.File:
            return [uri]
        found = filesystem.get_file_info(fs.FileSelector(root, recursive=True))
    except (OSError, ValueError) as error:
        raise DataError(f"{uri}: cannot list it: {error}") from None
    scheme = uri.split("://", 1)[0]
    return sorted(f"{scheme}://{f.path}" for f in found
                  if f.type == fs.FileType.File and Path(f.path).suffix.lower() in IMAGE_SUFFIXES)


def read_bytes(path):
    """A picture's bytes, from a local path or a URI."""
    if not is_uri(path):
        with open(path, "rb") as handle:
            return handle.read()
    from pyarrow import fs
    filesystem, inner = fs.FileSystem.from_uri(path)
    with filesystem.open_input_stream(inner) as stream:
        return stream.read()
