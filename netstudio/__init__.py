"""``netstudio``: the app's twin for scripts, and the one entry point above both ``app`` and
``core`` (it may import either; neither imports it).

    netstudio                          open the app (also: netstudio --self-test)
    netstudio classify IMAGE|FOLDER... [--model NAME | --checkpoint PREFIX --epoch N]
                       [--top 5] [--ctx cpu|gpu] [--csv OUT] [--json] [--heatmap OUT.png]
    netstudio detect PHOTO|FOLDER... [--threshold 0.25] [--top K] [--json] [--save-annotated DIR]
    netstudio features IMAGE|FOLDER... [--model NAME | --checkpoint PREFIX --epoch N] [--layer NAME]
    netstudio classify|detect|features SOURCE --ray [ADDRESS] --out DIR [--with-csv] [--actors N]
    netstudio zoo list | info NAME | download NAME|URL | remove NAME
    netstudio train NETWORK DATA [--epochs 5] [--out PREFIX [--resume]] [--finetune frozen|full]
                    [--batch-size 128] [--optimizer adam] [--lr 0.003] [--ctx cpu|gpu] [--json]
    netstudio export MODEL|--checkpoint PREFIX --onnx OUT.onnx

A command is a module of this package listed in ``COMMAND_MODULES`` that provides
``add_arguments(parser)`` (fill its argparse sub-parser) and ``run(args) -> exit code``;
a listed module that does not exist is skipped. Its ``HELP`` entry is the one-line help.

User errors are handled here, once for every command: a ``NetStudioError`` (core/errors.py)
or an ``OSError`` about a path the user gave ends the command with one line on stderr,
``netstudio COMMAND: <what is wrong with which file, and what to do>``, and exit status 2
(``USER_ERROR``); anything else is a bug and keeps its traceback. A command returns 1 when
it went on past some failed items (a picture that would not decode).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from core import __version__
from core.errors import NetStudioError, user_message
from core.module.lanes import WORKER_FLAG as LANE_WORKER_FLAG  # the frozen app as a training worker

# sub-command -> module providing add_arguments(parser) and run(args)
COMMAND_MODULES = {
    "classify": "netstudio.classify",
    "detect": "netstudio.detect",
    "features": "netstudio.features",
    "zoo": "netstudio.zoo",
    "train": "netstudio.train",
    "export": "netstudio.export",
}
#: exit status of a command stopped by a user error (argparse uses it for bad options too)
USER_ERROR = 2
HELP = {"classify": "classify pictures with a zoo model or a checkpoint",
        "detect": "find objects in pictures: labelled boxes (COCO's 80 classes)",
        "features": "one feature vector per picture (the layer before the classifier)",
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
    parser = build_parser()
    argv, renamed = files_as_positionals(parser, argv)
    args = parser.parse_args(argv)
    restore_names(args, renamed)
    if getattr(args, "run", None) is None:
        return _launch_app(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("netstudio: interrupted", file=sys.stderr)
        return 130
    except (NetStudioError, OSError) as error:
        message = user_message(error)
        if message is None:
            raise                       # not the user's doing: a bug, keep the traceback
        print(f"netstudio {args.command}: {message}", file=sys.stderr)
        return USER_ERROR


def files_as_positionals(parser, argv):
    """argparse reads ``-2+3.png`` as an unknown option; a token that names an existing
    file or folder and is no option of ours is a file. Returns (argv with such tokens
    written ``./-2+3.png``, {written: original}) -- ``restore_names`` puts them back."""
    options = _option_strings(parser)
    out, renamed = [], {}
    for position, token in enumerate(argv):
        if token == "--":
            return out + argv[position:], renamed
        name = token.split("=", 1)[0]
        is_option = name in options or (name.startswith("--") and any(o.startswith(name) for o in options))
        if token.startswith("-") and not is_option and os.path.lexists(token):
            renamed[os.path.join(os.curdir, token)] = token
            token = os.path.join(os.curdir, token)
        out.append(token)
    return out, renamed


def restore_names(args, renamed):
    for key, value in vars(args).items():
        if isinstance(value, str) and value in renamed:
            setattr(args, key, renamed[value])
        elif isinstance(value, list):
            setattr(args, key, [renamed.get(v, v) if isinstance(v, str) else v for v in value])


def _option_strings(parser):
    # NOTE: argparse keeps its actions private; the sub-commands' parsers hang off the
    # _SubParsersAction's ``choices``
    found = set()
    for action in parser._actions:
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _option_strings(sub)
    return found


def opens_the_app(argv):
    """No command, only options (``--self-test``): ``netstudio`` opens the app."""
    return not argv or (argv[0].startswith("-")
                        and argv[0] not in ("-h", "--help", "--version", LANE_WORKER_FLAG))


def _launch_app(argv):
    # NOTE: imported here so that scripted use never loads Qt
    from app import launch
    return launch(argv)
