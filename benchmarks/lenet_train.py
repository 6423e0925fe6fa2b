"""LeNet (seed 001) on the full Fashion-MNIST: training samples/s through ``Module.fit``
(forward, backward, SGD update, accuracy metric) and test-set inference images/s; the
same work in PyTorch when it is importable (same threads, same data, same first weights).

    python benchmarks/lenet_train.py [--epochs 2] [--batch-size 128] [--no-torch]

SGD: learning rate 0.1, momentum 0.9, batch 128, the training set in one fixed shuffled
order for both. Each epoch is timed; the best epoch is the figure (the machine may be
shared), the median is printed too.
"""
from __future__ import annotations

import argparse
import logging
import statistics
import time

import numpy as np

from _common import compare, load_torch, peak_rss_mb, print_machine

import core as mx  # noqa: E402  (after _common puts the checkout on sys.path)
from core.io.datasets import find_fashion_mnist, load_fashion_mnist  # noqa: E402
from core.zoo.builtin.lenet import get_symbol  # noqa: E402

LR, MOMENTUM = 0.1, 0.9


def load(split, root):
    images, labels = load_fashion_mnist(split, root)
    return (images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28), labels.astype(np.float32)


def first_weights(batch):
    """Xavier-initialised LeNet weights, shared by both frameworks."""
    mx.random.seed(1)
    mod = mx.mod.Module(get_symbol())
    mod.bind(data_shapes=[("data", (batch, 1, 28, 28))], label_shapes=[("softmax_label", (batch,))])
    mod.init_params(mx.init.Xavier())
    args, _ = mod.get_params()
    return {name: array.asnumpy().copy() for name, array in args.items()}


# ----- ours ---------------------------------------------------------------------------
def ours(train, test, weights, epochs, batch):
    train_iter = mx.io.NDArrayIter(*train, batch_size=batch)
    test_iter = mx.io.NDArrayIter(*test, batch_size=batch)
    quiet = logging.getLogger("lenet_bench")
    quiet.setLevel(logging.ERROR)
    mod = mx.mod.Module(get_symbol(), logger=quiet)
    speeds = []
    mod.fit(train_iter, optimizer="sgd",
            optimizer_params={"learning_rate": LR, "momentum": MOMENTUM},
            arg_params={k: mx.nd.array(v) for k, v in weights.items()}, num_epoch=epochs,
            callbacks=[lambda e: e.kind == "epoch_end" and speeds.append(e.samples_per_sec)])
    inference = []
    for _ in range(3):
        tic = time.perf_counter()
        accuracy = dict(mod.score(test_iter, "acc"))["accuracy"]
        inference.append(len(test[1]) / (time.perf_counter() - tic))
    return speeds, inference, accuracy


# ----- PyTorch ------------------------------------------------------------------------
def torch_lenet(torch, weights):
    nn = torch.nn
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 3), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    names = ["conv1", "conv2", "fc1", "fc2", "fc3"]
    layers = [m for m in net if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        for name, layer in zip(names, layers):
            layer.weight.copy_(torch.from_numpy(weights[f"{name}_weight"]))
            layer.bias.copy_(torch.from_numpy(weights[f"{name}_bias"]))
    return net


def theirs(torch, train, test, weights, epochs, batch):
    net = torch_lenet(torch, weights)
    opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)
    loss_fn = torch.nn.CrossEntropyLoss()
    x, y = torch.from_numpy(train[0]), torch.from_numpy(train[1]).long()
    speeds = []
    for _ in range(epochs):
        net.train()
        correct, tic = 0, time.perf_counter()
        for start in range(0, len(y) - batch + 1, batch):
            xb, yb = x[start:start + batch], y[start:start + batch]
            opt.zero_grad(set_to_none=True)
            out = net(xb)
            loss_fn(out, yb).backward()
            opt.step()
            correct += int((out.argmax(1) == yb).sum())   # the metric our fit computes
        speeds.append((len(y) // batch) * batch / (time.perf_counter() - tic))
    tx, ty = torch.from_numpy(test[0]), torch.from_numpy(test[1]).long()
    net.eval()
    inference = []
    for _ in range(3):
        correct, tic = 0, time.perf_counter()
        with torch.no_grad():
            for start in range(0, len(ty), batch):
                correct += int((net(tx[start:start + batch]).argmax(1) == ty[start:start + batch]).sum())
        inference.append(len(ty) / (time.perf_counter() - tic))
    return speeds, inference, correct / len(ty)


def report(name, speeds, inference, accuracy):
    print(f"{name}: training {max(speeds):,.0f} samples/s best epoch "
          f"(epochs: {', '.join(f'{s:,.0f}' for s in speeds)}); "
          f"inference {max(inference):,.0f} images/s best of {len(inference)} "
          f"(median {statistics.median(inference):,.0f}); test accuracy {accuracy:.4f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    args = parser.parse_args(argv)
    threads = print_machine()
    root = find_fashion_mnist(include_subset=False)
    if root is None:
        raise SystemExit("the full Fashion-MNIST was not found (set NETSTUDIO_DATA to its folder)")
    train, test = load("train", root), load("test", root)
    order = np.random.default_rng(0).permutation(len(train[1]))
    train = (np.ascontiguousarray(train[0][order]), np.ascontiguousarray(train[1][order]))
    print(f"data: {root} ({len(train[1]):,} train, {len(test[1]):,} test), batch {args.batch_size}")
    weights = first_weights(args.batch_size)

    result = ours(train, test, weights, args.epochs, args.batch_size)
    report("ours", *result)
    print(f"peak RSS after ours: {peak_rss_mb():,.0f} MB")
    torch = None if args.no_torch else load_torch(threads)
    if torch is None:
        return
    other = theirs(torch, train, test, weights, args.epochs, args.batch_size)
    report("PyTorch", *other)
    compare("training", max(result[0]), max(other[0]), "samples/s", "≥ 0.75")
    compare("inference", max(result[1]), max(other[1]), "images/s", "≥ 1.0")
    print(f"peak RSS (process, both): {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
