"""``netstudio zoo``: the pretrained models, installed or not."""
from __future__ import annotations

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


def _size(info):
    if not info.download_size:
        return "-"
    return f"{info.download_size / 1e6:.1f} MB"


def _from(info):
    """Where a model comes from, in a few words: the publisher, and a legacy mark."""
    origin = info.origin.split(" (")[0] if info.origin else info.source
    return f"{origin} [legacy host - may be offline]" if info.legacy_host else origin


def _checksum(text):
    """How a file is checked, in words: ``0676ba61`` is the start of its SHA-256."""
    algorithm, _, digits = text.rpartition(":")
    if text.startswith("no checksum") or not all(c in "0123456789abcdefABCDEF" for c in digits):
        return text
    label = "SHA-1" if algorithm.lower() == "sha1" else "SHA-256"
    return f"{label} {digits}" if len(digits) in (40, 64) else f"{label} starting {digits}"


def _list(models):
    width = max(len(m.name) for m in models)
    print(f"{'NAME':<{width}}  {'INSTALLED':<9}  {'SIZE':>9}  {'DATASET':<14}  {'TITLE':<30}  SOURCE")
    for m in models:
        print(f"{m.name:<{width}}  {'yes' if m.installed else 'no':<9}  {_size(m):>9}  {m.dataset:<14}  "
              f"{m.title:<30}  {_from(m)}")
    return 0


def _info(info):
    rows = [("name", info.name), ("title", info.title), ("task", info.task), ("dataset", info.dataset),
            ("input", "x".join(str(v) for v in info.input_size)), ("download", _size(info)),
            ("source", info.source), ("installed", "yes" if info.installed else "no"),
            ("location", info.location or "-"), ("origin", _from(info) if not info.origin else
                                                 info.origin + (" [legacy host - may be offline]"
                                                                if info.legacy_host else "")),
            ("license", info.license or "-"), ("accuracy", info.accuracy or "-"), ("about", info.description)]
    rows += [("url", f"{url}\n{'checksum':>10}: {_checksum(checksum)}") for url, checksum in info.files]
    for key, value in rows:
        print(f"{key:>10}: {value}")
    return 0
