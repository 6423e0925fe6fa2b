"""Entry point of the packaged Net Studio (PyInstaller runs this file).

``NetStudio`` opens the app (``--self-test`` too); ``NetStudio classify photo.jpg`` and the
other ``netstudio`` commands work as with the pip-installed console script. Before the app
imports Qt, Linux machines are checked for the system libraries Qt needs.
"""
import multiprocessing
import sys


def main():
    # a worker process of the frozen app (training's process lanes, core/module/lanes.py)
    # starts here: freeze_support runs it and exits instead of opening another window
    multiprocessing.freeze_support()
    import netstudio
    argv = sys.argv[1:]
    if netstudio.opens_the_app(argv):   # not a command, nor a training worker
        from system_libraries import check
        code = check()
        if code:
            return code
    return netstudio.main(argv)


if __name__ == "__main__":
    sys.exit(main())
