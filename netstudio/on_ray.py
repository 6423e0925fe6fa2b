"""``--ray [ADDRESS] --out DIR`` for classify, detect and features: the same work on Ray
(``core.scale``), results as Parquet shards under DIR; a rerun skips what DIR holds.

Ray is optional: without it these options say how to install it (exit 2).
"""
from __future__ import annotations

import json
import sys

from core.errors import NetStudioError


def add_arguments(parser):
    group = parser.add_argument_group("on Ray (pip install 'netstudio[cluster]')")
    group.add_argument("--ray", nargs="?", const="local", metavar="ADDRESS",
                       help="run on Ray: a local Ray, or the cluster at ADDRESS (auto, ray://host:10001); "
                            "SOURCE may then also be a glob, a list file or a URI (s3://...)")
    group.add_argument("--out", metavar="DIR", help="with --ray: write Parquet shards into DIR (restartable)")
    group.add_argument("--with-csv", action="store_true", help="with --ray: a CSV beside each Parquet shard")
    group.add_argument("--actors", type=int, metavar="N", help="with --ray: predictor actors (default: 3/4 of the CPUs)")


def wanted(args):
    return args.ray is not None or args.out is not None


def run(kind, args, **options):
    """Run ``kind`` for the parsed ``args``; the exit code (1 when some picture failed)."""
    command = f"netstudio {kind}"
    if args.ray is None or not args.out:
        print(f"{command}: --ray and --out DIR go together", file=sys.stderr)
        return 2
    if args.actors is not None and args.actors < 1:
        print(f"{command}: --actors must be at least 1, got {args.actors}", file=sys.stderr)
        return 2
    try:
        import core.scale as scale
        scale.cluster.import_ray()
    except NetStudioError:
        print(f"{command}: --ray needs Ray, which is not installed: pip install 'netstudio[cluster]'",
              file=sys.stderr)
        return 2
    address = None if args.ray == "local" else args.ray
    try:
        summary = scale.run(kind, args.images, args.out, csv=args.with_csv, address=address, actors=args.actors,
                            on_start=lambda plan, todo, skipped: _started(command, plan, todo, skipped), **options)
    except (NetStudioError, OSError) as error:
        print(f"{command}: {error}", file=sys.stderr)
        return 1
    for line in summary.lines():
        print(line, file=sys.stderr)
    if getattr(args, "json", False):
        json.dump(summary.as_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    return 1 if summary.errors else 0


def _started(command, plan, todo, skipped):
    if plan is None:
        print(f"{command}: nothing to do, all {skipped} pictures are already written", file=sys.stderr)
    else:
        print(f"{command}: {todo} pictures ({skipped} already written), {plan}", file=sys.stderr, flush=True)
