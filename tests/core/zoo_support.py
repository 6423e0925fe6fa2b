"""Shared pieces of the zoo tests: one model cache per test session (the EfficientNet
conversion happens once), real pictures from resources/, Fashion-MNIST PNG folders."""
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "resources" / "samples"


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("netstudio-cache")


@pytest.fixture
def zoo_cache(session_cache, monkeypatch):
    """NETSTUDIO_CACHE pointing at the session's cache; returns its path."""
    monkeypatch.setenv("NETSTUDIO_CACHE", str(session_cache))
    return session_cache


def fashion_folder(root, count_per_class, offset=0, classes=None, grouping=None):
    """Write real Fashion-MNIST test pictures (the bundled subset) as PNGs into
    ``root/<class>/<n>.png``; ``grouping`` maps an original label to a folder name."""
    from PIL import Image

    from core.io.datasets import FASHION_MNIST_CLASSES, bundled_subset_dir, load_fashion_mnist
    images, labels = load_fashion_mnist("test", root=bundled_subset_dir())
    names = grouping or {i: FASHION_MNIST_CLASSES[i].replace("/", "-") for i in range(10)}
    wanted = set(classes) if classes is not None else set(names)
    seen = {}
    for index in range(len(labels)):
        label = int(labels[index])
        if label not in wanted:
            continue
        seen[label] = seen.get(label, 0) + 1
        if not offset < seen[label] <= offset + count_per_class:
            continue
        folder = Path(root) / names[label]
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.asarray(images[index])).save(folder / f"{index}.png")
    return Path(root)


def orientation_folder(root, count_per_class, offset=0):
    """A task the Fashion-MNIST LeNet never learnt: ``upright`` vs ``upside-down`` pictures
    (every other picture of ``fashion_folder`` turned by 180 degrees)."""
    from PIL import Image
    source = fashion_folder(Path(root) / "source", count_per_class, offset=offset)
    for index, path in enumerate(sorted(source.rglob("*.png"))):
        kind = "upright" if index % 2 == 0 else "upside-down"
        folder = Path(root) / "set" / kind
        folder.mkdir(parents=True, exist_ok=True)
        with Image.open(path) as picture:
            (picture if kind == "upright" else picture.rotate(180)).save(folder / f"{path.parent.name}-{path.name}")
    return Path(root) / "set"
