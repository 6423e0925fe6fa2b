"""Data iterators: NDArrayIter's epoch semantics (checked against MXNet 1.9.1's output),
IDX files, CSV and image folders."""
import math
from pathlib import Path

import numpy as np
import pytest

import core as mx
from core.errors import DataError, RegistryError


def _epoch(it):
    return [(b.data[0].asnumpy().ravel().tolist(), b.label[0].asnumpy().tolist(), b.pad) for b in it]


def _ten(**kw):
    return mx.io.NDArrayIter(np.arange(10).reshape(10, 1), np.arange(10), batch_size=4, **kw)


def test_pad_fills_the_last_batch_from_the_start_and_counts_it():
    batches = _epoch(_ten(last_batch_handle="pad"))
    assert [b[0] for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 0, 1]]
    assert [b[2] for b in batches] == [0, 0, 2]


def test_pad_larger_than_the_data_repeats_it():
    it = mx.io.NDArrayIter(np.arange(3).reshape(3, 1), np.arange(3), batch_size=8)
    (data, _, pad), = _epoch(it)
    assert data == [0, 1, 2, 0, 1, 2, 0, 1] and pad == 5


def test_discard_drops_the_short_batch():
    assert [b[0] for b in _epoch(_ten(last_batch_handle="discard"))] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_roll_over_carries_leftovers_into_the_next_epoch():
    it = _ten(last_batch_handle="roll_over")
    epochs = []
    for _ in range(3):
        epochs.append(_epoch(it))
        it.reset()
    assert [b[0] for b in epochs[0]] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    # MXNet 1.9.1 gives exactly these batches and pads
    assert [(b[0], b[2]) for b in epochs[1]] == [([8, 9, 0, 1], 2), ([2, 3, 4, 5], 0), ([6, 7, 8, 9], 0)]
    assert [b[0] for b in epochs[2]] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_reset_starts_a_new_epoch():
    it = _ten()
    first = _epoch(it)
    assert _epoch(it) == []
    it.reset()
    assert _epoch(it) == first


def test_shuffle_keeps_data_and_label_paired_and_covers_everything():
    mx.random.seed(3)
    data = np.arange(20, dtype=np.float32).reshape(10, 2)
    it = mx.io.NDArrayIter(data, np.arange(10) * 10, batch_size=5, shuffle=True)
    seen = []
    for batch in it:
        x, y = batch.data[0].asnumpy(), batch.label[0].asnumpy()
        np.testing.assert_array_equal(x[:, 0] / 2 * 10, y)
        np.testing.assert_array_equal(data[batch.index], x)
        seen += y.tolist()
    assert sorted(seen) == list(range(0, 100, 10)) and seen != sorted(seen)


def test_provide_data_and_names_follow_mxnet():
    it = mx.io.NDArrayIter({"b": np.zeros((10, 2)), "a": np.zeros((10, 3, 4))},
                           [np.zeros(10), np.ones(10)], batch_size=4)
    assert [(d.name, d.shape) for d in it.provide_data] == [("a", (4, 3, 4)), ("b", (4, 2))]
    assert [d.name for d in it.provide_label] == ["_0_softmax_label", "_1_softmax_label"]
    assert it.provide_data[0].dtype == np.float32 and it.provide_data[0].layout == "NCHW"
    name, shape = it.provide_data[1]
    assert (name, shape) == ("b", (4, 2))
    single = mx.io.NDArrayIter(mx.nd.ones((6, 5)), batch_size=3, data_name="x")
    assert single.provide_data == [("x", (3, 5))] and single.provide_label == []
    assert next(single).label == []


def test_mismatched_lengths_name_both():
    with pytest.raises(DataError, match=r"10 examples.*'softmax_label' has 9"):
        mx.io.NDArrayIter(np.zeros((10, 2)), np.zeros(9), batch_size=4)


