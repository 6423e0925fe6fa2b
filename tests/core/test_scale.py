"""classify/detect/features on Ray (core.scale, ``--ray``): a local Ray of 2 CPUs, started
once for the session with a small object store -- the configuration in which an actor
pool that took every CPU starved the decoding tasks and hung. Every row is checked against
the one-process ``netstudio classify`` on the same files; an actor killed mid-run loses
and duplicates nothing; a rerun skips what is written. Skipped when Ray is not installed."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")
pq = pytest.importorskip("pyarrow.parquet")

import core.scale as scale  # noqa: E402
from .zoo_support import REPO, SAMPLES, fashion_folder, session_cache, zoo_cache  # noqa: E402,F401

pytestmark = pytest.mark.xdist_group("ray")
LENET = REPO / "resources" / "zoo" / "fashion-mnist-lenet" / "fashion-mnist-lenet"
OPTIONS = {"checkpoint": str(LENET), "epoch": 10}


@pytest.fixture(scope="session")
def local_ray(session_cache):  # noqa: F811
    ray.init(num_cpus=2, object_store_memory=80 * 1024 * 1024, include_dashboard=False,
             configure_logging=False, log_to_driver=False,
             runtime_env={"env_vars": {"NETSTUDIO_CACHE": str(session_cache)}})   # the workers' zoo cache
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


@pytest.fixture(scope="session")
def pictures(tmp_path_factory):
    """250 Fashion-MNIST PNGs in class folders, and 5 pictures that cannot be read."""
    root = fashion_folder(tmp_path_factory.mktemp("scale") / "pictures", 25)
    broken = root / "broken"
    broken.mkdir()
    good = (root / "Bag").iterdir().__next__().read_bytes()
    (broken / "truncated.png").write_bytes(good[:60])
    (broken / "empty.jpg").write_bytes(b"")
    (broken / "text.png").write_text("not a picture")
    (broken / "zeros.gif").write_bytes(bytes(100))
    (broken / "half.jpg").write_bytes((SAMPLES / "rocket.jpg").read_bytes()[:1500])
    return root


def rows_of(out):
    rows = []
    for shard in sorted(Path(out).glob("*.parquet")):
        rows += pq.read_table(shard).to_pylist()
    return rows


def one_process_classify(folder):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "netstudio", "classify", str(folder), "--checkpoint", str(LENET),
                           "--epoch", "10", "--top", "5", "--json"], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 1, done.stderr          # 1: the broken pictures
    return {row["image"]: row for row in json.loads(done.stdout)}


def test_two_cpus_keep_a_cpu_for_decoding_beside_two_actors(local_ray):
    assert ray.cluster_resources()["CPU"] == 2
    chosen = scale.plan(2)
    assert (chosen.actors, chosen.actor_cpus, chosen.decode_cpus) == (2, 0.5, 1.0)
    assert chosen.actors * chosen.actor_cpus + chosen.decode_cpus <= 2


def test_every_row_matches_netstudio_classify_and_a_rerun_skips_them(local_ray, pictures, tmp_path):
    out = tmp_path / "out"
    half = tmp_path / "half.txt"
    listed = sorted(str(p) for p in pictures.rglob("*") if p.is_file())
    half.write_text("# the first half\n" + "\n".join(listed[:100]) + "\n")
    first = scale.run("classify", half, out, top=5, shard_rows=40, **OPTIONS)
    assert (first.images, first.skipped) == (100, 0) and len(list(out.glob("*.parquet"))) >= 2

    summary = scale.run("classify", pictures, out, top=5, csv=True, **OPTIONS)   # the folder: the rest
    assert (summary.images, summary.skipped, summary.errors) == (155, 100, 5 - first.errors)
    assert 1 <= len(summary.workers) <= 2 and sum(n for n, _ in summary.workers.values()) == 155

    rows = rows_of(out)
    expected = one_process_classify(pictures)
    assert sorted(row["path"] for row in rows) == sorted(expected) and len(expected) == 255
    for row in rows:
        want = expected[row["path"]]
        if "error" in want:
            assert row["error"] == want["error"] and row["top_index"] is None
            continue
        assert row["error"] is None
        assert row["top_index"] == [t["index"] for t in want["top"]]
        assert row["top_label"] == [t["label"] for t in want["top"]]
        np.testing.assert_allclose(row["top_probability"], [t["probability"] for t in want["top"]], atol=1e-5)
    assert sum(row["error"] is not None for row in rows) == 5
    assert len(list(out.glob("*.csv"))) >= 1

    again = scale.run("classify", pictures, out, **OPTIONS)
    assert (again.images, again.skipped) == (0, 255) and len(rows_of(out)) == 255


def _predictor_pids():
    """Our Ray's predictor actors: processes below this one titled after the Predictor."""
    def children(pid):
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as handle:
                return [int(c) for c in handle.read().split()]
        except OSError:
            return []
    found, todo = [], children(os.getpid())
    while todo:
        pid = todo.pop()
        todo += children(pid)
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                title = handle.read().decode(errors="replace")
        except OSError:
            continue
        if "Predictor[classify]" in title:
            found.append(pid)
    return found


