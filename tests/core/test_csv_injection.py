"""CSV formula injection: file names and labels that start with =, +, -, @, a tab or a
carriage return reach the CSV the classify CLI writes as text a spreadsheet will not run
(OWASP: a leading '), and read back unchanged otherwise."""
import csv
import io
import json
import shutil

import netstudio
from core.io.csv_write import FORMULA_STARTS, csv_writer
from .zoo_support import REPO, SAMPLES

LENET = REPO / "resources" / "zoo" / "fashion-mnist-lenet" / "fashion-mnist-lenet"
HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def formula_cells(rows):
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


def test_every_formula_start_is_escaped_and_other_cells_kept():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(HOSTILE)
    writer.writerows([["cat.png", 3, -0.25, "a=b", ""]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["'" + text for text in HOSTILE]
    assert rows[1] == ["cat.png", "3", "-0.25", "a=b", ""]       # numbers stay numbers
    assert formula_cells(rows) == ["-0.25"]


def test_the_classify_cli_csv_has_no_formula_cells(tmp_path, capsys, monkeypatch):
    prefix = tmp_path / "net"
    for part in ("-symbol.json", "-0010.params"):
        shutil.copy(f"{LENET}{part}", f"{prefix}{part}")
    meta = json.loads(open(f"{LENET}-meta.json").read())
    meta["labels"] = [f"{text} {i}" for i, text in enumerate(HOSTILE + HOSTILE[:4])]
    (tmp_path / "net-meta.json").write_text(json.dumps(meta))
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    for number, text in enumerate(HOSTILE[:4]):   # names a file system takes
        shutil.copy(SAMPLES / "coffee.png", pictures / f"{text.replace('/', '-')}{number}.png")
    (pictures / "=broken.png").write_bytes(b"not a picture")
    out = tmp_path / "out.csv"
    monkeypatch.chdir(pictures)                       # the image cells are the bare names
    code = netstudio.main(["classify", ".", "--checkpoint", str(prefix), "--epoch", "10",
                           "--top", "10", "--csv", str(out)])
    assert code == 1                                  # the broken picture
    with open(out, newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 1 + 4 * 10 + 1
    cells = [cell for row in rows[1:] for cell in (row[0], row[3], row[5])]   # image, label, error
    assert not formula_cells([cells])
    assert {row[3] for row in rows[1:] if row[3]} == {"'" + label for label in meta["labels"]}
    assert {row[0] for row in rows[1:]} == {"'" + p.name for p in pictures.iterdir()}
    assert [row[5] for row in rows[1:] if row[5]][0].startswith("'=broken.png: ")
