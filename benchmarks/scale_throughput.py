"""Images/s of classifying a folder: one process (what ``netstudio classify`` runs) vs
Ray with 2 actors (``netstudio classify --ray``, core.scale) on a local Ray of the
machine's CPUs, EfficientNet-Lite0, the bundled photos repeated to 2,000 files.

    python benchmarks/scale_throughput.py [--count 2000] [--model efficientnet-lite0] [--actors 2]

Needs ``pip install 'netstudio[cluster]'``. Both sides decode, preprocess and run the
network on every file; the Ray figure includes starting the actors (each loads the
network once) but not starting Ray itself, and writes the Parquet shards.
"""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import tempfile
import time
from pathlib import Path

from _common import ROOT, print_machine

SAMPLES = ROOT / "resources" / "samples"


def photo_folder(root, count):
    """``count`` files cycling through the bundled photos."""
    photos = sorted(SAMPLES.iterdir())
    for n, photo in zip(range(count), itertools.cycle(photos)):
        shutil.copyfile(photo, Path(root) / f"{n:05d}{photo.suffix}")
    return Path(root)


def one_process(folder, model):
    from core.zoo import ImageClassifier
    start = time.perf_counter()
    classifier = ImageClassifier.from_zoo(model, install=False)
    pictures = sorted(folder.iterdir())
    done = sum(1 for _ in classifier.iter_predict_topk(pictures, 5))
    return done / (time.perf_counter() - start)


def on_ray(folder, model, actors, out):
    import ray

    import core.scale
    ray.init(num_cpus=os.cpu_count(), object_store_memory=256 * 1024 * 1024, include_dashboard=False,
             configure_logging=False)
    try:
        summary = core.scale.run("classify", folder, out, model=model, actors=actors,
                                 on_start=lambda plan, todo, skipped: print(f"Ray: {todo} pictures, {plan}"))
    finally:
        ray.shutdown()
    for line in summary.lines():
        print(line)
    return summary.rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--model", default="efficientnet-lite0")
    parser.add_argument("--actors", type=int, default=2)
    args = parser.parse_args()
    print_machine()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "photos").mkdir()
        folder = photo_folder(Path(tmp) / "photos", args.count)
        single = one_process(folder, args.model)
        print(f"one process: {single:.1f} images/s ({args.count} pictures, {args.model})")
        ray_rate = on_ray(folder, args.model, args.actors, Path(tmp) / "out")
        print(f"Ray, {args.actors} actors: {ray_rate:.1f} images/s; Ray / one process {ray_rate / single:.2f}")


if __name__ == "__main__":
    main()
