"""Make the small CSV tables the regression examples read, from real Fashion-MNIST images
(the subset bundled in resources/datasets/fashion-mnist-subset, MIT licence, Zalando).

Each image becomes one row of 16 features: the mean ink (0..1) of each cell of a 4x4 grid
of 7x7-pixel cells, read left to right, top to bottom. Two targets come from the same image:

- ``fashion_width.csv``: the width in pixels of the garment's bounding box (columns holding
  any pixel above 10% ink) - a real quantity the coarse grid predicts only approximately
  (linear regression).
- ``fashion_footwear.csv``: 1 for Sandal, Sneaker or Ankle boot, else 0 (logistic
  regression).

The first 1,200 images make the ``*_train.csv`` files, the next 300 the ``*_val.csv`` files.
Files have no header, as MXNet's CSVIter reads them. Run from the repository root:
``python examples/data/make_fashion_csv.py``.
"""
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SPLITS = {"train": slice(0, 1200), "val": slice(1200, 1500)}
FOOTWEAR = (5, 7, 9)


def grid_features(images):
    ink = images.astype(np.float32) / 255.0
    return ink.reshape(len(images), 4, 7, 4, 7).mean(axis=(2, 4)).reshape(len(images), 16)


def widths(images):
    columns = (images > 25).any(axis=1)               # (n, 28): columns with ink
    first = columns.argmax(axis=1)
    last = 27 - columns[:, ::-1].argmax(axis=1)
    return np.where(columns.any(axis=1), last - first + 1, 0)


def main():
    import sys
    sys.path.insert(0, str(HERE.parents[1]))
    from core.io.datasets import bundled_subset_dir, load_fashion_mnist
    images, labels = load_fashion_mnist("train", root=bundled_subset_dir())
    for split, rows in SPLITS.items():
        part, part_labels = images[rows], labels[rows]
        np.savetxt(HERE / f"fashion_grid_features_{split}.csv", grid_features(part), fmt="%.4f", delimiter=",")
        np.savetxt(HERE / f"fashion_width_{split}.csv", widths(part), fmt="%d")
        np.savetxt(HERE / f"fashion_footwear_{split}.csv", np.isin(part_labels, FOOTWEAR).astype(int), fmt="%d")
        print(f"wrote {len(part)} {split} rows to {HERE}")


if __name__ == "__main__":
    main()
