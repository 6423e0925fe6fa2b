"""``netstudio detect``: objects in pictures and folders of pictures, as labelled boxes.

Text output, per picture: its path, then ``score label [x0, y0, x1, y1]`` lines (boxes
in the picture's pixels). ``--json`` prints one list of ``{"image", "detections":
[{"box", "label", "index", "score"}]}`` (``"error"`` instead for a picture that could not
be read). ``--save-annotated DIR`` writes each picture with its boxes drawn as
``DIR/<name>.png``. A bad picture is reported and the rest go on; the exit code is then 1.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from core.errors import NetStudioError
from . import kernels, on_ray
from .classify import expand
from .progress import ProgressBar


def add_arguments(parser):
    parser.add_argument("images", nargs="+", metavar="PHOTO|FOLDER", help="pictures, or folders of them")
    parser.add_argument("--model", default="nanodet-coco", help="zoo detector (default: %(default)s)")
    parser.add_argument("--threshold", type=float, default=0.25, help="lowest score shown (default: %(default)s)")
    parser.add_argument("--top", type=int, default=20, metavar="K", help="at most K boxes per picture")
    parser.add_argument("--ctx", default="cpu", choices=("cpu", "gpu"), help="device")
    parser.add_argument("--save-annotated", metavar="DIR", help="write each picture with its boxes drawn into DIR")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    on_ray.add_arguments(parser)


def load_detector(args):
    import core as mx
    from core.zoo.detector import ImageDetector
    from core.zoo.pretrained import resolve_name
    ctx = mx.gpu(0) if args.ctx == "gpu" else mx.cpu()
    return ImageDetector.from_zoo(resolve_name(args.model), ctx=ctx, install=False)


def run(args):
    if not 0.0 <= args.threshold <= 1.0:
        print(f"netstudio detect: --threshold must be between 0 and 1, got {args.threshold}", file=sys.stderr)
        return 2
    if on_ray.wanted(args):
        return on_ray.run("detect", args, model=args.model, top=args.top, threshold=args.threshold)
    try:
        detector = load_detector(args)
    except NetStudioError as error:
        print(f"netstudio detect: {error}", file=sys.stderr)
        return 1
    pictures = expand(args.images)
    if not pictures:
        print("netstudio detect: no pictures found in " + ", ".join(args.images), file=sys.stderr)
        return 1
    with kernels.chosen_for(len(pictures)):
        return _detect(detector, pictures, args)


def _detect(detector, pictures, args):
    """Detect in ``pictures``, print each report; the exit status."""
    bar = ProgressBar(len(pictures), "detecting") if any(Path(p).is_dir() for p in args.images) else None
    rows, names = [], set()
    for done, (picture, outcome) in enumerate(detector.iter_detect(pictures, args.top, args.threshold), start=1):
        if bar is not None:
            bar.clear()
        row = _report(picture, outcome, args, detector, names)
        rows.append(row)
        if bar is not None:
            bar(done)
    if bar is not None:
        bar.close()
    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
    return 1 if any("error" in row for row in rows) else 0


def _report(picture, outcome, args, detector, names):
    if isinstance(outcome, NetStudioError):
        print(f"netstudio detect: {outcome}", file=sys.stderr)
        return {"image": str(picture), "error": str(outcome)}
    row = {"image": str(picture), "detections": outcome}
    if args.save_annotated:
        try:
            detector.visualize_detection(picture, outcome, _annotated_path(args.save_annotated, picture, names))
        except (NetStudioError, OSError) as error:
            print(f"netstudio detect: cannot save the annotated {picture}: {error}", file=sys.stderr)
            return {"image": str(picture), "error": str(error)}
    if not args.json:
        lines = [row["image"]] + [f"  {d['score']:.4f}  {d['label']}  {d['box']}" for d in outcome]
        print("\n".join(lines), flush=True)
    return row


def _annotated_path(folder, picture, taken):
    """DIR/<stem>.png, numbered when two pictures share a name."""
    stem, number = Path(picture).stem, 1
    name = f"{stem}.png"
    while name in taken:
        number += 1
        name = f"{stem}-{number}.png"
    taken.add(name)
    return Path(folder) / name
