"""``netstudio``: the app's twin for scripts.

    netstudio                          open the app (also: netstudio --self-test)
    netstudio classify IMAGE|FOLDER... [--model NAME | --checkpoint PREFIX --epoch N]
                       [--top 5] [--ctx cpu|gpu] [--csv OUT] [--json]
    netstudio detect PHOTO|FOLDER... [--threshold 0.25] [--top K] [--json] [--save-annotated DIR]
    netstudio zoo list | info NAME | download NAME|URL | remove NAME

Other commands plug in through ``COMMAND_MODULES``: ``netstudio train`` appears once
``core/cli/train.py`` exists, with ``add_arguments(parser)`` and ``run(args) -> exit code``.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from .. import __version__

# sub-command -> module providing add_arguments(parser) and run(args)
COMMAND_MODULES = {
    "classify": "core.cli.classify",
    "detect": "core.cli.detect",
    "zoo": "core.cli.zoo",
    "train": "core.cli.train",
}
#: the frozen app's hidden command that runs a training worker (core/module/lanes.py)
LANE_WORKER_FLAG = "--netstudio-lane-worker"
HELP = {"classify": "classify pictures with a zoo model or a checkpoint",
        "detect": "find objects in pictures: labelled boxes (COCO's 80 classes)",
        "zoo": "list, inspect, download and remove pretrained models",
        "train": "train a network from the command line"}


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
        from ..module.lane_worker import main as lane_worker
        return lane_worker(argv[1:])
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        return _launch_app(argv)  # no command: the app, with its own options (--self-test ...)
    args = build_parser().parse_args(argv)
    if getattr(args, "run", None) is None:
        return _launch_app(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("netstudio: interrupted", file=sys.stderr)
        return 130


def _launch_app(argv):
    # NOTE: imported here so that scripted use never loads Qt
    from app import launch
    return launch(argv)
