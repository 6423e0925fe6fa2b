"""Inference beside ONNX Runtime: EfficientNet-Lite0 (one 224×224 picture), ResNet-18
(batch 32) and NanoDet-g (one 416×416 picture), each run by us and by ORT with the same
layers and weights (benchmarks/_onnx_graph.py) and the same intra-op threads, the runs
interleaved (ours, ORT, ours, ...) with a pause before each timed run; best and median
of each and ours/ORT.

The pause matters: after a run ORT's intra-op threads keep spinning for several ms
waiting for more work, so a run of ours that starts right after one of ORT's shares the
cores with them. Measured on NanoDet-g (2026-12-08, 12 rounds, one process): ours right
after ORT best 58.3 ms, median 102.3; 10 ms after, 58.1 / 91.4; 50 ms after, 41.2 / 71.1;
right after a run of ours, 41.4 / 67.3. That is why this script once gave NanoDet-g
74 ms where detect_latency.py (no ORT in the process) gave 55-61 ms for the same network.

    python benchmarks/ort_compare.py [--runs 20] [--threads 2] [--nets efficientnet,resnet18,nanodet]

Figures are printed, never asserted (the machine may be shared: the load average is
printed first and last).
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from _common import add_thread_option, print_machine
from _onnx_graph import OnnxGraph

from core.zoo.features import Runner  # noqa: E402

NETWORKS = ("efficientnet", "resnet18", "nanodet")
#: pause before each timed run: ORT's spinning threads (and ours) go quiet
SETTLE_SECONDS = 0.05


def settle():
    time.sleep(SETTLE_SECONDS)


def efficientnet():
    from core.zoo.classifier import ImageClassifier
    clf = ImageClassifier.from_zoo("efficientnet-lite0")
    return "EfficientNet-Lite0, 1 picture", clf.symbol, clf.arg_params, clf.aux_params, (1, 3, 224, 224)


def resnet18():
    from zoo_throughput import get_symbol, resnet18_params
    symbol = get_symbol(num_classes=1000, num_layers=18)
    arg_params, aux_params = resnet18_params(symbol, 32)
    return "ResNet-18, batch 32", symbol, arg_params, aux_params, (32, 3, 224, 224)


def nanodet():
    from core.zoo.detector import ImageDetector
    runner = ImageDetector.from_zoo("nanodet-coco")._network()
    return "NanoDet-g, 416×416", runner.symbol, runner.arg_params, runner.aux_params, (1, 3, 416, 416)


def one_run(call):
    settle()
    tic = time.perf_counter()
    call()
    return (time.perf_counter() - tic) * 1000


def compare(name, symbol, arg_params, aux_params, shape, threads, runs):
    batch = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
    ours = Runner(symbol, arg_params, aux_params)
    theirs = OnnxGraph(symbol, arg_params, aux_params, {"data": shape}, threads)
    difference = max(float(np.abs(a - b).max()) for a, b in zip(ours.outputs(batch), theirs(batch)))
    for _ in range(3):
        ours.outputs(batch), theirs(batch)
    times = {"ours": [], "ORT": []}
    for _ in range(runs):
        times["ours"].append(one_run(lambda: ours.outputs(batch)))
        times["ORT"].append(one_run(lambda: theirs(batch)))
    print(f"{name} ({theirs.n_nodes} ONNX nodes; largest output difference {difference:.1e}):")
    for who, values in times.items():
        print(f"  {who:5s} best {min(values):7.1f} ms, median {statistics.median(values):7.1f} ms "
              f"({shape[0] * 1000 / min(values):,.1f} images/s best)")
    best = min(times["ours"]) / min(times["ORT"])
    median = statistics.median(times["ours"]) / statistics.median(times["ORT"])
    print(f"  ours/ORT time: best {best:.2f}, median {median:.2f} (target ≤ 1.0)")
    return best, median


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--nets", default=",".join(NETWORKS), help="comma-separated: " + ", ".join(NETWORKS))
    add_thread_option(parser)
    args = parser.parse_args(argv)
    threads = print_machine(args.threads)
    import onnxruntime
    print(f"ONNX Runtime {onnxruntime.__version__}, {threads} intra-op thread(s)")
    for net in args.nets.split(","):
        compare(*globals()[net](), threads, args.runs)
    print("load average at the end: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