def test_resize_iter_makes_epochs_of_a_fixed_length():
    inner = mx.io.NDArrayIter(mx.nd.ones((100, 10)), batch_size=25)
    resized = mx.io.ResizeIter(inner, 7)
    assert len(list(resized)) == 7
    resized.reset()
    assert len(list(resized)) == 7


# ----- IDX files and Fashion-MNIST ---------------------------------------------------
from core.io import datasets  # noqa: E402
from core.io.idx import read_idx, read_idx_pair  # noqa: E402

SUBSET = datasets.bundled_subset_dir()


def test_bundled_subset_is_balanced_and_readable():
    images, labels = datasets.load_fashion_mnist("train", root=SUBSET)
    assert images.shape == (6000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [600] * 10
    test_images, test_labels = datasets.load_fashion_mnist("test", root=SUBSET)
    assert test_images.shape == (1000, 28, 28) and np.bincount(test_labels).tolist() == [100] * 10
    assert 0 < images.mean() < 255 and len(datasets.FASHION_MNIST_CLASSES) == 10


def test_raw_and_gzipped_idx_read_the_same(tmp_path):
    import gzip
    gz = SUBSET / "t10k-labels-idx1-ubyte.gz"
    raw = tmp_path / "labels.idx"
    raw.write_bytes(gzip.decompress(gz.read_bytes()))
    np.testing.assert_array_equal(read_idx(gz), read_idx(raw))


def _write_idx(path, header, body=b""):
    path.write_bytes(header + body)
    return path


def test_corrupt_header_names_file_magic_and_dims(tmp_path):
    bad = _write_idx(tmp_path / "bad-images", bytes.fromhex("12345678"), b"\0" * 20)
    with pytest.raises(DataError, match=r"bad-images.*305419896 \(0x12345678\).*expected 2051"):
        read_idx_pair(bad, SUBSET / "t10k-labels-idx1-ubyte.gz")
    truncated = _write_idx(tmp_path / "short", bytes.fromhex("00000803") + (10).to_bytes(4, "big")
                           + (28).to_bytes(4, "big") * 2, b"\0" * 100)
    with pytest.raises(DataError, match=r"short: dims \(10, 28, 28\).*7840 bytes.*found 100"):
        read_idx(truncated)


def test_swapped_and_mismatched_files_are_explained(tmp_path):
    with pytest.raises(DataError, match="magic number 2049.*expected 2051.*swapped"):
        read_idx_pair(SUBSET / "t10k-labels-idx1-ubyte.gz", SUBSET / "t10k-images-idx3-ubyte.gz")
    with pytest.raises(DataError, match="6000 images but .* 1000 labels"):
        read_idx_pair(SUBSET / "train-images-idx3-ubyte.gz", SUBSET / "t10k-labels-idx1-ubyte.gz")


def test_discovery_prefers_env_and_falls_back_to_the_subset(tmp_path, monkeypatch):
    import shutil
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(SUBSET / name, tmp_path / name)
    monkeypatch.setenv("NETSTUDIO_DATA", str(tmp_path))
    assert datasets.find_fashion_mnist() == tmp_path
    monkeypatch.setenv("NETSTUDIO_DATA", str(tmp_path / "nowhere"))
    monkeypatch.setattr(datasets, "candidate_dirs",
                        lambda include_subset=True: [tmp_path / "nowhere"] + ([SUBSET] if include_subset else []))
    assert datasets.is_bundled_subset(datasets.find_fashion_mnist())
    assert datasets.find_fashion_mnist(include_subset=False) is None
    with pytest.raises(DataError, match="not found in.*NETSTUDIO_DATA"):
        datasets.fashion_mnist_files("test", root=tmp_path / "nowhere")


def test_mnist_iter_scales_and_batches_like_mxnet():
    image, label = datasets.fashion_mnist_files("test", root=SUBSET)
    it = mx.io.MNISTIter(image=image, label=label, batch_size=300, shuffle=False)
    batches = list(it)
    assert len(batches) == 3   # 1000 examples: the incomplete last batch is dropped, as in MXNet
    first = batches[0]
    assert first.data[0].shape == (300, 1, 28, 28) and it.provide_data[0].shape == (300, 1, 28, 28)
    images, labels = datasets.load_fashion_mnist("test", root=SUBSET)
    np.testing.assert_allclose(first.data[0].asnumpy()[:, 0], images[:300] / 256.0)
    assert first.label[0].asnumpy().tolist() == labels[:300].tolist()
    flat = mx.io.MNISTIter(image=image, label=label, batch_size=10, flat=True, shuffle=True, seed=1)
    batch = next(flat)
    assert batch.data[0].shape == (10, 784)
    np.testing.assert_allclose(batch.data[0].asnumpy() * 256, images[batch.index].reshape(10, -1))


# ----- CSV -------------------------------------------------------------------------------
def _csv(tmp_path, name, rows, header=None):
    path = tmp_path / name
    lines = ([header] if header else []) + [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_csv_iter_round_batch_matches_mxnet(tmp_path):
    data = _csv(tmp_path, "d.csv", np.arange(20).reshape(10, 2))
    label = _csv(tmp_path, "l.csv", (np.arange(10) * 10).reshape(10, 1))
    it = mx.io.CSVIter(data_csv=str(data), data_shape=(2,), label_csv=str(label), batch_size=4)
    assert it.provide_data == [("data", (4, 2))] and it.provide_label == [("softmax_label", (4,))]
    epochs = []
    for _ in range(2):
        epochs.append([(b.data[0].asnumpy()[:, 0].tolist(), b.label[0].asnumpy().tolist(), b.pad) for b in it])
        it.reset()
    # MXNet 1.9.1: the padded batch wraps to the start; the next epoch skips the wrapped rows
    assert epochs[0][2] == ([16, 18, 0, 2], [80, 90, 0, 10], 2)
    assert [b[0][0] for b in epochs[1]] == [4, 12]


def test_csv_iter_without_round_batch_and_without_labels(tmp_path):
    data = _csv(tmp_path, "d.csv", np.arange(20).reshape(10, 2), header="a,b")   # header skipped
    it = mx.io.CSVIter(data_csv=data, data_shape=(1, 2), batch_size=4, round_batch=False)
    batches = list(it)
    assert batches[0].data[0].shape == (4, 1, 2) and batches[-1].pad == 2
    assert batches[-1].data[0].asnumpy()[:2, 0, 0].tolist() == [16, 18]
    assert np.all(batches[0].label[0].asnumpy() == 0)


def test_csv_iter_errors_name_the_file(tmp_path):
    data = _csv(tmp_path, "d.csv", np.arange(20).reshape(10, 2))
    short = _csv(tmp_path, "l.csv", np.arange(9).reshape(9, 1))
    with pytest.raises(DataError, match=r"d.csv has 10 rows but .*l.csv has 9"):
        mx.io.CSVIter(data_csv=data, data_shape=(2,), label_csv=short, batch_size=4)
    with pytest.raises(DataError, match=r"d.csv: rows have 2 columns but the shape \(3,\) needs 3"):
        mx.io.CSVIter(data_csv=data, data_shape=(3,), batch_size=4)
    words = _csv(tmp_path, "w.csv", [[1, 2], ["x", 3]])
    with pytest.raises(DataError, match="w.csv.*numeric"):
        mx.io.CSVIter(data_csv=words, data_shape=(2,), batch_size=1)


def test_download_checks_md5_and_keeps_valid_files(tmp_path):
    import functools
    import hashlib
    import http.server
    import threading
    from core.errors import ChecksumError
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SUBSET))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with pytest.raises(ChecksumError, match="does not match Zalando"):
            datasets.download_fashion_mnist(tmp_path / "official", base_url=base)   # the subset is not the original
        sums = {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in SUBSET.glob("*.gz")}
        seen = []
        folder = datasets.download_fashion_mnist(tmp_path / "mirror", progress=lambda *a: seen.append(a),
                                                 base_url=base, checksums=sums)
        assert datasets.load_fashion_mnist("test", root=folder)[0].shape == (1000, 28, 28)
        assert seen and seen[-1][0] > 0
        server.shutdown()   # now everything must come from the files already there
        assert datasets.download_fashion_mnist(folder, base_url=base, checksums=sums) == folder
    finally:
        server.shutdown()
        server.server_close()


