"""LeNet (seed 001) on the full Fashion-MNIST: training samples/s through ``Module.fit``
(forward, backward, SGD update, accuracy metric) and test-set inference images/s; the
same work in PyTorch when it is importable (same threads, same data, same first weights).

    python benchmarks/lenet_train.py [--epochs 2] [--batch-size 128] [--no-torch] [--lanes 2] [--loop]

``--loop`` trains ours with a hand-written loop (bind, forward, backward, an SGD update
per parameter) in one process, as issue 20's "hand-written loop" row.

``--lanes N`` trains ours in N processes, each a slice of every batch
(core/module/lanes.py); "cores busy" then counts the worker processes too. The default
is what ``Module.fit`` and the Train view choose for a run this long (the whole run:
two processes from 100,000 samples, i.e. from 2 epochs, on two cores; ``--lanes 1``: one
process).

SGD: learning rate 0.1, momentum 0.9, batch 128, the training set in one fixed shuffled
order for both. Each epoch is timed; the best epoch is the figure (the machine may be
shared), the median batch is printed too. Epochs of the two alternate.
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import time

import numpy as np

from _common import add_thread_option, compare, load_torch, peak_rss_mb, print_machine

import core as mx  # noqa: E402  (after _common puts the checkout on sys.path)
from core.io.datasets import find_fashion_mnist, load_fashion_mnist  # noqa: E402
from core.module.lane_policy import LanePolicy  # noqa: E402
from core.module.lanes import worker_pids  # noqa: E402
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
class Ours:
    def __init__(self, train, test, weights, batch, lanes=None):
        self.train_iter = mx.io.NDArrayIter(*train, batch_size=batch)
        self.test_iter = mx.io.NDArrayIter(*test, batch_size=batch)
        self.test_size = len(test[1])
        quiet = logging.getLogger("lenet_bench")
        quiet.setLevel(logging.ERROR)
        self.mod = mx.mod.Module(get_symbol(), logger=quiet, lanes=lanes)
        self.weights = {k: mx.nd.array(v) for k, v in weights.items()}

    def epoch(self):
        """(samples/s of the epoch, per-batch samples/s, CPU seconds / wall seconds)."""
        epoch, batches = [], []

        def listen(event):
            if isinstance(event, mx.events.BatchEnd):
                batches.append(event.samples_per_sec)
            elif isinstance(event, mx.events.EpochEnd):
                epoch.append(event.samples_per_sec)

        self.train_iter.reset()
        cpu, wall = _cpu_seconds(), time.perf_counter()
        self.mod.fit(self.train_iter, optimizer="sgd",
                     optimizer_params={"learning_rate": LR, "momentum": MOMENTUM},
                     arg_params=self.weights, num_epoch=1, callbacks=[listen])
        busy = _cpu_between(cpu, _cpu_seconds()) / (time.perf_counter() - wall)
        return epoch[0], batches, busy

    def inference(self):
        tic = time.perf_counter()
        accuracy = dict(self.mod.score(self.test_iter, "acc"))["accuracy"]
        return self.test_size / (time.perf_counter() - tic), accuracy


class OursLoop:
    """The same training as a hand-written loop on one executor, as an MXNet user writes it:
    copy the batch in, forward, backward, one SGD update per parameter, count the hits."""

    def __init__(self, train, test, weights, batch):
        self.train, self.test, self.batch = train, test, batch
        self.exe = get_symbol().simple_bind(mx.cpu(), data=(batch, 1, 28, 28), softmax_label=(batch,))
        for name, value in weights.items():
            self.exe.arg_dict[name][:] = value
        self.params = [n for n in self.exe.arg_dict if n not in ("data", "softmax_label")]
        optimizer = mx.optimizer.SGD(learning_rate=LR, momentum=MOMENTUM, rescale_grad=1.0 / batch)
        self.update = mx.optimizer.get_updater(optimizer)

    def epoch(self):
        (x, y), batch, exe, batches = self.train, self.batch, self.exe, []
        data, label = exe.arg_dict["data"], exe.arg_dict["softmax_label"]
        correct, cpu, wall = 0, time.process_time(), time.perf_counter()
        for start in range(0, len(y) - batch + 1, batch):
            tic = time.perf_counter()
            data[:] = x[start:start + batch]
            label[:] = y[start:start + batch]
            exe.forward(is_train=True)
            exe.backward()
            for index, name in enumerate(self.params):
                self.update(index, exe.grad_dict[name], exe.arg_dict[name])
            correct += int((exe.outputs[0].asnumpy().argmax(1) == y[start:start + batch]).sum())
            batches.append(batch / (time.perf_counter() - tic))
        seconds = time.perf_counter() - wall
        return (len(y) // batch) * batch / seconds, batches, (time.process_time() - cpu) / seconds

    def inference(self):
        (x, y), batch, exe = self.test, self.batch, self.exe
        correct, tic, seen = 0, time.perf_counter(), 0
        for start in range(0, len(y) - batch + 1, batch):
            exe.arg_dict["data"][:] = x[start:start + batch]
            out = exe.forward(is_train=False)[0].asnumpy()
            correct += int((out.argmax(1) == y[start:start + batch]).sum())
            seen += batch
        return seen / (time.perf_counter() - tic), correct / seen


def _cpu_seconds():
    """CPU seconds of this process and of its child processes (lane workers; read from
    /proc, so elsewhere they are not counted): {pid or "self": seconds}."""
    times = {pid: _child_cpu(pid) for pid in worker_pids()}
    times["self"] = time.process_time()
    return times


def _cpu_between(before, after):
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _child_cpu(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


class Theirs:
    def __init__(self, torch, train, test, weights, batch):
        self.torch, self.batch = torch, batch
        self.net = torch_lenet(torch, weights)
        self.opt = torch.optim.SGD(self.net.parameters(), lr=LR, momentum=MOMENTUM)
        self.loss = torch.nn.CrossEntropyLoss()
        self.x, self.y = torch.from_numpy(train[0]), torch.from_numpy(train[1]).long()
        self.tx, self.ty = torch.from_numpy(test[0]), torch.from_numpy(test[1]).long()

    def epoch(self):
        net, batch, batches = self.net, self.batch, []
        net.train()
        correct = 0
        cpu, wall = time.process_time(), time.perf_counter()
        for start in range(0, len(self.y) - batch + 1, batch):
            tic = time.perf_counter()
            xb, yb = self.x[start:start + batch], self.y[start:start + batch]
            self.opt.zero_grad(set_to_none=True)
            out = net(xb)
            self.loss(out, yb).backward()
            self.opt.step()
            correct += int((out.argmax(1) == yb).sum())   # the metric our fit computes
            batches.append(batch / (time.perf_counter() - tic))
        seconds = time.perf_counter() - wall
        busy = (time.process_time() - cpu) / seconds
        return (len(self.y) // batch) * batch / seconds, batches, busy

    def inference(self):
        torch, batch = self.torch, self.batch
        self.net.eval()
        correct, tic = 0, time.perf_counter()
        with torch.no_grad():
            for start in range(0, len(self.ty), batch):
                out = self.net(self.tx[start:start + batch])
                correct += int((out.argmax(1) == self.ty[start:start + batch]).sum())
        return len(self.ty) / (time.perf_counter() - tic), correct / len(self.ty)


def run(runner, name, results):
    speed, batches, busy = runner.epoch()
    results.setdefault("epoch", []).append(speed)
    results.setdefault("batch", []).extend(batches)
    results.setdefault("busy", []).append(busy)
    print(f"  {name}: epoch {speed:,.0f} samples/s, median batch {statistics.median(batches):,.0f} "
          f"samples/s, cores busy {busy:.2f}")


def report(name, results):
    print(f"{name}: training best epoch {max(results['epoch']):,.0f} samples/s, median batch "
          f"{statistics.median(results['batch']):,.0f} samples/s, cores busy "
          f"{max(results['busy']):.2f}; inference best {max(results['infer']):,.0f} images/s "
          f"(median {statistics.median(results['infer']):,.0f}); test accuracy {results['accuracy']:.4f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--inference-runs", type=int, default=5)
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    parser.add_argument("--lanes", type=int, default=None,
                        help="processes per training batch for ours (default: as Module.fit "
                             "chooses for a run this long)")
    parser.add_argument("--loop", action="store_true",
                        help="ours as a hand-written forward/backward/update loop on one executor "
                             "(one process) instead of Module.fit")
    add_thread_option(parser)
    args = parser.parse_args(argv)
    threads = print_machine(args.threads)
    root = find_fashion_mnist(include_subset=False)
    if root is None:
        raise SystemExit("the full Fashion-MNIST was not found (set NETSTUDIO_DATA to its folder)")
    train, test = load("train", root), load("test", root)
    order = np.random.default_rng(0).permutation(len(train[1]))
    train = (np.ascontiguousarray(train[0][order]), np.ascontiguousarray(train[1][order]))
    print(f"data: {root} ({len(train[1]):,} train, {len(test[1]):,} test), batch {args.batch_size}")
    weights = first_weights(args.batch_size)
    # fit is called once per epoch here: the run's length decides, by Module.fit's own rule
    if args.loop:
        print("ours: a hand-written loop on one executor, one process (--loop)")
        runners = [("ours", OursLoop(train, test, weights, args.batch_size))]
    else:
        lanes = LanePolicy(args.lanes).lanes_for(len(train[1]) * args.epochs)
        print(f"ours: {lanes} process(es) per batch (--lanes)")
        runners = [("ours", Ours(train, test, weights, args.batch_size, lanes))]
    torch = None if args.no_torch else load_torch(threads)
    if torch is not None:
        runners.append(("PyTorch", Theirs(torch, train, test, weights, args.batch_size)))
    # epochs alternate between the two, so a busy moment of the machine hits both alike
    results = {name: {} for name, _ in runners}
    for epoch in range(args.epochs):
        print(f"epoch {epoch + 1}:")
        for name, runner in runners:
            run(runner, name, results[name])
    for _ in range(args.inference_runs):
        for name, runner in runners:
            speed, accuracy = runner.inference()
            results[name].setdefault("infer", []).append(speed)
            results[name]["accuracy"] = accuracy
    for name, _ in runners:
        report(name, results[name])
    if torch is not None:
        ours, theirs = results["ours"], results["PyTorch"]
        compare("training, best epoch", max(ours["epoch"]), max(theirs["epoch"]), "samples/s", "≥ 0.75")
        compare("training, median batch", statistics.median(ours["batch"]),
                statistics.median(theirs["batch"]), "samples/s", "≥ 0.75")
        compare("inference, best run", max(ours["infer"]), max(theirs["infer"]), "images/s", "≥ 1.0")
    print(f"peak RSS (this process{', both frameworks' if torch else ''}): {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
