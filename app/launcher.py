"""``app.launch(argv)``: open the window, or run the offscreen self-test.

``netstudio`` (netstudio/__init__.py) calls this lazily, so scripting never imports Qt.
"""
from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
from pathlib import Path

from .settings import APPLICATION, ORGANIZATION


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="netstudio", description="Net Studio desktop app")
    parser.add_argument("--self-test", action="store_true",
                        help="open the window offscreen, classify the sample images, print the "
                             "top-5 and exit 0 if the predictions arrived")
    parser.add_argument("--screenshot", type=Path, default=None,
                        help="where --self-test saves its screenshot")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds --self-test waits for the answers")
    return parser


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM"))


def setup_logging() -> Path | None:
    """Tracebacks go to a log file (the GUI only shows one-line messages)."""
    root = logging.getLogger()
    if any(getattr(h, "_netstudio", False) for h in root.handlers):
        return None
    try:
        from platformdirs import user_log_dir
        folder = Path(user_log_dir("netstudio", ORGANIZATION))
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(folder / "netstudio.log",
                                                       maxBytes=2_000_000, backupCount=2)
    except OSError:
        return None
    handler._netstudio = True
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.INFO, logging.INFO))
    return folder / "netstudio.log"


def launch(argv=None) -> int:
    args, qt_args = _parser().parse_known_args(sys.argv[1:] if argv is None else list(argv))
    if args.self_test:
        if not os.environ.get("QT_QPA_PLATFORM"):      # unset or empty: no window on screen
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif not has_display():
        print("netstudio: no display found (DISPLAY and WAYLAND_DISPLAY are unset).\n"
              "Run it in a desktop session, or try `netstudio --self-test` (works offscreen).",
              file=sys.stderr)
        return 2
    setup_logging()
    from PySide6.QtWidgets import QApplication
    from .about import app_version
    from .resources import icon
    app = QApplication.instance() or QApplication(["netstudio", *qt_args])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(app_version())
    app.setWindowIcon(icon("netstudio"))
    if args.self_test:
        from .self_test import run_self_test
        return run_self_test(args.screenshot, args.timeout)
    from .main_window import MainWindow
    window = MainWindow()
    window.show()
    return app.exec()
