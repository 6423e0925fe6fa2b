"""A malformed run record in the history folder (generated here) is skipped with a log
line, never an exception that would stop the Train view listing the other runs."""
import json

from core.session.history import RECORD_FILE, RunHistory


def test_malformed_run_records_are_skipped(tmp_path):
    history = RunHistory(tmp_path)
    good = history.create("good run")
    history.save(good)
    for name, data in {"deep": b"[" * 100_000, "list": b"[]", "latin1": '{"title": "caf\xe9"}'.encode("latin-1"),
                       "number": b"7", "fields": json.dumps({"run_id": 5, "created": [1]}).encode()}.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / RECORD_FILE).write_bytes(data)
    assert [r.title for r in history.list()] == ["good run"]
