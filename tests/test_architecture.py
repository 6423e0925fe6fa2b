"""The layering rules of DESIGN.md, checked on the source: core never imports Qt or app."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("PySide6", "pyqtgraph", "app", "PyQt5", "PyQt6")


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def _is_cli(path):
    """The CLI alone may start the app, lazily, for `netstudio` without a sub-command."""
    return path.name == "cli.py" or "cli" in path.relative_to(ROOT / "core").parts[:1]


def test_core_never_imports_qt_or_the_app():
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        for name in _imports(path):
            if name.split(".")[0] in FORBIDDEN and not (_is_cli(path) and name == "app"):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_no_pickle_load_on_user_files():
    offenders = []
    for path in list((ROOT / "core").rglob("*.py")) + list((ROOT / "app").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for needle in ("pickle.load(", "pickle.loads(", "allow_pickle=True", "torch.load("):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)} uses {needle}")
    assert not offenders, "\n".join(offenders)
