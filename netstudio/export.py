"""``netstudio export``: a zoo model or a checkpoint as an ONNX file.

    netstudio export efficientnet-lite0 --onnx effnet.onnx
    netstudio export --checkpoint runs/lenet --epoch 10 --onnx lenet.onnx

Beside ``out.onnx`` goes ``out-meta.json`` (labels, input size, preprocessing), which
``netstudio classify --model out.onnx`` reads.
"""
from __future__ import annotations

import sys

from core.errors import NetStudioError


def add_arguments(parser):
    parser.add_argument("model", nargs="?", metavar="MODEL", help="zoo model name (installed)")
    parser.add_argument("--checkpoint", metavar="PREFIX", help="export PREFIX-symbol.json/-NNNN.params instead")
    parser.add_argument("--epoch", type=int, default=0, help="checkpoint epoch (default: %(default)s)")
    parser.add_argument("--onnx", metavar="OUT", required=True, help="the ONNX file to write")
    parser.add_argument("--fixed-batch", action="store_true",
                        help="batch size fixed at 1 (default: any batch size)")


def run(args):
    from core.zoo import ImageClassifier
    if bool(args.model) == bool(args.checkpoint):
        print("netstudio export: name a zoo MODEL or give --checkpoint PREFIX (one of them)", file=sys.stderr)
        return 2
    try:
        if args.checkpoint:
            classifier = ImageClassifier.from_checkpoint(args.checkpoint, args.epoch)
        else:
            classifier = ImageClassifier.from_zoo(args.model, install=False)
        path = classifier.export_onnx(args.onnx, dynamic=not args.fixed_batch)
    except NetStudioError as error:
        print(f"netstudio export: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"netstudio export: cannot write {args.onnx}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote {path} (input 1x{'x'.join(map(str, classifier.input_size))}, "
          f"{len(classifier.labels)} classes)")
    return 0
