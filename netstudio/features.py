"""``netstudio features``: one feature vector per picture, from the layer that feeds a
classifier's last layer (or ``--layer NAME``), for search, clustering or a model of one's own.

Prints one JSON list of ``{"image", "feature": [...]}`` (``"error"`` instead for a
picture that could not be read; the exit code is then 1). With ``--ray [ADDRESS] --out
DIR`` the same vectors go into Parquet shards under DIR, computed on Ray.
"""
from __future__ import annotations

import json
import sys

from core.errors import NetStudioError
from . import on_ray
from .classify import expand, load_classifier


def add_arguments(parser):
    parser.add_argument("images", nargs="+", metavar="SOURCE", help="pictures, or folders of them")
    parser.add_argument("--model", default="efficientnet-lite0", help="zoo model (default: %(default)s)")
    parser.add_argument("--checkpoint", metavar="PREFIX", help="use PREFIX-symbol.json/-NNNN.params instead")
    parser.add_argument("--epoch", type=int, default=0, help="checkpoint epoch (default: %(default)s)")
    parser.add_argument("--layer", metavar="NAME", help="cut the network at this layer (default: before the classifier)")
    parser.add_argument("--ctx", default="cpu", choices=("cpu", "gpu"), help="device")
    on_ray.add_arguments(parser)


def run(args):
    if on_ray.wanted(args):
        return on_ray.run("features", args, model=args.model, checkpoint=args.checkpoint, epoch=args.epoch,
                          top_layer=args.layer)
    try:
        classifier = load_classifier(args)
        rows = [_row(classifier, picture, args.layer) for picture in expand(args.images)]
    except NetStudioError as error:
        print(f"netstudio features: {error}", file=sys.stderr)
        return 1
    json.dump(rows, sys.stdout)
    sys.stdout.write("\n")
    return 1 if any("error" in row for row in rows) else 0


def _row(classifier, picture, layer):
    from core.errors import DataError
    try:
        vector = classifier.extract_features([picture], top_layer=layer)[0]
    except DataError as error:
        print(f"netstudio features: {error}", file=sys.stderr)
        return {"image": str(picture), "error": str(error)}
    return {"image": str(picture), "feature": [round(float(v), 6) for v in vector]}
