"""ResNet-18 inference throughput at batch 32 (images/s), and PyTorch running the same
network with the same weights (benchmarks/_torch_graph.py) when importable.

    python benchmarks/zoo_throughput.py [--batch-size 32] [--runs 5] [--no-torch]

The weights are Xavier-initialised (no download needed) and the BatchNorm statistics
random but fixed; the figure does not depend on the values. Runs of the two alternate.
"""
from __future__ import annotations

import argparse
import statistics

import numpy as np

from _common import add_thread_option, compare, load_torch, peak_rss_mb, print_machine, timed
from _torch_graph import TorchGraph, max_difference

import core as mx  # noqa: E402
from core.zoo.builtin.resnet import get_symbol  # noqa: E402
from core.zoo.features import Runner  # noqa: E402


def resnet18_params(symbol, batch):
    """Xavier weights and fixed random running statistics, as NumPy arrays."""
    mx.random.seed(3)
    args, _, auxs = symbol.infer_shape(data=(batch, 3, 224, 224))
    init = mx.init.Xavier(magnitude=2.0)
    rng = np.random.default_rng(3)
    arg_params, aux_params = {}, {}
    for name, shape in zip(symbol.list_arguments(), args):
        if name in ("data", "softmax_label"):
            continue
        array = mx.nd.zeros(shape)
        init(mx.init.InitDesc(name), array)
        arg_params[name] = array
    for name, shape in zip(symbol.list_auxiliary_states(), auxs):
        values = rng.uniform(0.5, 1.5, shape) if name.endswith("var") else rng.normal(0, 0.1, shape)
        aux_params[name] = mx.nd.array(values.astype(np.float32))
    return arg_params, aux_params


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    add_thread_option(parser)
    args = parser.parse_args(argv)
    threads = print_machine(args.threads)
    symbol = get_symbol(num_classes=1000, num_layers=18)
    arg_params, aux_params = resnet18_params(symbol, args.batch_size)
    batch = np.random.default_rng(0).uniform(-1, 1, (args.batch_size, 3, 224, 224)).astype(np.float32)
    runner = Runner(symbol, arg_params, aux_params)
    ours_out = runner(batch)
    print(f"peak RSS after binding ours: {peak_rss_mb():,.0f} MB")
    torch = None if args.no_torch else load_torch(threads)
    net = tensor = None
    if torch is not None:
        net = TorchGraph(torch, symbol, arg_params, aux_params)
        tensor = torch.from_numpy(batch)
        with torch.inference_mode():
            print(f"same network: largest output difference {max_difference(ours_out, net(tensor)):.2e}")
    ours, theirs = [], []
    for _ in range(args.runs):
        ours += timed(lambda: runner(batch), 1, warmup=0)
        if torch is not None:
            with torch.inference_mode():
                theirs += timed(lambda: net(tensor), 1, warmup=0)
    speed = lambda times: args.batch_size / min(times)  # noqa: E731
    print(f"ours: {speed(ours):,.1f} images/s best of {len(ours)} "
          f"(median {args.batch_size / statistics.median(ours):,.1f})")
    if torch is not None:
        print(f"PyTorch: {speed(theirs):,.1f} images/s best of {len(theirs)} "
              f"(median {args.batch_size / statistics.median(theirs):,.1f})")
        compare("ResNet-18 batch 32", speed(ours), speed(theirs), "images/s")
    print(f"peak RSS (this process{', both frameworks' if torch else ''}): {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
