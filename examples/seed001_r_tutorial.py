"""Seed 001: MXNet R's "Classification and Regression" and "Handwritten digits" tutorials,
translated line by line to ``import core as mx`` (R's dotted names become underscores).

    python examples/seed001_r_tutorial.py            # the R tutorial's settings
    python examples/seed001_r_tutorial.py --quick    # fewer rounds and pictures (tests)

1. ``mx.mlp(train.x, train.y, hidden_node=10, out_node=2, ...)`` trains and returns the
   model (tanh between layers, as in R): is a Fashion-MNIST item footwear, from 16 coarse
   ink features (examples/data).
2. Linear regression with a hand-built symbol whose ``LinearRegressionOutput`` has no name:
   the item's width in pixels from the same features.
3. LeNet with tanh, as the tutorial builds it (``SoftmaxOutput(data=fc2)``, unnamed), on
   the bundled Fashion-MNIST subset through an iterator whose label is 'softmax_label'.
"""
import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout

import numpy as np  # noqa: E402

import core as mx  # noqa: E402
from core.io.datasets import bundled_subset_dir, load_fashion_mnist  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


def table(name, split):
    return np.loadtxt(DATA / f"fashion_{name}_{split}.csv", delimiter=",", dtype=np.float32)


def classification(rounds):
    # R: model <- mx.mlp(train.x, train.y, hidden_node=10, out_node=2, out_activation="softmax",
    #                    num.round=20, array.batch.size=15, learning.rate=0.07, momentum=0.9,
    #                    eval.metric=mx.metric.accuracy)
    train_x, train_y = table("grid_features", "train"), table("footwear", "train")
    test_x, test_y = table("grid_features", "val"), table("footwear", "val")
    mx.random.seed(0)
    model = mx.mlp(train_x, train_y, hidden_node=10, out_node=2, out_activation="softmax", num_round=rounds,
                   array_batch_size=15, learning_rate=0.07, momentum=0.9, eval_metric="acc")
    # R: preds <- predict(model, test.x); pred.label <- max.col(t(preds)) - 1
    pred_label = model.predict(test_x).argmax(axis=1)
    accuracy = float((pred_label == test_y).mean())
    print(f"mlp footwear accuracy: {accuracy:.4f}")


def regression(rounds):
    # R: data <- mx.symbol.Variable("data")
    #    fc1 <- mx.symbol.FullyConnected(data, num_hidden=1)
    #    lro <- mx.symbol.LinearRegressionOutput(fc1)
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data, num_hidden=1)
    lro = mx.sym.LinearRegressionOutput(fc1)
    train_x, train_y = table("grid_features", "train"), table("width", "train")
    test_x, test_y = table("grid_features", "val"), table("width", "val")
    mx.random.seed(0)
    # R: model <- mx.model.FeedForward.create(lro, X=train.x, y=train.y, ctx=mx.cpu(), num.round=50,
    #                                         array.batch.size=20, learning.rate=2e-6, momentum=0.9,
    #                                         eval.metric=mx.metric.rmse)
    # (our features are scaled 0..1, so the rate is larger than the tutorial's)
    model = mx.model.FeedForward.create(lro, X=train_x, y=train_y, ctx=mx.cpu(), num_epoch=rounds,
                                        numpy_batch_size=20, learning_rate=0.01, momentum=0.9, eval_metric="rmse")
    rmse = float(np.sqrt(np.mean((model.predict(test_x).reshape(-1) - test_y) ** 2)))
    print(f"regression rmse: {rmse:.3f} px (predicting the mean: {float(test_y.std()):.3f} px)")


def lenet(quick):
    # R: data <- mx.symbol.Variable('data')
    #    conv1 <- mx.symbol.Convolution(data=data, kernel=c(5,5), num_filter=20)
    #    tanh1 <- mx.symbol.Activation(data=conv1, act_type="tanh") ... fc2 <- ...(num_hidden=10)
    #    lenet <- mx.symbol.SoftmaxOutput(data=fc2)
    data = mx.sym.Variable("data")
    conv1 = mx.sym.Convolution(data=data, kernel=(5, 5), num_filter=20)
    tanh1 = mx.sym.Activation(data=conv1, act_type="tanh")
    pool1 = mx.sym.Pooling(data=tanh1, pool_type="max", kernel=(2, 2), stride=(2, 2))
    conv2 = mx.sym.Convolution(data=pool1, kernel=(5, 5), num_filter=50)
    tanh2 = mx.sym.Activation(data=conv2, act_type="tanh")
    pool2 = mx.sym.Pooling(data=tanh2, pool_type="max", kernel=(2, 2), stride=(2, 2))
    flatten = mx.sym.Flatten(data=pool2)
    fc1 = mx.sym.FullyConnected(data=flatten, num_hidden=500)
    tanh3 = mx.sym.Activation(data=fc1, act_type="tanh")
    fc2 = mx.sym.FullyConnected(data=tanh3, num_hidden=10)
    net = mx.sym.SoftmaxOutput(data=fc2)

    limit = 1000 if quick else None
    images, labels = load_fashion_mnist("train", bundled_subset_dir())
    test_images, test_labels = load_fashion_mnist("test", bundled_subset_dir())
    train_x = (images[:limit] / 255.0).astype(np.float32).reshape(-1, 1, 28, 28)
    test_x = (test_images / 255.0).astype(np.float32).reshape(-1, 1, 28, 28)
    train = mx.io.NDArrayIter(train_x, labels[:limit].astype(np.float32), batch_size=100, shuffle=True)
    test = mx.io.NDArrayIter(test_x, test_labels.astype(np.float32), batch_size=100)
    mx.random.seed(0)
    # R: model <- mx.model.FeedForward.create(lenet, X=train.array, y=train.y, ctx=device.cpu, num.round=1,
    #              array.batch.size=100, learning.rate=0.05, momentum=0.9, wd=0.00001,
    #              eval.metric=mx.metric.accuracy, epoch.end.callback=mx.callback.log.train.metric(100))
    # (Xavier rather than R's default uniform(0.01), which needs more rounds to start learning)
    model = mx.model.FeedForward.create(net, X=train, ctx=mx.cpu(), num_epoch=1 if quick else 3,
                                        learning_rate=0.05, momentum=0.9, wd=0.00001, eval_metric="acc",
                                        initializer=mx.init.Xavier())
    print(f"lenet test accuracy: {model.score(test):.4f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    classification(5 if args.quick else 20)
    regression(10 if args.quick else 50)
    lenet(args.quick)


if __name__ == "__main__":
    main()
