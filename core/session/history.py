"""The history of training runs: one folder per run in the user's data folder, holding
the checkpoints (``model-symbol.json``, ``model-NNNN.params``, ``model-meta.json``) and
``run.json`` (settings, curves, final metrics), written atomically.

The folder is ``$NETSTUDIO_RUNS`` when set, else ``<user data dir>/netstudio/runs``.

>>> import tempfile
>>> history = RunHistory(tempfile.mkdtemp())
>>> record = history.create("LeNet on Fashion-MNIST")
>>> _ = history.save(record); [r.title for r in history.list()]
['LeNet on Fashion-MNIST']
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ..errors import FormatError
from ..fileio import atomic_write_text

log = logging.getLogger(__name__)
RECORD_FILE = "run.json"
CHECKPOINT_STEM = "model"


def default_runs_dir():
    override = os.environ.get("NETSTUDIO_RUNS")
    if override:
        return Path(override)
    try:
        from platformdirs import user_data_dir
        return Path(user_data_dir("netstudio", appauthor=False)) / "runs"
    except ImportError:
        return Path.home() / ".local" / "share" / "netstudio" / "runs"


@dataclass
class RunRecord:
    run_id: str
    title: str
    folder: str
    created: float = field(default_factory=time.time)
    status: str = "running"
    message: str = ""
    network: dict = field(default_factory=dict)
    dataset: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    curves: dict = field(default_factory=dict)
    final: dict = field(default_factory=dict)
    epochs_saved: list = field(default_factory=list)
    duration: float = 0.0
    checkpoint: str = ""     # the checkpoint prefix when not the run folder's (``netstudio train --out``)

    @property
    def prefix(self):
        return self.checkpoint or str(Path(self.folder) / CHECKPOINT_STEM)

    @property
    def last_epoch(self):
        return max(self.epochs_saved) if self.epochs_saved else None

    def model_ref(self):
        """What the Classify view loads: {"name", "prefix", "epoch"}; None without a checkpoint."""
        if self.last_epoch is None:
            return None
        return {"name": self.title, "prefix": self.prefix, "epoch": int(self.last_epoch)}

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, raw):
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "run"


class RunHistory:
    def __init__(self, folder=None):
        self.folder = Path(folder) if folder is not None else default_runs_dir()

    def create(self, title):
        """A new run with its own folder (not yet saved)."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        base = f"{stamp}-{_slug(title)}"
        run_id, n = base, 1
        while (self.folder / run_id).exists():
            n += 1
            run_id = f"{base}-{n}"
        (self.folder / run_id).mkdir(parents=True)
        return RunRecord(run_id, title, str(self.folder / run_id))

    def save(self, record):
        path = Path(record.folder) / RECORD_FILE
        atomic_write_text(path, json.dumps(record.to_dict(), indent=1, allow_nan=False))
        return path

    def load(self, run_id):
        path = self.folder / run_id / RECORD_FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            record = RunRecord.from_dict(raw)
        except (OSError, ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError) as error:
            # NOTE: any malformed record (not UTF-8, nested too deep, fields of the wrong
            # type) is one message; list() skips it instead of failing the Train view
            raise FormatError(f"{path}: not a readable run record ({type(error).__name__})") from None
        record.folder = str(self.folder / run_id)   # the folder may have moved
        return record

    def list(self):
        """Every readable run, newest first; unreadable ones are logged and skipped."""
        if not self.folder.is_dir():
            return []
        records = []
        for entry in self.folder.iterdir():
            if (entry / RECORD_FILE).is_file():
                try:
                    records.append(self.load(entry.name))
                except FormatError as error:
                    log.warning("skipping run: %s", error)
        return sorted(records, key=lambda r: r.created, reverse=True)

    def rename(self, run_id, title):
        """Give a run a name of its own; returns the updated record."""
        title = str(title).strip()
        if not title:
            raise FormatError("a run needs a name")
        record = self.load(run_id)
        record.title = title
        self.save(record)
        return record

    def delete(self, run_id):
        folder = (self.folder / run_id).resolve()
        if folder.parent != self.folder.resolve() or not folder.is_dir():
            raise FormatError(f"{run_id!r} is not a run in {self.folder}")
        shutil.rmtree(folder)