# ----- background prefetching and image folders -----------------------------------------------
def test_prefetching_iter_joins_iterators_and_restarts():
    a = mx.io.NDArrayIter(np.arange(10).reshape(10, 1), np.arange(10), batch_size=4)
    b = mx.io.NDArrayIter({"data": np.arange(10).reshape(10, 1) * 2}, batch_size=4)
    it = mx.io.PrefetchingIter([a, b], rename_data=[{"data": "x"}, {"data": "y"}])
    assert [d.name for d in it.provide_data] == ["x", "y"] and it.batch_size == 4
    for _ in range(2):
        batches = list(it)
        assert [bt.pad for bt in batches] == [0, 0, 2]
        np.testing.assert_array_equal(batches[1].data[1].asnumpy(), batches[1].data[0].asnumpy() * 2)
        assert list(it) == []
        it.reset()
    it.close()


SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


@pytest.fixture()
def image_folder(tmp_path):
    """Three classes of real photos, five differently cropped and sized copies each."""
    from PIL import Image
    root = tmp_path / "photos"
    for name, source in [("cat", "chelsea.png"), ("cup", "coffee.png"), ("rocket", "rocket.jpg")]:
        (root / name).mkdir(parents=True)
        img = Image.open(SAMPLES / source).convert("RGB")
        for k in range(5):
            width, height = img.size
            copy = img.crop((k * 7, k * 5, width - k * 3, height - k * 4)).resize((96 + 8 * k, 80 + 6 * k))
            copy.save(root / name / (f"{k}.jpg" if k % 2 else f"{k}.png"))
    return root


