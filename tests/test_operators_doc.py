"""docs/operators.md is generated from the operator registry (tools/gen_operators_doc.py)
and lists every public name of MXNet 1.9.1's mx.sym with its status here."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("gen_operators_doc", ROOT / "tools" / "gen_operators_doc.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)


def test_committed_operators_doc_is_current():
    assert gen.main(["--check"]) == 0, "docs/operators.md is stale: run python tools/gen_operators_doc.py"


def test_every_mxnet_name_is_listed_once_with_a_status():
    names = gen.mxnet_names()
    assert len(names) == len(set(names)) == 288
    doc = (ROOT / "docs" / "operators.md").read_text()
    for name in names:
        assert doc.count(f"| `{name}` |") == 1, name


def test_status_follows_the_registry():
    assert gen.status("topk") == "supported"
    assert gen.status("broadcast_plus") == "supported (as broadcast_add)"
    assert gen.status("Variable") == "supported (Symbol API)"
    assert gen.status("RNN").startswith("out of scope")
    assert gen.status("SequenceMask").startswith("out of scope")
    assert gen.status("IdentityAttachKLSparseReg") == "supported"
    # every name outside issue 23's scope is supported
    assert {n for n in gen.mxnet_names() if not gen.status(n).startswith(("supported", "out of scope"))} == set()
    assert gen.status("linalg_potrf") == "supported"
    assert gen.status("choose_element_0index") == "supported (as pick)"
    assert gen.status("split_v2") == "supported (Symbol API)"
