"""Net Studio's desktop app (PySide6). ``from app import MainWindow`` under a QApplication,
or ``app.launch(argv)`` to start it (what ``netstudio`` with no sub-command does)."""
from .launcher import launch


def __getattr__(name):
    # MainWindow pulls in every view; load it on first use so `app.launch` stays light
    if name == "MainWindow":
        from .main_window import MainWindow
        return MainWindow
    raise AttributeError(f"module 'app' has no attribute {name!r}")


__all__ = ["MainWindow", "launch"]