def test_image_folder_iter_batches_labels_and_normalises(image_folder):
    it = mx.io.ImageFolderIter(image_folder, data_shape=(3, 32, 40), batch_size=4, mean=True, std=True)
    assert it.classes == ["cat", "cup", "rocket"] and it.num_examples == 15
    batches = list(it)
    assert [b.pad for b in batches] == [0, 0, 0, 1]
    assert batches[0].data[0].shape == (4, 3, 32, 40) and it.provide_data == [("data", (4, 3, 32, 40))]
    labels = np.concatenate([b.label[0].asnumpy() for b in batches])[:15]
    assert labels.tolist() == [0] * 5 + [1] * 5 + [2] * 5
    values = batches[0].data[0].asnumpy()
    assert -3 < values.mean() < 3 and values.std() > 0.2      # ImageNet mean/std applied
    it.reset()
    assert len(list(it)) == 4
    it.close()


def test_image_folder_iter_augments_repeatably_and_in_grey(image_folder):
    def first_batch(**kw):
        mx.random.seed(5)
        it = mx.io.ImageFolderIter(image_folder, data_shape=(3, 48, 48), batch_size=15, shuffle=True,
                                   rand_crop=True, rand_mirror=True, **kw)
        batch = next(it)
        it.close()
        return batch
    one, two = first_batch(), first_batch()
    np.testing.assert_array_equal(one.data[0].asnumpy(), two.data[0].asnumpy())
    assert sorted(one.index.tolist()) == list(range(15)) and one.index.tolist() != list(range(15))
    grey = mx.io.ImageFolderIter(image_folder, data_shape=(1, 28, 28), batch_size=5, last_batch_handle="discard")
    batch = next(grey)
    assert batch.data[0].shape == (5, 1, 28, 28) and batch.data[0].asnumpy().max() <= 255
    grey.close()


