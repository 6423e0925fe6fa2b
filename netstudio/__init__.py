"""``netstudio``: the app's twin for scripts, and the one entry point above both ``app`` and
``core`` (it may import either; neither imports it).

    netstudio                          open the app (also: netstudio --self-test)
    netstudio classify IMAGE|FOLDER... [--model NAME | --checkpoint PREFIX --epoch N]
                       [--top 5] [--ctx cpu|gpu] [--csv OUT] [--json]
    netstudio zoo list | info NAME | download NAME|URL | remove NAME
    netstudio export MODEL|--checkpoint PREFIX --onnx OUT.onnx

A command is a module of this package listed in ``COMMAND_MODULES`` that provides
``add_arguments(parser)`` (fill its argparse sub-parser) and ``run(args) -> exit code``;
a listed module that does not exist yet (``netstudio/train.py``) is skipped. Its ``HELP``
entry is the one-line help.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from core import __version__
from core.module.lanes import WORKER_FLAG as LANE_WORKER_FLAG  # the frozen app as a training worker

# sub-command -> module providing add_arguments(parser) and run(args)
COMMAND_MODULES = {
    "classify": "netstudio.classify",
    "zoo": "netstudio.zoo",
    "train": "netstudio.train",
    "export": "netstudio.export",
}
HELP = {"classify": "classify pictures with a zoo model or a checkpoint",
        "zoo": "list, inspect, download and remove pretrained models",
        "train": "train a network from the command line",
        "export": "write a zoo model or a checkpoint as an ONNX file"}


def build_parser():
    parser = argparse.ArgumentParser(prog="netstudio", description="Net Studio: build, train and run "
                                     "image classifiers. Without a command, opens the app.")
    parser.add_argument("--version", action="version", version=f"netstudio {__version__}")
    parser.add_argument("--self-test", action="store_true", help="open the app, check it starts, quit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMAND_MODULES.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue  # a command another part of Net Studio has not provided yet
        sub = commands.add_parser(name, help=HELP.get(name), description=HELP.get(name))
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv=None):
    """Entry point of the ``netstudio`` console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [LANE_WORKER_FLAG]:   # hidden: the frozen app as a process lane's worker
        from core.module.lane_worker import main as lane_worker
        return lane_worker(argv[1:])
    if opens_the_app(argv):
        return _launch_app(argv)  # no command: the app, with its own options (--self-test ...)
    args = build_parser().parse_args(argv)
    if getattr(args, "run", None) is None:
        return _launch_app(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("netstudio: interrupted", file=sys.stderr)
        return 130


def opens_the_app(argv):
    """No command, only options (``--self-test``): ``netstudio`` opens the app."""
    return not argv or (argv[0].startswith("-")
                        and argv[0] not in ("-h", "--help", "--version", LANE_WORKER_FLAG))


def _launch_app(argv):
    # NOTE: imported here so that scripted use never loads Qt
    from app import launch
    return launch(argv)
