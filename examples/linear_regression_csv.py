"""Linear regression on a CSV table (seed 002): predict a garment's width in pixels from 16
coarse ink features of its Fashion-MNIST image (see examples/data/make_fashion_csv.py).

    python examples/linear_regression_csv.py            # 30 epochs
    python examples/linear_regression_csv.py --quick    # 3 epochs (tests)

One FullyConnected unit and LinearRegressionOutput; CSVIter reads the headerless CSVs.
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
                         label_csv=str(DATA / f"fashion_width_{split}.csv"), label_shape=(1,),
                         batch_size=batch_size, shuffle=shuffle, label_name="width")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    mx.random.seed(0)

    data = mx.sym.Variable("data")
    width = mx.sym.Variable("width")
    fc = mx.sym.FullyConnected(data=data, num_hidden=1, name="fc")
    net = mx.sym.LinearRegressionOutput(data=fc, label=width, name="lro")

    train, val = csv_iter("train", 50, shuffle=True), csv_iter("val", 50)
    mod = mx.mod.Module(net, data_names=["data"], label_names=["width"], context=mx.cpu())
    mod.fit(train, eval_data=val, eval_metric="rmse", optimizer="sgd",
            optimizer_params={"learning_rate": 0.1, "momentum": 0.9}, initializer=mx.init.Xavier(),
            num_epoch=3 if args.quick else args.epochs)
    scores = dict(mod.score(val, ["rmse", "mae"]))
    print(f"validation rmse: {scores['rmse']:.3f} px, mae: {scores['mae']:.3f} px")
    return scores["rmse"]


if __name__ == "__main__":
    main()
