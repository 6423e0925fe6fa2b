"""Seed 001's LeNet on Fashion-MNIST with mx.mod.Module: Xavier, SGD lr 0.1, batch 128.

    python examples/lenet_fashion_mnist.py --epochs 3          # full Fashion-MNIST if found
    python examples/lenet_fashion_mnist.py --subset            # the bundled 6,000/1,000 subset
    python examples/lenet_fashion_mnist.py --quick             # 1 epoch on 1,000 images (tests)

The full data set is looked for in $NETSTUDIO_DATA, /usr/share/datasets/fashion-mnist,
../shared/data/fashion-mnist and the download cache; without it the subset is used.
"""
import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout

import numpy as np  # noqa: E402

import core as mx  # noqa: E402
from core.io.datasets import bundled_subset_dir, find_fashion_mnist, load_fashion_mnist  # noqa: E402


def lenet(num_classes=10):
    """conv 5x5x6, relu, max 2x2, conv 3x3x16, relu, max 2x2, fc 120, relu, fc 84, relu, fc 10."""
    data = mx.sym.Variable("data")
    conv1 = mx.sym.Convolution(data=data, kernel=(5, 5), num_filter=6, name="conv1")
    relu1 = mx.sym.Activation(data=conv1, act_type="relu", name="relu1")
    pool1 = mx.sym.Pooling(data=relu1, pool_type="max", kernel=(2, 2), stride=(2, 2), name="pool1")
    conv2 = mx.sym.Convolution(data=pool1, kernel=(3, 3), num_filter=16, name="conv2")
    relu2 = mx.sym.Activation(data=conv2, act_type="relu", name="relu2")
    pool2 = mx.sym.Pooling(data=relu2, pool_type="max", kernel=(2, 2), stride=(2, 2), name="pool2")
    flat = mx.sym.Flatten(data=pool2, name="flatten")
    fc1 = mx.sym.FullyConnected(data=flat, num_hidden=120, name="fc1")
    relu3 = mx.sym.Activation(data=fc1, act_type="relu", name="relu3")
    fc2 = mx.sym.FullyConnected(data=relu3, num_hidden=84, name="fc2")
    relu4 = mx.sym.Activation(data=fc2, act_type="relu", name="relu4")
    fc3 = mx.sym.FullyConnected(data=relu4, num_hidden=num_classes, name="fc3")
    return mx.sym.SoftmaxOutput(data=fc3, name="softmax")


def load(split, root, limit=None):
    images, labels = load_fashion_mnist(split, root)
    if limit:
        images, labels = images[:limit], labels[:limit]
    return (images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28), labels.astype(np.float32)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--subset", action="store_true", help="use the bundled 6,000/1,000 subset")
    parser.add_argument("--quick", action="store_true", help="1 epoch on 1,000 subset images")
    parser.add_argument("--save", metavar="PREFIX", help="checkpoint every epoch to PREFIX-%%04d.params")
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    mx.random.seed(args.seed)

    root = bundled_subset_dir() if (args.subset or args.quick) else find_fashion_mnist()
    limit = 1000 if args.quick else None
    epochs = 1 if args.quick else args.epochs
    train_x, train_y = load("train", root, limit)
    test_x, test_y = load("test", root, limit)
    print(f"data: {root} ({len(train_y)} train, {len(test_y)} test images)")
    train = mx.io.NDArrayIter(train_x, train_y, args.batch_size, shuffle=True)
    test = mx.io.NDArrayIter(test_x, test_y, args.batch_size)

    speeds = []
    mod = mx.mod.Module(lenet(), context=mx.cpu())
    started = time.time()
    mod.fit(train, eval_data=test, eval_metric="acc", optimizer="sgd",
            optimizer_params={"learning_rate": args.lr}, initializer=mx.init.Xavier(),
            num_epoch=epochs, batch_end_callback=mx.callback.Speedometer(args.batch_size, 100),
            epoch_end_callback=mx.callback.do_checkpoint(args.save) if args.save else None,
            callbacks=[lambda e: isinstance(e, mx.events.EpochEnd) and speeds.append(e.samples_per_sec)])
    seconds = time.time() - started
    accuracy = dict(mod.score(test, "acc"))["accuracy"]
    print(f"test accuracy after {epochs} epoch(s): {accuracy:.4f}")
    print(f"training speed: {np.mean(speeds):.0f} samples/s; total time {seconds:.1f} s")
    return accuracy


if __name__ == "__main__":
    main()