def test_corrupt_image_is_skipped_and_recorded(image_folder):
    good = (image_folder / "cup" / "1.jpg").read_bytes()
    (image_folder / "cup" / "broken.jpg").write_bytes(good[:300])
    it = mx.io.ImageFolderIter(image_folder, data_shape=(3, 32, 32), batch_size=16)
    with pytest.warns(UserWarning, match="broken.jpg"):
        batch = next(it)
    assert batch.data[0].shape == (16, 3, 32, 32)
    assert [Path(p).name for p, _ in it.skipped] == ["broken.jpg"] and "corrupt" in it.skipped[0][1]
    broken = [i for i, (p, _) in enumerate(it.samples) if p.name == "broken.jpg"][0]
    assert broken not in batch.index.tolist()
    it.close()


def test_image_folder_layout_errors(tmp_path):
    with pytest.raises(DataError, match="is empty; expected one subfolder per class"):
        mx.io.ImageFolderIter(tmp_path, data_shape=(3, 32, 32), batch_size=2)
    (tmp_path / "loose.png").write_bytes((SAMPLES / "coffee.png").read_bytes())
    with pytest.raises(DataError, match="1 images but no class subfolders"):
        mx.io.ImageFolderIter(tmp_path, data_shape=(3, 32, 32), batch_size=2)
    (tmp_path / "cats").mkdir()
    with pytest.raises(DataError, match=r"subfolders \['cats'\] hold no images"):
        mx.io.ImageFolderIter(tmp_path, data_shape=(3, 32, 32), batch_size=2)
    with pytest.raises(DataError, match="does not exist"):
        mx.io.ImageFolderIter(tmp_path / "missing", data_shape=(3, 32, 32), batch_size=2)


