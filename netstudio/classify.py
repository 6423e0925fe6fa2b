"""``netstudio classify``: top-k predictions for pictures and folders of pictures.

Text output, per picture: its path, then ``probability label`` lines. ``--json`` prints
one list of ``{"image", "top": [{"index", "label", "probability"}]}`` (``"error"``
instead of ``"top"`` for a picture that could not be read). A bad picture is reported
and the rest go on; the exit code is then 1.

``--heatmap OUT.png`` (one picture) also writes the picture with a Grad-CAM heat map of
the top class (or ``--heatmap-class LABEL|INDEX``) over it: where the model found the
evidence for its answer.

``--csv OUT`` writes a row per picture as it goes (a user follows with ``wc -l``) and
resumes: pictures already in OUT are skipped, so an interrupted run just starts again.
``--csv-format long`` (default) has ``image,rank,index,label,probability,error``;
``kaggle`` has Kaggle's ``id,label``: the id is the file name without its suffix, the
label the probability of the positive class (``--positive LABEL``; for a two-class model
the second class, e.g. ``dog`` of ``cat``/``dog``).
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from core.errors import DataError, NetStudioError
from core.io.csv_write import csv_writer, escape_cell
from . import kernels, on_ray
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
    parser.add_argument("--csv", metavar="OUT", help="also write a row per picture to OUT as it goes; "
                        "pictures already in OUT are skipped (resume)")
    parser.add_argument("--csv-format", choices=sorted(CSV_COLUMNS), default="long",
                        help="long: image,rank,index,label,probability,error rows; kaggle: id,label with "
                             "label = probability of the positive class (default: %(default)s)")
    parser.add_argument("--positive", metavar="LABEL",
                        help="the positive class of --csv-format kaggle (default: a two-class model's second)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--heatmap", metavar="OUT.png", help="also write the picture (one only) with a Grad-CAM "
                        "heat map of where the model found the evidence for its top class")
    parser.add_argument("--heatmap-class", metavar="LABEL|INDEX", help="explain this class instead of the top one")
    on_ray.add_arguments(parser)


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
    if on_ray.wanted(args) and args.heatmap:
        raise NetStudioError("--heatmap draws on this machine; leave out --ray")
    if on_ray.wanted(args):
        return on_ray.run("classify", args, model=args.model, checkpoint=args.checkpoint, epoch=args.epoch,
                          top=args.top)
    if (args.csv_format != "long" or args.positive) and not args.csv:
        raise NetStudioError("--csv-format and --positive describe the --csv file; give --csv OUT")
    classifier = load_classifier(args)     # a user error here ends the command (netstudio.main)
    classifier.batch_size = max(1, args.batch_size)
    pictures = expand(args.images)
    if not pictures:
        raise DataError("no pictures found in " + ", ".join(args.images) + "; give picture files "
                        "or folders holding " + "/".join(sorted(IMAGE_SUFFIXES)))
    if (args.heatmap or args.heatmap_class) and (len(pictures) != 1 or not args.heatmap):
        raise NetStudioError("--heatmap OUT.png explains one picture; give exactly one picture and --heatmap"
                             if args.heatmap else "--heatmap-class needs --heatmap OUT.png")
    out = None
    if args.csv:
        out = PredictionCsv(args.csv, args.csv_format, positive_index(classifier.labels, args))
        try:
            pictures = out.remaining(pictures)
        except NetStudioError:
            out.close()
            raise
        if not pictures:
            out.close()
            print(f"netstudio classify: every picture is already in {args.csv}", file=sys.stderr)
            return 0
    with kernels.chosen_for(len(pictures)):
        return _classify(classifier, pictures, out, args)


def _classify(classifier, pictures, out, args):
    """Classify ``pictures``, print (and write to ``out``) each row; the exit status."""
    folders = any(Path(p).is_dir() for p in args.images)
    bar = ProgressBar(len(pictures), "classifying") if folders else None
    rows = []
    failed = 0
    k = len(classifier.labels) if args.csv_format == "kaggle" and out is not None else args.top
    for done, (picture, outcome) in enumerate(classifier.iter_predict_topk(pictures, k), start=1):
        row = _row(picture, outcome)
        if out is not None:
            out.write(row)
        if "top" in row:
            row["top"] = row["top"][:args.top]
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
    if out is not None:
        out.close()
    if args.heatmap and not failed:
        shown = write_heatmap(classifier, pictures[0], args.heatmap, args.heatmap_class)
        print(f"netstudio classify: why {shown}: heat map written to {args.heatmap}", file=sys.stderr)
    return 1 if failed else 0


def write_heatmap(classifier, picture, path, wanted=None):
    """Write ``picture`` with the Grad-CAM map of class ``wanted`` (a label or an index;
    default the top class) to ``path``; returns the class's label."""
    from core.image import load_image
    from core.zoo.draw_heatmap import draw_heatmap, why_caption
    classes = None if wanted is None else [class_index(classifier.labels, wanted)]
    explanation = classifier.explain(picture, classes)
    found = explanation.maps[0]
    draw_heatmap(load_image(picture), explanation.heatmap(0), why_caption(found.label, found.probability),
                 path, seen=explanation.box)
    return found.label


