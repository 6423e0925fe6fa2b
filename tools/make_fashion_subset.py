"""Write the Fashion-MNIST subset bundled with Net Studio (resources/datasets/fashion-mnist-subset).

Takes the first 600 training and the first 100 test images of each class (in file order,
so the result never changes) from the full dataset and writes them, in file order, as
gzipped IDX files with the original four names.

    python tools/make_fashion_subset.py [--source ../shared/data/fashion-mnist] [--dest ...]
"""
from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.fileio import atomic_write_bytes  # noqa: E402
from core.io.datasets import SPLITS, split_files  # noqa: E402
from core.io.idx import IMAGES_MAGIC, LABELS_MAGIC, read_idx_pair  # noqa: E402

PER_CLASS = {"train": 600, "test": 100}


def balanced_indices(labels, per_class):
    """The first ``per_class`` examples of every class, back in file order."""
    picked = []
    for cls in np.unique(labels):
        found = np.flatnonzero(labels == cls)
        if len(found) < per_class:
            raise SystemExit(f"class {cls} has only {len(found)} examples, {per_class} needed")
        picked.append(found[:per_class])
    return np.sort(np.concatenate(picked))


def idx_bytes(array, magic):
    header = magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def gzip_bytes(data):
    # mtime=0 so the same input always gives the same bytes
    return gzip.compress(data, compresslevel=9, mtime=0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(ROOT.parent / "shared" / "data" / "fashion-mnist"))
    parser.add_argument("--dest", default=str(ROOT / "resources" / "datasets" / "fashion-mnist-subset"))
    args = parser.parse_args(argv)
    dest = Path(args.dest)
    for split, (image_stem, label_stem) in SPLITS.items():
        files = split_files(args.source, split)
        if files is None:
            raise SystemExit(f"no Fashion-MNIST {split} files in {args.source}")
        images, labels = read_idx_pair(*files)
        keep = balanced_indices(labels, PER_CLASS[split])
        atomic_write_bytes(dest / (image_stem + ".gz"), gzip_bytes(idx_bytes(images[keep], IMAGES_MAGIC)))
        atomic_write_bytes(dest / (label_stem + ".gz"), gzip_bytes(idx_bytes(labels[keep], LABELS_MAGIC)))
        print(f"{split}: {len(keep)} images, {np.bincount(labels[keep]).tolist()} per class")
    print(f"written to {dest}")


if __name__ == "__main__":
    main()
