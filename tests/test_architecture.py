"""The layering rules of DESIGN.md, checked on the source: pyproject.toml's import-linter
contracts (the netstudio command > app > core's app-facing services > engine > backend;
the engine never imports Qt; no import cycles inside core.symbol and core.zoo) all hold,
with nothing exempted, and they do catch an import that breaks them."""
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"


def lint_imports(root):
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run([sys.executable, "-c", LINT], cwd=root, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A copy of the source and its contracts, for breaking a rule on purpose."""
    root = tmp_path_factory.mktemp("tree")
    for package in ("netstudio", "app", "core"):
        shutil.copytree(ROOT / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root)
    return root


@contextmanager
def changed(path, text):
    """``text`` appended to ``path`` (made if new) for the duration."""
    before = path.read_text(encoding="utf-8") if path.exists() else None
    path.write_text((before or "") + text, encoding="utf-8")
    try:
        yield
    finally:
        if before is None:
            path.unlink()
        else:
            path.write_text(before, encoding="utf-8")


def test_every_import_contract_is_kept():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize("module, line, contract, evidence", [
    ("core/ops/base.py", "import app", "The netstudio command is above the app", "core.ops.base -> app"),
    ("app/views.py", "import netstudio", "The netstudio command is above the app", "app.views -> netstudio"),
    ("core/module/module.py", "from core.session import runner", "app-facing services > engine",
     "core.module.module -> core.session.runner"),
    ("core/executor.py", "import PySide6", "The engine never imports Qt", "core.executor -> PySide6"),
    ("core/symbol/graph.py", "from . import symbol", "No import cycles", "No cycles are allowed in core.symbol"),
    ("core/zoo/catalog.py", "from . import pretrained", "No import cycles", "No cycles are allowed in core.zoo"),
])
def test_the_contracts_catch_a_broken_rule(tree, module, line, contract, evidence):
    with changed(tree / module, f"\n\ndef _late():\n    {line}  # even a lazy import counts\n"):
        done = lint_imports(tree)
    assert done.returncode == 1, done.stdout + done.stderr
    broken = done.stdout.split("Broken contracts", 1)[1]
    assert contract in broken and evidence in broken, broken


def test_a_new_module_under_core_must_be_given_a_layer(tree):
    with changed(tree / "core" / "newcomer.py", '"""A module nobody placed."""\n'):
        done = lint_imports(tree)
    assert done.returncode == 1 and "core.newcomer" in done.stdout, done.stdout + done.stderr


def test_no_pickle_load_on_user_files():
    offenders = []
    for path in list((ROOT / "core").rglob("*.py")) + list((ROOT / "app").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for needle in ("pickle.load(", "pickle.loads(", "allow_pickle=True", "torch.load("):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)} uses {needle}")
    assert not offenders, "\n".join(offenders)
