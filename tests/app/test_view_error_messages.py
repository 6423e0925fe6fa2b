"""User-caused errors in the views are one sentence naming the file, never a Python
exception name or traceback: the Data view opening broken datasets (generated here), and
the line every worker error becomes (app/workers.describe_error)."""
import re

import pytest

from app.workers import describe_error
from core.errors import DataError

from .test_data_view import LOAD_MS, data_view

PIXELS = ",".join(f"p{i}" for i in range(4))
HOSTILE_CSV = {
    "latin1.csv": f"label,{PIXELS}\n0,1,2,3,4\ncat\xe9,1,2,3,4\n".encode("latin-1"),
    "nan-pixel.csv": f"label,{PIXELS}\n0,1,2,3,4\n1,nan,2,3,4\n".encode(),
    "negative-label.csv": f"label,{PIXELS}\n0,1,2,3,4\n-1,1,2,3,4\n".encode(),
    "huge-label.csv": f"label,{PIXELS}\n0,1,2,3,4\n1000000000,1,2,3,4\n".encode(),
    "ragged.csv": f"label,{PIXELS}\n0,1,2\n".encode(),
    "empty.csv": b"",
    "deep.csv": b"[" * 100_000,
}
EXCEPTION_NAME = re.compile(r"\b[A-Z][a-zA-Z]*(Error|Exception)\b|Traceback")


@pytest.mark.parametrize("name", sorted(HOSTILE_CSV))
def test_a_broken_dataset_file_is_one_sentence_in_the_data_view(main_window, qtbot, tmp_path, name):
    view = data_view(main_window)
    path = tmp_path / name
    path.write_bytes(HOSTILE_CSV[name])
    with qtbot.waitSignal(view.sigStatus, timeout=LOAD_MS):
        view.open_csv(path)
    text = view.error.text()
    assert view.error.isVisible() and name in text, text
    assert "\n" not in text and not EXCEPTION_NAME.search(text), text


def test_worker_errors_are_one_line_naming_the_path():
    assert describe_error(PermissionError(13, "Permission denied", "/data/x.csv")) == (
        "/data/x.csv: Permission denied; check its permissions")
    assert describe_error(DataError("x.csv: row 3 holds a pixel that is NaN")) == (
        "x.csv: row 3 holds a pixel that is NaN")
    assert describe_error(ZeroDivisionError("a bug")) == "ZeroDivisionError: a bug"   # bugs keep their kind
