"""The Build view: assemble and edit networks on a canvas (issue 7)."""
from .view import EditorView

__all__ = ["EditorView"]
