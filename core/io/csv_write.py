r"""CSV that is safe to open in a spreadsheet: every CSV Net Studio writes (the classify
CLI's ``--csv``, the Classify view's export) goes through ``csv_writer``.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
to Excel, LibreOffice and Google Sheets -- a picture named ``=cmd|' /C calc'!A0.png`` or a
label ``=HYPERLINK(...)`` would run when the file is opened. OWASP's rule: such a text
cell gets a leading ``'`` (shown, never evaluated). Numbers are written as they are.
Rows end in CRLF (RFC 4180), so a cell holding either line-break character is quoted
and reads back as one cell (with ``lineterminator="\n"`` a bare CR would split the row).

>>> import io
>>> out = io.StringIO()
>>> _ = csv_writer(out).writerow(["=HYPERLINK(1)", "-3 dB", -0.5, "cat"])
>>> out.getvalue()
"'=HYPERLINK(1),'-3 dB,-0.5,cat\r\n"
"""
from __future__ import annotations

import csv

#: first characters that make a spreadsheet read a cell as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose rows are escaped cell by cell (``escape_cell``)."""

    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([escape_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(handle):
    """A ``csv.writer`` (Excel dialect, CRLF rows) that escapes formula-like text cells.
    Open a file for it with ``newline=""``, or write into a ``StringIO``."""
    return SafeWriter(csv.writer(handle))