def test_idx_sizes_are_checked_before_anything_is_expanded(tmp_path):
    """A 2.6 MB gzip that expands to the 2.6 GB its header declares (or dims whose product
    overflows 64 bits) is refused from its header, before the body is decompressed: under
    a 2 GiB address-space cap the read ends in a message, not a MemoryError."""
    import gzip
    import subprocess
    import sys
    huge = tmp_path / "huge-images.gz"
    dims = (40000, 256, 256)
    header = bytes.fromhex("00000803") + b"".join(d.to_bytes(4, "big") for d in dims)
    zeros = gzip.compress(bytes(16 << 20), compresslevel=1)     # gzip members concatenate
    huge.write_bytes(gzip.compress(header) + zeros * (math.prod(dims) // (16 << 20) + 1))
    overflow = _write_idx(tmp_path / "overflow", bytes.fromhex("00000808") + b"\xff\xff\xff\xff" * 8, b"\0" * 8)
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31))\n"
              "from core.errors import DataError; from core.io.idx import read_idx\n"
              "for path in sys.argv[1:]:\n"
              "    try: read_idx(path)\n"
              "    except DataError as error: print(error)\n")
    run = subprocess.run([sys.executable, "-c", script, str(huge), str(overflow)], capture_output=True,
                         text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "huge-images.gz: dims (40000, 256, 256) of uint8 would need 2,621,440,000 bytes" in lines[0]
    assert "overflow: dims (4294967295," in lines[1] and "the header is corrupt" in lines[1]


# ----- datasets: one format registry ---------------------------------------------------------
from core.io.dataset import split_train_val  # noqa: E402
from core.io.formats import detect_format, formats, open_dataset, register_format  # noqa: E402
from core.session import InputSpec  # noqa: E402


def test_open_dataset_recognises_idx_folders_image_folders_and_csv(image_folder, tmp_path):
    fashion = open_dataset(SUBSET)
    assert fashion.kind == "idx" and (len(fashion.train), len(fashion.test)) == (6000, 1000)
    assert fashion.classes[9] == "Ankle boot" and fashion.train.picture(0).shape == (28, 28)
    photos = open_dataset(image_folder)
    assert photos.kind == "folder" and photos.classes == ["cat", "cup", "rocket"]
    assert photos.train.picture(14).shape[2] == 3 and photos.train.counts(3).tolist() == [5, 5, 5]
    table = tmp_path / "t.csv"
    table.write_text("label,a,b,c,d\n1,0,255,0,255\n0,9,9,9,9\n")
    assert open_dataset(table).train.images.shape == (2, 2, 2)
    with pytest.raises(DataError, match="nothing.bin: not a dataset.*CSV files of pictures"):
        open_dataset(tmp_path / "nothing.bin")


def test_every_format_has_a_name_a_label_and_a_way_to_pick_it():
    assert [f.name for f in formats()] == ["idx", "folder", "csv"]
    assert [f.name for f in formats(picks="file")] == ["csv"]
    assert detect_format(SUBSET).name == "idx"           # before the general folder format
    assert formats(picks="file")[0].file_filter() == "CSV files of pictures (*.csv)"
    with pytest.raises(RegistryError, match="dataset format 'csv' is already registered"):
        register_format("csv", "again", "file", detect=lambda p: False, open=lambda p: None)


def test_stratified_split_and_iterators_over_it(image_folder):
    ds = open_dataset(SUBSET)
    train, val = split_train_val(ds.train.labels, 0.2, seed=1)
    assert len(val) == 1200 and np.bincount(ds.train.labels[val]).tolist() == [120] * 10
    assert not set(train) & set(val) and len(train) + len(val) == 6000
    assert np.array_equal(split_train_val(ds.train.labels, 0.2, seed=1)[1], val)
    batch = next(iter(ds.make_iter("train", val, batch_size=50)))
    assert batch.data[0].shape == (50, 1, 28, 28) and batch.data[0].asnumpy().max() <= 1.0
    np.testing.assert_array_equal(batch.label[0].asnumpy(), ds.train.labels[val[:50]])
    photos = open_dataset(image_folder)
    _, photo_val = split_train_val(photos.train.labels, 0.4, seed=0)
    with pytest.raises(DataError, match="vary in size"):
        photos.make_iter("train", photo_val)
    it = photos.make_iter("train", photo_val, batch_size=3, input=InputSpec(3, 24, 24, "scale"))
    batches = list(it)
    assert batches[0].data[0].shape == (3, 3, 24, 24)
    assert sorted(np.concatenate([b.label[0].asnumpy() for b in batches]).tolist()) == [0, 0, 1, 1, 2, 2]


def test_csv_that_is_not_utf8_says_so(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("label,a,b,c,d\ncaf\xe9,0,1,2,3\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin.csv is not UTF-8 text \(byte 0xe9"):
        open_dataset(latin)
    with pytest.raises(DataError, match="latin.csv is not UTF-8"):
        mx.io.CSVIter(data_csv=latin, data_shape=(4,))


def test_labels_must_number_the_classes(tmp_path):
    huge = tmp_path / "huge.csv"
    huge.write_text("label,a,b,c,d\n1000000000,0,1,2,3\n0,1,1,1,1\n")
    with pytest.raises(DataError, match="huge.csv: label 1000000000 would make 1,000,000,001 classes"):
        open_dataset(huge)
    negative = tmp_path / "neg.csv"
    negative.write_text("label,a,b,c,d\n-1,0,1,2,3\n")
    with pytest.raises(DataError, match="neg.csv: label -1 is negative"):
        open_dataset(negative)
    from core.io.dataset import DataSource, Split
    with pytest.raises(DataError, match="somewhere: train label 3 is not one of the 2 classes"):
        DataSource("x", "csv", "somewhere", ["a", "b"], Split(np.array([0, 3]), np.zeros((2, 2, 2), np.uint8)))


def test_nan_pixels_in_a_csv_are_refused(tmp_path):
    path = tmp_path / "nan.csv"
    path.write_text("label,a,b,c,d\n1,0,1,2,3\n0,nan,1,1,1\n")
    with pytest.raises(DataError, match="nan.csv: row 3 holds a pixel that is NaN"):
        open_dataset(path)