def class_index(labels, wanted):
    """The index of class ``wanted``: one of ``labels``, or a whole number."""
    if wanted in labels:
        return labels.index(wanted)
    if str(wanted).isdigit():
        return int(wanted)
    raise not_a_class("--heatmap-class", wanted, labels)


def not_a_class(option, wanted, labels):
    return NetStudioError(f"{option} {wanted!r} is not a class of the model; its classes: "
                          + ", ".join(labels[:20]) + (" ..." if len(labels) > 20 else ""))


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


CSV_COLUMNS = {"long": ["image", "rank", "index", "label", "probability", "error"], "kaggle": ["id", "label"]}


def positive_index(labels, args):
    """The class whose probability is Kaggle's label, or None for the long form."""
    if args.csv_format != "kaggle":
        return None
    if args.positive is not None:
        if args.positive not in labels:
            raise not_a_class("--positive", args.positive, labels)
        return labels.index(args.positive)
    if len(labels) != 2:
        raise NetStudioError(f"--csv-format kaggle: the model has {len(labels)} classes; say which one is positive "
                    f"with --positive LABEL")
    return 1


class PredictionCsv:
    """The --csv file: a row per picture, flushed as it is written, and resumable."""

    def __init__(self, path, form, positive=None):
        self.path = Path(path)
        self.form = form
        self.positive = positive
        self.done = self._read_done()
        self.handle = open(self.path, "a", newline="", encoding="utf-8")
        self.writer = csv_writer(self.handle)   # formula-like cells escaped
        if self.done is None:
            self.writer.writerow(CSV_COLUMNS[form])
            self.handle.flush()
            self.done = set()

    def key(self, picture):
        return Path(picture).stem if self.form == "kaggle" else str(picture)

    def remaining(self, pictures):
        """The pictures not yet in the file; two pictures with one Kaggle id are an error."""
        if self.form == "kaggle":
            seen = {}
            for picture in pictures:
                other = seen.setdefault(self.key(picture), picture)
                if other != picture:
                    raise NetStudioError(f"{other} and {picture} have the same Kaggle id "
                                         f"{self.key(picture)!r} (the file name without its suffix)")
        # the file holds keys as written: a formula-like name escaped (csv_write.escape_cell)
        return [p for p in pictures if escape_cell(self.key(p)) not in self.done]

    def _read_done(self):
        """Keys of the pictures already written (None: a new file). A last line cut short
        by an interruption is dropped, so that picture is done again."""
        try:
            data = self.path.read_bytes()
            if data and not data.endswith(b"\n"):
                data = data[:data.rfind(b"\n") + 1]
                with open(self.path, "r+b") as handle:
                    handle.truncate(len(data))
            rows = list(csv.reader(data.decode("utf-8").splitlines()))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise NetStudioError(f"{self.path}: cannot resume from it ({error})") from error
        if not rows:
            return None
        if rows[0] != CSV_COLUMNS[self.form]:
            raise NetStudioError(f"{self.path} has the columns {','.join(rows[0])}, not those of "
                                 f"--csv-format {self.form} ({','.join(CSV_COLUMNS[self.form])}); "
                                 f"give another file or the format it was written with")
        return {row[0] for row in rows[1:] if row}

    def write(self, row):
        key = self.key(row["image"])
        if self.form == "kaggle":
            if "error" in row:
                return          # no row: the picture is tried again on the next run
            probability = next(p["probability"] for p in row["top"] if p["index"] == self.positive)
            self.writer.writerow([key, f"{probability:.6f}"])
        elif "error" in row:
            self.writer.writerow([key, "", "", "", "", row["error"]])
        else:
            for rank, p in enumerate(row["top"], start=1):
                self.writer.writerow([key, rank, p["index"], p["label"], f"{p['probability']:.6f}", ""])
        self.handle.flush()
        self.done.add(escape_cell(key))

    def close(self):
        self.handle.close()
