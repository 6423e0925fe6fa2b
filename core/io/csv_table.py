"""The one CSV reader: UTF-8 text, comma separated, an optional header line, numeric
columns plus at most one text column (class names). ``CSVIter`` and the CSV-of-pictures
dataset format both read through it, so both say the same thing about a broken file.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
>>> _ = open(path, "w").write("label,a,b\\ncat,1,2\\ndog,3,4\\n")
>>> table = read_csv_table(path, text_column=lambda header: 0)
>>> table.header, table.numbers.tolist(), table.texts.tolist()
(['label', 'a', 'b'], [[1.0, 2.0], [3.0, 4.0]], ['cat', 'dog'])
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..fileio import read_regular_bytes


@dataclass
class CsvTable:
    header: list | None          # the first line's cells when it names the columns
    numbers: np.ndarray          # float64 (rows, columns other than the text column)
    texts: np.ndarray | None     # str (rows,) of the text column, if one was asked for
    text_column: int | None      # its position among the file's columns

    def require_finite(self, path, what, fix):
        """DataError naming ``path`` and the row when a number is NaN or infinite (a cell
        written ``nan``, ``inf``); ``what`` is the cell (``"a pixel"``), ``fix`` what to do."""
        finite = np.isfinite(self.numbers).all(axis=1)
        if not finite.all():
            bad = int(np.flatnonzero(~finite)[0])
            raise DataError(f"{path}: row {bad + 1 + (self.header is not None)} holds {what} that is "
                            f"NaN or infinite; {fix}")


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def read_text(path):
    """The file's text; DataError naming the file when it is missing or not UTF-8."""
    path = Path(path)
    try:
        raw = read_regular_bytes(path)
    except OSError as error:
        raise DataError(f"CSV file {path} cannot be read: {error.strerror or error}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(f"CSV file {path} is not UTF-8 text (byte 0x{raw[error.start]:02x} at offset "
                        f"{error.start}); save it as UTF-8 CSV") from None


def read_csv_table(path, text_column=None, skip_header=None):
    """Read ``path``. ``text_column(header cells or None)`` says which column holds text
    (or None for none); ``skip_header=None`` skips a first line whose cells (other than a
    text column's) are not all numbers."""
    path = Path(path)
    text = read_text(path)
    first_line = next((line for line in text.splitlines() if line.strip()), None)
    if first_line is None:
        raise DataError(f"CSV file {path} is empty")
    first = [cell.strip() for cell in first_line.split(",")]
    checked = first[1:] if text_column is not None else first
    if skip_header is None:
        skip_header = any(cell != "" and not _is_number(cell) for cell in checked)
    header = first if skip_header else None
    column = text_column(header) if text_column is not None else None
    others = [i for i in range(len(first)) if i != column]

    def load(columns, dtype):
        try:
            return np.loadtxt(io.StringIO(text), delimiter=",", dtype=dtype, ndmin=2,
                              skiprows=int(bool(skip_header)), usecols=columns)
        except (ValueError, IndexError) as error:
            raise DataError(f"CSV file {path}: {error}; every row needs the {len(first)} columns of the "
                            "first, all numeric" + (" but the label column" if column is not None else "")) from None

    numbers = load(others, np.float64)
    if numbers.shape[0] == 0:
        raise DataError(f"CSV file {path} has no rows of data")
    texts = np.char.strip(load([column], str)[:, 0]) if column is not None else None
    return CsvTable(header, numbers, texts, column)
