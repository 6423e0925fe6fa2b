"""EfficientNet-Lite0 on one 224×224 picture: the network's latency (median ms of 20 runs
after warm-up), and decode-to-top-5 end to end through ``ImageClassifier``; PyTorch runs
the same network with the same weights (benchmarks/_torch_graph.py) when importable.

    python benchmarks/classify_latency.py [--runs 20] [--no-torch]

End to end = decode the file, resize, crop, normalise, run, softmax, top 5. PyTorch's
end-to-end figure uses the same decoding and preprocessing (core.zoo.preprocess) around
its own forward pass, so the difference is the network.
"""
from __future__ import annotations

import argparse
import statistics

import numpy as np

from _common import add_thread_option, ROOT, compare, load_torch, peak_rss_mb, print_machine, timed
from _torch_graph import TorchGraph, max_difference

from core.zoo.classifier import ImageClassifier  # noqa: E402
from core.zoo.features import Runner  # noqa: E402
from core.zoo.preprocess import prepare  # noqa: E402

PICTURES = [ROOT / "resources" / "samples" / "coffee.png", ROOT / "resources" / "samples" / "chelsea.png"]


def milliseconds(times):
    return [t * 1000 for t in times]


def describe(name, times):
    print(f"{name}: median {statistics.median(times):.1f} ms, best {min(times):.1f} ms "
          f"({len(times)} runs)")
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    add_thread_option(parser)
    args = parser.parse_args(argv)
    threads = print_machine(args.threads)
    clf = ImageClassifier.from_zoo("efficientnet-lite0")
    picture = PICTURES[0]
    batch = prepare(str(picture), clf.preprocess, clf.input_size)[None]
    runner = Runner(clf.symbol, clf.arg_params, clf.aux_params)
    ours_probs = runner(batch)

    ours_net = describe("ours, network", milliseconds(timed(lambda: runner(batch), args.runs, warmup=3)))
    ours_e2e = describe("ours, decode to top-5", milliseconds(
        timed(lambda: clf.predict_topk([str(picture)], k=5), args.runs, warmup=2)))
    top = clf.predict_topk([str(picture)], k=5)[0]
    print(f"  {picture.name}: " + ", ".join(f"{p.label} {p.probability:.3f}" for p in top))
    print(f"peak RSS after ours: {peak_rss_mb():,.0f} MB")

    torch = None if args.no_torch else load_torch(threads)
    if torch is None:
        return
    net = TorchGraph(torch, clf.symbol, clf.arg_params, clf.aux_params)
    tensor = torch.from_numpy(np.ascontiguousarray(batch))
    with torch.inference_mode():
        print(f"same network: largest probability difference {max_difference(ours_probs, net(tensor)):.2e}")

        def torch_end_to_end():
            x = torch.from_numpy(prepare(str(picture), clf.preprocess, clf.input_size)[None])
            probs = net(x)[0]
            return torch.topk(probs, 5)

        theirs_net = describe("PyTorch, network", milliseconds(timed(lambda: net(tensor), args.runs, warmup=3)))
        theirs_e2e = describe("PyTorch, decode to top-5", milliseconds(timed(torch_end_to_end, args.runs, warmup=2)))
    compare("network latency", ours_net, theirs_net, "ms", "≤ 1.5")
    compare("decode to top-5", ours_e2e, theirs_e2e, "ms")
    print(f"peak RSS (process, both): {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
