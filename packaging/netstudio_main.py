"""Entry point of the packaged Net Studio (PyInstaller runs this file).

``NetStudio`` opens the app (``--self-test`` too); ``NetStudio classify photo.jpg`` and the
other ``netstudio`` commands work as with the pip-installed console script. Before the app
imports Qt, Linux machines are checked for the system libraries Qt needs.
"""
import multiprocessing
import sys


def _opens_the_app(argv):
    # the same rule as core.cli.main: no command (only options) means the app
    return not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"))


def main():
    # a worker process of the frozen app (training's process lanes, core/module/lanes.py)
    # starts here: freeze_support runs it and exits instead of opening another window
    multiprocessing.freeze_support()
    argv = sys.argv[1:]
    from core.module.lanes import WORKER_FLAG
    if _opens_the_app(argv) and argv[:1] != [WORKER_FLAG]:   # not a training worker
        from system_libraries import check
        code = check()
        if code:
            return code
    from core.cli import main as netstudio
    return netstudio(argv)


if __name__ == "__main__":
    sys.exit(main())
