"""NanoDet-g (nanodet-coco) on one 416×416 picture: the network's latency (median ms of
20 runs after warm-up) and photo-to-boxes end to end through ``ImageDetector``, printed
beside EfficientNet-Lite0's network latency on one 224×224 picture.

    python benchmarks/detect_latency.py [--runs 20] [--threads 2]

End to end = decode the file, letterbox, normalise, run, decode the head (softmax of the
box bins, NMS), map the boxes back to the picture.
"""
from __future__ import annotations

import argparse
import statistics

from _common import ROOT, add_thread_option, peak_rss_mb, print_machine, timed

from core.zoo.classifier import ImageClassifier  # noqa: E402
from core.zoo.detector import ImageDetector  # noqa: E402
from core.zoo.features import Runner  # noqa: E402
from core.zoo.preprocess import prepare  # noqa: E402

PICTURE = ROOT / "resources" / "samples" / "coffee.png"


def describe(name, seconds):
    times = [t * 1000 for t in seconds]
    print(f"{name}: median {statistics.median(times):.1f} ms, best {min(times):.1f} ms ({len(times)} runs)")
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    add_thread_option(parser)
    args = parser.parse_args(argv)
    print_machine(args.threads)

    detector = ImageDetector.from_zoo("nanodet-coco")
    batch, _ = detector.prepare(_picture())
    network = detector._network()
    detect_net = describe("nanodet-coco, network (416×416)",
                          timed(lambda: network.outputs(batch), args.runs, warmup=3))
    describe("nanodet-coco, photo to boxes", timed(lambda: detector.detect(str(PICTURE)), args.runs, warmup=1))
    print("  " + ", ".join(f"{d['label']} {d['score']:.2f}" for d in detector.detect(str(PICTURE))))

    clf = ImageClassifier.from_zoo("efficientnet-lite0")
    runner = Runner(clf.symbol, clf.arg_params, clf.aux_params)
    picture = prepare(str(PICTURE), clf.preprocess, clf.input_size)[None]
    classify_net = describe("efficientnet-lite0, network (224×224)",
                            timed(lambda: runner(picture), args.runs, warmup=3))
    print(f"detector / classifier network time: {detect_net / classify_net:.1f}×")
    print(f"peak RSS: {peak_rss_mb():,.0f} MB")


def _picture():
    from core.image import load_image
    return load_image(str(PICTURE))


if __name__ == "__main__":
    main()
