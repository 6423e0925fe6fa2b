"""Results on disk: Parquet shards (and CSV beside them on request), each written whole
(a temporary name, then a rename), so a stopped job leaves only complete shards and a
rerun knows exactly which pictures are done: the ``path`` column of every shard."""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from ..errors import DataError
from .tasks import BOOKKEEPING

SHARD_ROWS = 1000


def done_paths(out):
    """Every ``path`` already written under ``out``."""
    import pyarrow.parquet as pq
    done = set()
    for shard in sorted(Path(out).glob("*.parquet")):
        try:
            done.update(pq.read_table(shard, columns=["path"]).column("path").to_pylist())
        except (OSError, ValueError) as error:   # pyarrow's errors derive from these
            raise DataError(f"{shard}: not a readable results shard ({error}); move it away and rerun") from None
    return done


class ShardWriter:
    """Collects result tables and writes a shard every ``rows`` rows (and at ``close``)."""

    def __init__(self, out, csv=False, rows=SHARD_ROWS):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.csv = csv
        self.rows = int(rows)
        self.run = uuid.uuid4().hex[:8]
        self.pending = []
        self.count = 0
        self.written = []

    def add(self, table):
        self.pending.append(table.drop_columns([c for c in BOOKKEEPING if c in table.column_names]))
        if sum(t.num_rows for t in self.pending) >= self.rows:
            self.flush()

    def flush(self):
        import pyarrow as pa
        import pyarrow.parquet as pq
        if not self.pending:
            return
        table = pa.concat_tables(self.pending)
        self.pending = []
        name = f"part-{self.run}-{self.count:05d}"
        self.count += 1
        self._atomic(self.out / f"{name}.parquet", lambda tmp: pq.write_table(table, tmp))
        if self.csv:
            self._atomic(self.out / f"{name}.csv", lambda tmp: _write_csv(table, tmp))
        self.written.append(self.out / f"{name}.parquet")

    def close(self):
        self.flush()

    @staticmethod
    def _atomic(path, write):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            write(str(tmp))
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()


def _write_csv(table, path):
    """The same rows as CSV; list columns as JSON text (``[0.91, 0.05]``)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    columns = {}
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_list(column.type):
            column = pa.array([None if v is None else json.dumps(v) for v in column.to_pylist()], pa.string())
        columns[name] = column
    pcsv.write_csv(pa.table(columns), path)