def test_an_actor_killed_mid_run_loses_and_duplicates_no_row(local_ray, pictures, tmp_path):
    out = tmp_path / "out"
    result, failure = {}, []

    def work():
        try:
            result["summary"] = scale.run("classify", pictures, out, shard_rows=16, batch_size=4, **OPTIONS)
        except BaseException as error:  # noqa: BLE001 - reported below
            failure.append(error)
    worker = threading.Thread(target=work)
    worker.start()
    deadline = time.monotonic() + 240
    while not list(out.glob("*.parquet")) and worker.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    victims = _predictor_pids()
    killed_mid_run = worker.is_alive() and bool(victims)
    if victims:
        os.kill(victims[0], signal.SIGKILL)
    worker.join(timeout=300)
    assert not worker.is_alive() and not failure, failure
    assert killed_mid_run, "the run ended before an actor could be killed"
    paths = [row["path"] for row in rows_of(out)]
    assert len(paths) == len(set(paths)) == 255
    assert result["summary"].images == 255


def test_features_and_detections_match_the_one_process_engine(local_ray, zoo_cache, tmp_path):  # noqa: F811
    from core.zoo import ImageClassifier
    from core.zoo.detector import ImageDetector
    photos = [str(SAMPLES / name) for name in ("chelsea.png", "coffee.png", "rocket.jpg")]
    listing = tmp_path / "photos.txt"
    listing.write_text("\n".join(photos))
    rows = {r["path"]: r for r in scale.features(listing, **OPTIONS).take_all()}
    here = ImageClassifier.from_checkpoint(LENET, 10).extract_features(photos)
    for photo, vector in zip(photos, here):
        np.testing.assert_allclose(rows[photo]["feature"], vector, atol=1e-5)
        assert rows[photo]["worker"] and rows[photo]["error"] is None

    scale.run("detect", listing, tmp_path / "boxes", top=5, threshold=0.3)
    found = {r["path"]: r for r in rows_of(tmp_path / "boxes")}
    detector = ImageDetector.from_zoo("nanodet-coco")
    for photo in photos:
        want = detector.detect(photo, k=5, threshold=0.3)
        assert found[photo]["labels"] == [d["label"] for d in want]
        np.testing.assert_allclose(found[photo]["boxes"], [d["box"] for d in want], atol=0.11)
        np.testing.assert_allclose(found[photo]["scores"], [d["score"] for d in want], atol=1e-4)
    assert found[photos[0]]["labels"][0] == "cat"


def test_the_command_writes_shards_and_prints_the_summary(local_ray, pictures, tmp_path, capsys):
    from netstudio import main
    out = tmp_path / "out"
    args = ["classify", str(pictures / "Bag"), str(pictures / "broken"), "--checkpoint", str(LENET), "--epoch", "10",
            "--top", "3", "--ray", "--out", str(out), "--with-csv"]
    assert main(args) == 1                                   # 1: some pictures could not be read
    err = capsys.readouterr().err
    assert "netstudio classify: 30 pictures (0 already written), 2 actors x 0.5 CPU" in err
    assert "30 images (5 errors, 0 already done)" in err and 1 <= err.count("  actor ") <= 2   # a line per actor
    rows = rows_of(out)
    assert len(rows) == 30 and all(len(r["top_label"]) == 3 for r in rows if r["error"] is None)
    assert main(args) == 0
    assert "nothing to do, all 30 pictures are already written" in capsys.readouterr().err
