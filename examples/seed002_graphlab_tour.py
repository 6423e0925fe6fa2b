"""Seed 002: the tour of GraphLab Create's MXNet module, as its notebook wrote it, with
``import core as mx``.

    python examples/seed002_graphlab_tour.py            # 10 epochs
    python examples/seed002_graphlab_tour.py --quick    # 2 epochs, fewer pictures (tests)

1. Data iterators over tables (CSVIter), an MLP whose ``SoftmaxOutput`` has no name,
   ``FeedForward.create(..., monitor=...)`` and a ``mx.metric.np`` metric returning an
   array of one number (``binary_acc``).
2. The builtin networks at GraphLab's module path
   (``mx.builtin_symbols.symbol_<name>.get_symbol``), summarised with ``mx.viz``.
3. A pretrained model (``mx.pretrained_model``), its features
   (``mx.model.extract_features(model=..., data=...)``) and a classifier trained on them.
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
FOOTWEAR = (5, 7, 9)      # Sandal, Sneaker, Ankle boot


def binary_acc(label, pred):
    """GraphLab's notebook: accuracy of a two-class softmax, as a one-element array."""
    return np.array([np.mean((pred[:, 1] > 0.5) == label)])


def csv_iter(split, shuffle=False):
    return mx.io.CSVIter(data_csv=str(DATA / f"fashion_grid_features_{split}.csv"), data_shape=(16,),
                         label_csv=str(DATA / f"fashion_footwear_{split}.csv"), label_shape=(1,),
                         batch_size=50, shuffle=shuffle)


def tables(epochs):
    data = mx.symbol.Variable("data")
    fc1 = mx.symbol.FullyConnected(data=data, name="fc1", num_hidden=32)
    act1 = mx.symbol.Activation(data=fc1, name="relu1", act_type="relu")
    fc2 = mx.symbol.FullyConnected(data=act1, name="fc2", num_hidden=2)
    net = mx.symbol.SoftmaxOutput(data=fc2)
    monitor = mx.mon.Monitor(20, pattern="fc2.*")        # statistics of fc2 every 20 batches
    mx.random.seed(0)
    model = mx.model.FeedForward.create(net, X=csv_iter("train", shuffle=True), eval_data=csv_iter("val"),
                                        num_epoch=epochs, learning_rate=0.1, momentum=0.9,
                                        initializer=mx.init.Xavier(), eval_metric=mx.metric.np(binary_acc),
                                        monitor=monitor)
    print(f"table mlp binary_acc: {model.score(csv_iter('val'), mx.metric.np(binary_acc)):.4f}")


def builtin_networks():
    print("builtin networks:", ", ".join(n for n in dir(mx.builtin_symbols) if "inception" in n or "google" in n))
    net = mx.builtin_symbols.symbol_inception_bn_28_small.get_symbol(num_classes=10)
    mx.viz.print_summary(net, shape={"data": (1, 3, 28, 28)}, line_length=100)
    dot = mx.viz.plot_network(net, shape={"data": (1, 3, 28, 28)})
    print(f"drawing: {type(dot).__name__} with {str(getattr(dot, 'source', dot)).count('->')} edges")


def pictures(model, split, limit):
    """(N, 1, 28, 28) inputs prepared as the model was trained (its scale and mean), and
    1 for footwear, 0 for the rest."""
    from core.zoo.preprocess import prepare_batch
    images, labels = load_fashion_mnist(split, bundled_subset_dir())
    images, labels = images[:limit], labels[:limit]
    return prepare_batch(list(images), model.preprocess, model.input_size), np.isin(labels, FOOTWEAR).astype(np.float32)


def pretrained_features(epochs, limit):
    print("pretrained models:", ", ".join(m.name for m in mx.pretrained_model.list_models()))
    model = mx.pretrained_model.load_model("fashion-mnist-lenet")
    train_x, train_y = pictures(model, "train", limit)
    test_x, test_y = pictures(model, "test", limit)
    train_features = mx.model.extract_features(model=model, data=train_x, top_layer="relu3", cache=False)
    test_features = mx.model.extract_features(model=model, data=test_x, top_layer="relu3", cache=False)
    print(f"features: {train_features.shape[1]} per picture from layer relu3")
    mx.random.seed(0)
    classifier = mx.model.FeedForward.create(
        mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2)),
        X=train_features, y=train_y, num_epoch=epochs, numpy_batch_size=50, learning_rate=0.05, momentum=0.9,
        initializer=mx.init.Xavier())
    accuracy = float((classifier.predict(test_features).argmax(1) == test_y).mean())
    print(f"feature classifier accuracy: {accuracy:.4f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    epochs = 2 if args.quick else 10
    tables(epochs)
    builtin_networks()
    pretrained_features(epochs, 500 if args.quick else 6000)


if __name__ == "__main__":
    main()
