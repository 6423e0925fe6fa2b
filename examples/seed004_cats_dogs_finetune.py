"""Seed 004: Kaggle's "Dogs vs. Cats" recipe, fine-tune a pretrained network on two class
folders, then predict a folder of numbered test pictures into ``kaggle-results.csv``
(``id,label``, label = probability of the positive class), on data made here.

    python examples/seed004_cats_dogs_finetune.py [--workdir DIR]
    python examples/seed004_cats_dogs_finetune.py --quick     # fewer pictures and epochs (tests)

Offline stand-ins: the two classes are Fashion-MNIST's look-alike pullovers and coats
(the bundled subset, written as PNG folders ``train/coat``, ``train/pullover`` and a
Kaggle-style ``test/1.png ...``), the pretrained network is the bundled Fashion-MNIST LeNet
instead of ResNet-50. Every layer is fine-tuned, the pretrained ones at a tenth of the
rate; the predictions are written by ``netstudio classify --csv-format kaggle``, a row per
picture as it goes (``wc -l kaggle-results.csv`` follows it; rerun to resume).
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a source checkout

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import core as mx  # noqa: E402
from core.io.datasets import bundled_subset_dir, load_fashion_mnist  # noqa: E402

CLASSES = {2: "pullover", 4: "coat"}


def make_folders(workdir, train_per_class, test_per_class):
    """``train/<class>/<n>.png`` from the training split, ``test/<id>.png`` from the test
    split; returns {id: class name} of the test pictures (Kaggle keeps these to itself)."""
    images, labels = load_fashion_mnist("train", bundled_subset_dir())
    for label, name in CLASSES.items():
        folder = workdir / "train" / name
        folder.mkdir(parents=True, exist_ok=True)
        for n, index in enumerate(np.flatnonzero(labels == label)[:train_per_class]):
            Image.fromarray(images[index]).save(folder / f"{n}.png")
    images, labels = load_fashion_mnist("test", bundled_subset_dir())
    chosen = np.concatenate([np.flatnonzero(labels == label)[:test_per_class] for label in CLASSES])
    np.random.RandomState(0).shuffle(chosen)
    (workdir / "test").mkdir(exist_ok=True)
    truth = {}
    for picture_id, index in enumerate(chosen, start=1):
        Image.fromarray(images[index]).save(workdir / "test" / f"{picture_id}.png")
        truth[str(picture_id)] = CLASSES[int(labels[index])]
    return truth


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, help="keep the folders and results here (default: a temporary "
                                                     "folder, removed at the end)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        return run(args.workdir, args.quick)
    with tempfile.TemporaryDirectory(prefix="seed004-") as workdir:
        return run(Path(workdir), args.quick)


def run(workdir, quick):
    truth = make_folders(workdir, 100 if quick else 600, 50 if quick else 100)
    print(f"data: {workdir}/train ({len(list((workdir / 'train').rglob('*.png')))} pictures), "
          f"{workdir}/test ({len(truth)} pictures)")

    base = mx.zoo.ImageClassifier.from_zoo("fashion-mnist-lenet")
    mx.random.seed(0)
    tuned = base.finetune(workdir / "train", num_epoch=5 if quick else 15, learning_rate=0.05,
                          batch_size=32, mode="full", base_lr_mult=0.1)
    prefix = workdir / "pullover-coat"
    tuned.save(prefix)
    print(f"fine-tuned: {tuned.labels} saved as {prefix}-symbol.json / -0000.params")

    results = workdir / "kaggle-results.csv"
    command = [sys.executable, "-m", "netstudio", "classify", str(workdir / "test"), "--checkpoint", str(prefix),
               "--csv", str(results), "--csv-format", "kaggle", "--positive", "pullover"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    with open(results, newline="") as handle:
        rows = list(csv.DictReader(handle))
    correct = sum((float(row["label"]) > 0.5) == (truth[row["id"]] == "pullover") for row in rows)
    print(f"{results.name}: {len(rows)} rows, e.g. {rows[0]['id']},{rows[0]['label']}")
    accuracy = correct / len(rows)
    print(f"kaggle-results.csv accuracy: {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    main()
