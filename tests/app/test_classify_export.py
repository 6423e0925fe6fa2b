"""The Classify view's CSV export escapes file names, labels and errors a spreadsheet
would run as formulas (OWASP: a leading ')."""
import csv
import io

from app.classify.export import results_csv
from app.classify.results_model import DONE, ERROR, ClassifyItem
from core.io.csv_write import FORMULA_STARTS

HOSTILE = ["=cmd|' /C calc'!A0.png", "+1.png", "-2+3.png", "@SUM(A1).png", "\t=1.png", "\r=1.png"]


def test_exported_rows_hold_no_formula_cells():
    items = [ClassifyItem(number, text, text, DONE, predictions=((7, "=HYPERLINK(\"x\")", 0.9),
                                                                 (2, "-cat", 0.1)), model="@model")
             for number, text in enumerate(HOSTILE)]
    items.append(ClassifyItem(99, "bad", "=bad.png", ERROR, error="=bad.png: not an image"))
    rows = list(csv.reader(io.StringIO(results_csv(items, k=2), newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert [row[0] for row in rows[1:]] == ["'" + text for text in HOSTILE] + ["'=bad.png"]
    assert rows[1][4:7] == ["'=HYPERLINK(\"x\")", "7", "0.900000"] and rows[-1][3] == "'=bad.png: not an image"
