"""``netstudio zoo``: the pretrained models, installed or not."""
from __future__ import annotations

from core.zoo.model_card import card_rows, publisher, size_text

from .progress import ProgressBar


def add_arguments(parser):
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="every model the zoo knows, and whether it is installed")
    for name, text in (("info", "details of one model"), ("download", "install a model (zoo name or URL)"),
                       ("remove", "delete an installed model")):
        sub = actions.add_parser(name, help=text)
        sub.add_argument("name", metavar="NAME" if name != "download" else "NAME|URL")
        if name == "download":
            sub.add_argument("--force", action="store_true", help="download again even if installed")


def run(args):
    from core import zoo
    # a user error (NetStudioError) ends the command with one line: netstudio.main
    if args.action == "list":
        return _list(zoo.list_models())
    if args.action == "info":
        return _info(zoo.model_info(args.name))
    if args.action == "remove":
        removed = zoo.remove_model(args.name)
        print(f"removed {args.name}" if removed else f"{args.name} was not installed")
        return 0
    bar = ProgressBar(0, f"downloading {args.name}", unit="B")
    try:
        info = zoo.download_model(args.name, progress=bar, overwrite=args.force)
    finally:
        if bar.done:
            bar.close()
    print(f"installed {info.name} in {info.location}")
    return 0


def _list(models):
    width = max(len(m.name) for m in models)
    print(f"{'NAME':<{width}}  {'INSTALLED':<9}  {'SIZE':>9}  {'DATASET':<14}  {'TITLE':<30}  SOURCE")
    for m in models:
        print(f"{m.name:<{width}}  {'yes' if m.installed else 'no':<9}  {size_text(m):>9}  {m.dataset:<14}  "
              f"{m.title:<30}  {publisher(m)}")
    return 0


def _info(info):
    for key, value in card_rows(info):
        print(f"{key:>10}: {value}")
    return 0
