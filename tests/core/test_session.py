"""core.session on the bundled Fashion-MNIST subset: datasets, inputs that match what the
classifier will do, batches, and real training runs (one epoch, stop, pause, divergence)."""
import dataclasses
import json
import os
import threading

import numpy as np
import pytest
from PIL import Image

from core.events import BatchEnd, CheckpointSaved, Evaluated, RunBegin
from core.io.csv_pictures import open_csv
from core.io.dataset import split_train_val
from core.io.datasets import FASHION_MNIST_CLASSES, bundled_subset_dir
from core.io.image_folder import open_image_folder
from core.io.picture_iter import PictureIter
from core.session import (DataChoice, DataSource, NetworkChoice, RunHistory, Split, TrainingSession,
                          TrainSettings, choose_input, confusion_matrix, open_fashion_mnist, to_input,
                          worst_misclassified)
from core.session.settings import SettingsError


@pytest.fixture(scope="module")
def subset():
    return open_fashion_mnist(bundled_subset_dir())


def small(source, train=1200, test=300):
    """A stratified slice of the subset: quick runs with every class present."""
    pick = lambda split, n: np.sort(np.concatenate([np.flatnonzero(split.labels == c)[:n // 10] for c in range(10)]))
    tr, te = pick(source.train, train), pick(source.test, test)
    return DataSource("small", "idx", source.location, source.classes,
                      Split(source.train.labels[tr], source.train.images[tr]),
                      Split(source.test.labels[te], source.test.images[te]))


def test_subset_has_balanced_classes_and_names(subset):
    assert (len(subset.train), len(subset.test)) == (6000, 1000)
    assert subset.classes == FASHION_MNIST_CLASSES
    assert subset.train.counts(10).tolist() == [600] * 10
    assert subset.train.picture(0).shape == (28, 28) and subset.train.picture(0).dtype == np.uint8


def test_image_folder_with_train_and_test(tmp_path, subset):
    for split, source in (("train", subset.train), ("test", subset.test)):
        for index in range(40):
            label = FASHION_MNIST_CLASSES[source.labels[index]].replace("/", "-")
            folder = tmp_path / split / label
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray(source.images[index]).save(folder / f"{index}.png")
    (tmp_path / "train" / "notes.txt").write_text("not a class")
    data = open_image_folder(tmp_path)
    assert data.kind == "folder" and len(data.train) == 40 and len(data.test) == 40
    first = data.train.picture(0)
    assert first.shape == (28, 28, 3)
    name = data.classes[data.train.labels[0]]
    assert f"/{name}/" in data.train.paths[0]


def test_image_folder_errors_name_the_folder(tmp_path):
    (tmp_path / "cats").mkdir()
    with pytest.raises(Exception, match="cats|no images"):
        open_image_folder(tmp_path)


def test_csv_pictures_with_partner_test_file(tmp_path, subset):
    def write(path, images, labels):
        rows = ["label," + ",".join(f"pixel{i + 1}" for i in range(784))]
        rows += [f"{lab}," + ",".join(map(str, img.ravel())) for img, lab in zip(images, labels)]
        path.write_text("\n".join(rows) + "\n")
    write(tmp_path / "fashion-mnist_train.csv", subset.train.images[:30], subset.train.labels[:30])
    write(tmp_path / "fashion-mnist_test.csv", subset.test.images[:10], subset.test.labels[:10])
    data = open_csv(tmp_path / "fashion-mnist_train.csv")
    assert np.array_equal(data.train.images, subset.train.images[:30])
    assert np.array_equal(data.test.labels, subset.test.labels[:10])
    assert data.classes == FASHION_MNIST_CLASSES


def test_csv_with_text_labels_and_bad_width(tmp_path):
    good = tmp_path / "shapes.csv"
    good.write_text("label,a,b,c,d\ncircle,0,255,255,0\nsquare,255,255,255,255\n")
    data = open_csv(good)
    assert data.classes == ["circle", "square"] and data.train.images.shape == (2, 2, 2)
    bad = tmp_path / "bad.csv"
    bad.write_text("label,a,b,c\n1,0,0,0\n")
    with pytest.raises(Exception, match="bad.csv.*3 pixel columns"):
        open_csv(bad)


def test_training_input_matches_what_the_classifier_does(subset):
    """A trained model must see a dropped Fashion-MNIST picture exactly as in training."""
    from core.zoo.preprocess import prepare
    spec = choose_input(subset, "standardize")
    assert 0.2 < spec.mean[0] < 0.4 and 0.25 < spec.std[0] < 0.45
    pictures = subset.test.images[:8]
    ours = to_input(pictures, spec)
    for picture, batch_row in zip(pictures, ours):
        theirs = prepare(picture, spec.rule(), spec.shape)
        if theirs.mean() > batch_row.mean() + 1:     # invert="auto" flipped a light-bordered picture
            continue
        np.testing.assert_allclose(theirs, batch_row, atol=1e-5)


def test_split_is_stratified_and_iter_pads(subset):
    train, val = split_train_val(subset.train.labels, 0.1, seed=3)
    assert len(val) == 600 and np.bincount(subset.train.labels[val]).tolist() == [60] * 10
    assert not set(train) & set(val)
    it = PictureIter(subset.train.images, subset.train.labels, val, choose_input(subset, "scale"), 128)
    batches = list(it)
    assert len(batches) == len(it) == 5 and batches[-1].pad == 5 * 128 - 600
    assert batches[0].data[0].shape == (128, 1, 28, 28)


def test_confusion_and_worst():
    assert confusion_matrix([0, 0, 1], [0, 1, 1], 2).tolist() == [[1, 1], [0, 1]]
    probs = np.array([[0.1, 0.9], [0.4, 0.6], [0.8, 0.2]])
    worst = worst_misclassified(probs, np.array([0, 0, 0]))
    assert [m.index for m in worst] == [0, 1] and worst[0].confidence == pytest.approx(0.9)


def test_settings_errors_name_the_field():
    with pytest.raises(SettingsError, match="learning rate"):
        TrainSettings(learning_rate=0)
    with pytest.raises(SettingsError, match="optimizer 'foo'"):
        TrainSettings(optimizer="foo")


def test_one_epoch_of_lenet_learns_and_leaves_a_usable_checkpoint(tmp_path, subset):
    from core.zoo import ImageClassifier
    kinds = []
    session = TrainingSession(NetworkChoice.template("lenet"), DataChoice(subset, choose_input(subset)),
                              TrainSettings(epochs=1, batch_size=128), RunHistory(tmp_path),
                              listener=lambda event: kinds.append(type(event)))
    record = session.run()
    assert record.status == "completed", record.message
    assert record.final["test_accuracy"] > 0.7
    assert record.epochs_saved == [1] and kinds.count(BatchEnd) == 47 and Evaluated in kinds
    evaluation = session.evaluation
    assert evaluation.matrix.sum() == 1000 and evaluation.matrix.trace() == round(record.final["test_accuracy"] * 1000)
    assert all(m.true != m.predicted for m in evaluation.mistakes)
    classifier = ImageClassifier.from_checkpoint(record.prefix, 1)
    assert classifier.labels == FASHION_MNIST_CLASSES and classifier.input_size == (1, 28, 28)
    top = classifier.predict_topk(list(subset.test.images[:20]), k=1)
    hits = sum(t[0].index == label for t, label in zip(top, subset.test.labels[:20]))
    assert hits >= 12
    [stored] = RunHistory(tmp_path).list()
    assert stored.status == "completed" and len(stored.curves["batch"]["loss"]) == 47
    assert stored.model_ref() == {"name": record.title, "prefix": record.prefix, "epoch": 1}


def test_long_runs_train_in_two_processes(tmp_path, subset, monkeypatch):
    from core.module.lanes import ProcessLane
    from core.module import lane_policy
    monkeypatch.setattr(lane_policy, "LANES_FROM_SAMPLES", 1000)   # the subset's run counts as long
    session = TrainingSession(NetworkChoice.template("lenet"), DataChoice(small(subset), choose_input(subset)),
                              TrainSettings(epochs=2, batch_size=64), RunHistory(tmp_path))
    record = session.run()
    assert record.status == "completed", record.message
    lanes = [e for e in session.module._exec_group.execs if isinstance(e, ProcessLane)]
    assert len(lanes) == 1 and record.final["test_accuracy"] > 0.5


def test_stop_takes_effect_within_one_batch(tmp_path, subset):
    holder = {}

    def listener(event):
        if isinstance(event, BatchEnd) and event.nbatch == 3:
            holder["session"].stop()
    session = holder["session"] = TrainingSession(
        NetworkChoice.template("lenet"), DataChoice(small(subset), choose_input(subset)),
        TrainSettings(epochs=3, batch_size=64), RunHistory(tmp_path), listener=listener)
    record = session.run()
    assert record.status == "cancelled"
    assert session.batches_done - session.stop_requested_at <= 1
    assert session.batches_done == 4


def test_pause_holds_training_until_resumed(tmp_path, subset):
    seen = []
    holder = {}

    def listener(event):
        if isinstance(event, BatchEnd):
            seen.append(event.nbatch)
            if event.nbatch == 1 and event.epoch == 0:
                holder["session"].pause()
                threading.Timer(0.4, holder["session"].resume).start()
    session = holder["session"] = TrainingSession(
        NetworkChoice.template("mlp"), DataChoice(small(subset), choose_input(subset)),
        TrainSettings(epochs=1, batch_size=100), RunHistory(tmp_path), listener=listener)
    record = session.run()
    assert record.status == "completed" and seen == list(range(12))


def test_a_plain_loop_gets_the_whole_run_as_frozen_plain_events(tmp_path, subset):
    session = TrainingSession(NetworkChoice.template("mlp"), DataChoice(small(subset), choose_input(subset)),
                              TrainSettings(epochs=2, batch_size=100), RunHistory(tmp_path))
    events = list(session.events())
    kinds = [type(e).__name__ for e in events]
    fit_part = [k for k in kinds[kinds.index("TrainBegin"):kinds.index("TrainEnd") + 1] if k != "LogLine"]
    assert fit_part == ["TrainBegin"] + (["BatchEnd"] * 12 + ["EpochEnd", "CheckpointSaved"]) * 2 + ["TrainEnd"]
    assert kinds[0] == "Status" and kinds.index("RunBegin") < kinds.index("TrainBegin")
    assert kinds[-1] == "Finished" and kinds.index("Evaluated") > kinds.index("TrainEnd") and "LogLine" in kinds
    begin = next(e for e in events if isinstance(e, RunBegin))
    assert (begin.epochs, begin.total_batches, begin.train_examples) == (2, 12, 1200)
    saved = [e for e in events if isinstance(e, CheckpointSaved)]
    assert [e.epoch for e in saved] == [1, 2] and all(os.path.exists(e.path) for e in saved)
    batch = next(e for e in events if isinstance(e, BatchEnd))
    assert set(batch.metrics) == {"accuracy", "cross-entropy"} and batch.total_batches == 12
    with pytest.raises(dataclasses.FrozenInstanceError):
        batch.nbatch = 5
    with pytest.raises(TypeError):
        batch.metrics["accuracy"] = 1.0
    finished = events[-1]
    assert finished.status == "completed" and finished.record["status"] == "completed"
    json.dumps([e.as_dict() for e in events if not isinstance(e, Evaluated)])   # plain data all the way


def test_leaving_the_event_loop_early_stops_the_run(tmp_path, subset):
    session = TrainingSession(NetworkChoice.template("mlp"), DataChoice(small(subset), choose_input(subset)),
                              TrainSettings(epochs=3, batch_size=100), RunHistory(tmp_path))
    for event in session.events():
        if isinstance(event, BatchEnd) and event.nbatch == 2:
            break
    [stored] = RunHistory(tmp_path).list()
    assert stored.status == "cancelled" and session.batches_done <= 4


@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # NaN on the engine's worker threads, expected here
def test_a_diverging_run_stops_with_a_message_and_a_checkpoint(tmp_path, subset):
    from core.model import load_checkpoint
    session = TrainingSession(NetworkChoice.template("lenet"), DataChoice(small(subset), choose_input(subset)),
                              TrainSettings(optimizer="sgd", learning_rate=1e4, epochs=2), RunHistory(tmp_path))
    with np.errstate(all="ignore"):
        record = session.run()
    assert record.status == "diverged"
    assert "diverged at epoch 0" in record.message and "lower learning rate" in record.message
    assert record.epochs_saved == [0]
    _, args, _ = load_checkpoint(record.prefix, 0)
    assert all(np.isfinite(v.asnumpy()).all() for v in args.values())


def test_editor_network_with_wrong_class_count_is_refused(subset):
    from core.zoo.builtin import get_symbol
    choice = NetworkChoice.editor(get_symbol("lenet", num_classes=5), "My net")
    with pytest.raises(Exception, match="My net has 5 outputs but the dataset has 10 classes"):
        choice.build(10, (1, 28, 28))


def test_fine_tuning_a_zoo_model_trains_only_the_new_layer(tmp_path, subset):
    from core.zoo import installed_models
    if "fashion-mnist-lenet" not in [m.name for m in installed_models()]:
        pytest.skip("the bundled fashion-mnist-lenet zoo model is not installed")
    session = TrainingSession(NetworkChoice.zoo("fashion-mnist-lenet"), DataChoice(small(subset), choose_input(subset)),
                              TrainSettings(epochs=2, batch_size=32, learning_rate=0.01), RunHistory(tmp_path))
    record = session.run()
    assert record.status == "completed", record.message
    assert list(record.dataset["input"]["mean"]) == [0.0]   # the model's own preprocessing, not ours
    assert record.final["test_accuracy"] > 0.75
    from core.model import load_checkpoint
    from core.zoo.pretrained import load_checkpoint as zoo_checkpoint
    _, tuned, _ = load_checkpoint(record.prefix, 2)
    _, original, _ = zoo_checkpoint("fashion-mnist-lenet")
    np.testing.assert_array_equal(tuned["conv1_weight"].asnumpy(), original["conv1_weight"].asnumpy())
    assert "finetune_fc_weight" in tuned


def test_an_editor_network_whose_loss_has_an_automatic_name_trains_on_the_data_label(tmp_path, subset):
    from core.model import load_checkpoint
    from core.symbol import Variable
    from core.symbol.ops import make
    from core.zoo import ImageClassifier
    fc = make("FullyConnected", [make("Flatten", [Variable("data")], {}, name="flatten0")],
              {"num_hidden": 10}, name="fullyconnected0")
    net = make("SoftmaxOutput", [fc], {}, name="softmaxoutput0")
    choice = NetworkChoice.editor(net, "Mine")
    built = choice.build(10, (1, 28, 28))
    assert built.label_names == ["softmaxoutput0_label"]       # the network as drawn, nothing renamed
    assert built.symbol.list_outputs() == ["softmaxoutput0_output"]
    data = DataChoice(small(subset), choose_input(subset))     # its iterators provide 'softmax_label'
    record = TrainingSession(choice, data, TrainSettings(epochs=2, batch_size=100), RunHistory(tmp_path)).run()
    assert record.status == "completed", record.message
    assert record.final["test_accuracy"] > 0.6
    symbol, _, _ = load_checkpoint(record.prefix, 2)
    assert symbol.list_arguments()[-1] == "softmaxoutput0_label"
    top = ImageClassifier.from_checkpoint(record.prefix, 2).predict_topk(list(subset.test.images[:20]), k=1)
    assert sum(t[0].index == label for t, label in zip(top, subset.test.labels[:20])) >= 10
