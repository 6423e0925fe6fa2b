"""``netstudio classify``: top-k predictions for pictures and folders of pictures.

Text output, per picture: its path, then ``probability label`` lines. ``--json`` prints
one list of ``{"image", "top": [{"index", "label", "probability"}]}`` (``"error"``
instead of ``"top"`` for a picture that could not be read). A bad picture is reported
and the rest go on; the exit code is then 1.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from core.errors import NetStudioError
from .progress import ProgressBar

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm"}


def add_arguments(parser):
    parser.add_argument("images", nargs="+", metavar="IMAGE|FOLDER", help="pictures, or folders of them")
    parser.add_argument("--model", default="efficientnet-lite0",
                        help="zoo model, or an .onnx classifier file (default: %(default)s)")
    parser.add_argument("--classes", metavar="FILE", help="class names of an .onnx model, one per line")
    parser.add_argument("--checkpoint", metavar="PREFIX", help="use PREFIX-symbol.json/-NNNN.params instead")
    parser.add_argument("--epoch", type=int, default=0, help="checkpoint epoch (default: %(default)s)")
    parser.add_argument("--top", type=int, default=5, metavar="K", help="predictions per picture")
    parser.add_argument("--ctx", default="cpu", choices=("cpu", "gpu"), help="device")
    parser.add_argument("--batch-size", type=int, default=8, help=argparse.SUPPRESS)
    parser.add_argument("--csv", metavar="OUT", help="also write image,rank,index,label,probability rows")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def expand(inputs):
    """Pictures named directly, then every picture inside named folders (sorted)."""
    pictures = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            pictures += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        else:
            pictures.append(path)
    return pictures


def load_classifier(args):
    import core as mx
    from core.zoo import ImageClassifier
    ctx = mx.gpu(0) if args.ctx == "gpu" else mx.cpu()
    if args.checkpoint:
        return ImageClassifier.from_checkpoint(args.checkpoint, args.epoch, ctx=ctx)
    if args.model.lower().endswith(".onnx"):
        from core.zoo.meta import read_class_file
        labels = read_class_file(args.classes) if args.classes else None
        return ImageClassifier.from_onnx(args.model, ctx=ctx, labels=labels)
    return ImageClassifier.from_zoo(args.model, ctx=ctx, install=False)


def run(args):
    try:
        classifier = load_classifier(args)
    except NetStudioError as error:
        print(f"netstudio classify: {error}", file=sys.stderr)
        return 1
    classifier.batch_size = max(1, args.batch_size)
    pictures = expand(args.images)
    if not pictures:
        print("netstudio classify: no pictures found in " + ", ".join(args.images), file=sys.stderr)
        return 1
    folders = any(Path(p).is_dir() for p in args.images)
    bar = ProgressBar(len(pictures), "classifying") if folders else None
    rows = []
    failed = 0
    for done, (picture, outcome) in enumerate(classifier.iter_predict_topk(pictures, args.top), start=1):
        row = _row(picture, outcome)
        failed += "error" in row
        rows.append(row)
        if "error" in row:
            if bar is not None:
                bar.clear()
            print(f"netstudio classify: {row['error']}", file=sys.stderr)
        elif not args.json:
            _print_text(row, bar)
        if bar is not None:
            bar(done)
    if bar is not None:
        bar.close()
    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
    if args.csv:
        write_csv(args.csv, rows)
    return 1 if failed else 0


def _row(picture, outcome):
    if isinstance(outcome, NetStudioError):
        return {"image": str(picture), "error": str(outcome)}
    return {"image": str(picture), "top": [{"index": p.index, "label": p.label,
                                            "probability": round(p.probability, 6)} for p in outcome]}


def _print_text(row, bar):
    lines = [row["image"]]
    lines += [f"  {p['probability']:.4f}  {p['label']}" for p in row["top"]]
    if bar is not None:
        bar.clear()
    print("\n".join(lines), flush=True)


def write_csv(path, rows):
    from core.fileio import atomic_open
    with atomic_open(path, "w") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image", "rank", "index", "label", "probability", "error"])
        for row in rows:
            if "error" in row:
                writer.writerow([row["image"], "", "", "", "", row["error"]])
                continue
            for rank, p in enumerate(row["top"], start=1):
                writer.writerow([row["image"], rank, p["index"], p["label"], f"{p['probability']:.6f}", ""])
