"""An MLP 784-256-10 on Fashion-MNIST with the classic ``mx.model.FeedForward.create``.

    python examples/mlp_fashion_mnist.py --epochs 5     # full Fashion-MNIST if found
    python examples/mlp_fashion_mnist.py --subset       # the bundled 6,000/1,000 subset
    python examples/mlp_fashion_mnist.py --quick        # 1 epoch on 1,000 images (tests)
"""
import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout

import numpy as np  # noqa: E402

import core as mx  # noqa: E402
from core.io.datasets import bundled_subset_dir, find_fashion_mnist, load_fashion_mnist  # noqa: E402


def load(split, root, limit=None):
    images, labels = load_fashion_mnist(split, root)
    if limit:
        images, labels = images[:limit], labels[:limit]
    return (images.astype(np.float32) / 255.0).reshape(-1, 784), labels.astype(np.float32)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--subset", action="store_true")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    mx.random.seed(42)

    root = bundled_subset_dir() if (args.subset or args.quick) else find_fashion_mnist()
    limit = 1000 if args.quick else None
    train_x, train_y = load("train", root, limit)
    test_x, test_y = load("test", root, limit)
    print(f"data: {root} ({len(train_y)} train, {len(test_y)} test images)")

    # 784 inputs -> 256 relu units -> 10 classes with softmax
    net = mx.mlp(hidden_node=[256], out_node=10, act_type="relu")
    model = mx.model.FeedForward.create(
        net, X=train_x, y=train_y, ctx=mx.cpu(), num_epoch=1 if args.quick else args.epochs,
        numpy_batch_size=args.batch_size, learning_rate=args.lr, momentum=0.9, wd=1e-5,
        initializer=mx.init.Xavier(), eval_data=(test_x, test_y), eval_metric="acc",
        batch_end_callback=mx.callback.Speedometer(args.batch_size, 200))

    prob = model.predict(test_x)
    accuracy = float((prob.argmax(axis=1) == test_y).mean())
    print(f"test accuracy: {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    main()
