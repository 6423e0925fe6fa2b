"""Logistic regression on a CSV table (seed 002): is a Fashion-MNIST item footwear (sandal,
sneaker, ankle boot)? From 16 coarse ink features (see examples/data/make_fashion_csv.py).

    python examples/logistic_regression_csv.py            # 10 epochs
    python examples/logistic_regression_csv.py --quick    # 2 epochs (tests)

One FullyConnected unit and LogisticRegressionOutput; accuracy is a custom metric made
with ``mx.metric.np`` (the output is a probability, the label 0 or 1).
"""
import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout

import core as mx  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


def csv_iter(split, batch_size, shuffle=False):
    return mx.io.CSVIter(data_csv=str(DATA / f"fashion_grid_features_{split}.csv"), data_shape=(16,),
                         label_csv=str(DATA / f"fashion_footwear_{split}.csv"), label_shape=(1,),
                         batch_size=batch_size, shuffle=shuffle, label_name="footwear")


def binary_accuracy(label, pred):
    return float(((pred.ravel() > 0.5) == label.ravel()).mean())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    mx.random.seed(0)

    data = mx.sym.Variable("data")
    footwear = mx.sym.Variable("footwear")
    fc = mx.sym.FullyConnected(data=data, num_hidden=1, name="fc")
    net = mx.sym.LogisticRegressionOutput(data=fc, label=footwear, name="logistic")

    accuracy = mx.metric.np(binary_accuracy, name="accuracy")
    train, val = csv_iter("train", 50, shuffle=True), csv_iter("val", 50)
    mod = mx.mod.Module(net, data_names=["data"], label_names=["footwear"], context=mx.cpu())
    mod.fit(train, eval_data=val, eval_metric=accuracy, optimizer="sgd",
            optimizer_params={"learning_rate": 0.5, "momentum": 0.9}, initializer=mx.init.Xavier(),
            num_epoch=2 if args.quick else args.epochs)
    score = dict(mod.score(val, accuracy))["accuracy"]
    print(f"validation accuracy: {score:.4f}")
    return score


if __name__ == "__main__":
    main()
