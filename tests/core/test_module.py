"""Module and FeedForward: training on the bundled Fashion-MNIST subset, prediction and
scoring, checkpoints, clear errors, several devices, divergence and cancellation."""
import logging
import threading
from collections import namedtuple
from pathlib import Path

import numpy as np
import pytest

import core as mx
from core.errors import DataError, GraphError, TrainingDiverged
from core.events import BatchEnd, EpochEnd, TrainBegin, TrainEnd
from core.io.datasets import bundled_subset_dir, load_fashion_mnist
from core.zoo.builtin import lenet

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mxnet"


@pytest.fixture(scope="module")
def fashion():
    train_x, train_y = load_fashion_mnist("train", root=bundled_subset_dir())
    test_x, test_y = load_fashion_mnist("test", root=bundled_subset_dir())
    scale = np.float32(1 / 255)
    return ((train_x.astype(np.float32) * scale).reshape(-1, 1, 28, 28), train_y.astype(np.float32),
            (test_x.astype(np.float32) * scale).reshape(-1, 1, 28, 28), test_y.astype(np.float32))


def blobs(n=240, features=10, classes=3, seed=0):
    """Separable classes: each a Gaussian cloud around its own centre."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((classes, features)) * 3
    labels = rng.integers(0, classes, n)
    data = centres[labels] + rng.standard_normal((n, features))
    return data.astype(np.float32), labels.astype(np.float32)


def small_mlp(classes=3):
    return mx.mlp(hidden_node=[16], out_node=classes)


def trained_module(data, labels, context=None, num_epoch=2, batch_size=40, **fit):
    mx.random.seed(7)
    mod = mx.mod.Module(small_mlp(int(labels.max()) + 1), context=context or mx.cpu())
    mod.fit(mx.io.NDArrayIter(data, labels, batch_size), num_epoch=num_epoch, initializer=mx.init.Xavier(),
            optimizer_params={"learning_rate": 0.2, "momentum": 0.9, "wd": 1e-3}, **fit)
    return mod


# ----- learning on real data -------------------------------------------------------------
def test_mlp_learns_fashion_mnist_subset_in_one_epoch(fashion):
    train_x, train_y, test_x, test_y = fashion
    mx.random.seed(0)
    mod = mx.mod.Module(mx.mlp(hidden_node=[256], out_node=10))
    events = []
    mod.fit(mx.io.NDArrayIter(train_x.reshape(-1, 784), train_y, 64, shuffle=True), num_epoch=1,
            eval_metric=["acc", "ce"], initializer=mx.init.Xavier(), callbacks=[events.append],
            optimizer_params={"learning_rate": 0.1, "momentum": 0.9})
    losses = [e.metrics["cross-entropy"] for e in events if isinstance(e, BatchEnd)]
    assert np.mean(losses[-10:]) < 0.6 * np.mean(losses[:3])
    (name, accuracy), = mod.score(mx.io.NDArrayIter(test_x.reshape(-1, 784), test_y, 200), "acc")
    assert name == "accuracy" and accuracy > 0.65


def test_lenet_learns_fashion_mnist_subset_in_one_epoch(fashion):
    train_x, train_y, test_x, test_y = fashion
    mx.random.seed(0)
    mod = mx.mod.Module(lenet.get_symbol(10))
    mod.fit(mx.io.NDArrayIter(train_x, train_y, 64, shuffle=True), num_epoch=1,
            initializer=mx.init.Xavier(), optimizer_params={"learning_rate": 0.05, "momentum": 0.9})
    accuracy = dict(mod.score(mx.io.NDArrayIter(test_x, test_y, 200), "acc"))["accuracy"]
    assert accuracy > 0.6


def test_feedforward_create_fit_predict_score_save_load(tmp_path):
    data, labels = blobs()
    mx.random.seed(3)
    model = mx.model.FeedForward.create(small_mlp(), X=data, y=labels, num_epoch=3, numpy_batch_size=32,
                                        learning_rate=0.1, momentum=0.9, initializer=mx.init.Xavier())
    prob = model.predict(data)
    assert prob.shape == (240, 3) and isinstance(prob, np.ndarray)
    accuracy = model.score(mx.io.NDArrayIter(data, labels, 50))
    assert accuracy == pytest.approx(float((prob.argmax(1) == labels).mean()))
    assert accuracy > 0.9
    model.save(str(tmp_path / "ff"), 3)
    again = mx.model.FeedForward.load(str(tmp_path / "ff"), 3)
    np.testing.assert_allclose(again.predict(data), prob, rtol=1e-6, atol=1e-7)
    outputs, seen, seen_labels = again.predict(mx.io.NDArrayIter(data, labels, 64), return_data=True)
    assert outputs.shape == (240, 3) and seen.shape == (240, 10)
    np.testing.assert_array_equal(seen_labels, labels)


def test_feedforward_rejects_mismatched_lengths():
    data, labels = blobs()
    with pytest.raises(DataError, match="240 examples but y has 200"):
        mx.model.FeedForward.create(small_mlp(), X=data, y=labels[:200], num_epoch=1)
    with pytest.raises(DataError, match="needs labels"):
        mx.model.FeedForward(small_mlp()).score(data)
    with pytest.raises(DataError, match="same number of examples"):
        mx.io.NDArrayIter(data, labels[:10], 8)


# ----- prediction and shapes -----------------------------------------------------------------
def test_predict_drops_padding_and_score_counts_real_examples():
    data, labels = blobs(n=250)
    mod = trained_module(data, labels)
    prob = mod.predict(mx.io.NDArrayIter(data, labels, 64))          # 4 batches, last padded by 6
    assert prob.shape == (250, 3)
    expected = float((prob.asnumpy().argmax(1) == labels).mean())
    assert dict(mod.score(mx.io.NDArrayIter(data, labels, 64), "acc"))["accuracy"] == pytest.approx(expected)
    batches = mod.predict(mx.io.NDArrayIter(data, labels, 64), merge_batches=False)
    assert [b[0].shape[0] for b in batches] == [64, 64, 64, 58]


def test_a_batch_of_another_size_rebinds_transparently():
    data, labels = blobs()
    mod = trained_module(data, labels)
    whole = mod.predict(mx.io.NDArrayIter(data, None, 40)).asnumpy()
    Batch = namedtuple("Batch", ["data"])
    mod.forward(Batch([mx.nd.array(data[5:6])]), is_train=False)
    np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(), whole[5:6], rtol=1e-5)
    mod.forward(Batch([mx.nd.array(data[:40])]), is_train=False)            # back to the bound size
    np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(), whole[:40], rtol=1e-5)
    assert mod.output_shapes == [("softmax_output", (40, 3))]


def test_seed_003_inference_recipe_on_an_mxnet_checkpoint():
    """As written in seed 003, on LeNet trained and saved by MXNet 1.9.1's Module."""
    reference = np.load(FIXTURES / "lenet.npz")
    image = (reference["test_images"][:1].astype(np.float32) / 255.0).reshape(1, 1, 28, 28)
    sym, arg_params, aux_params = mx.model.load_checkpoint(str(FIXTURES / "lenet"), 1)
    mod = mx.mod.Module(symbol=sym)
    mod.bind(for_training=False, data_shapes=[("data", (1, 1, 28, 28))])
    mod.set_params(arg_params, aux_params)
    Batch = namedtuple("Batch", ["data"])
    mod.forward(Batch([mx.nd.array(image)]))
    prob = mod.get_outputs()[0].asnumpy()
    np.testing.assert_allclose(prob, reference["test_prob"][:1], rtol=1e-5, atol=1e-6)


# ----- checkpoints ------------------------------------------------------------------------------
def test_checkpoint_round_trip_with_optimizer_states(tmp_path):
    data, labels = blobs()
    mod = trained_module(data, labels)
    prefix = str(tmp_path / "mlp")
    mod.save_checkpoint(prefix, 2, save_optimizer_states=True)
    assert {p.name for p in tmp_path.iterdir()} == {"mlp-symbol.json", "mlp-0002.params", "mlp-0002.states"}
    sym, args, auxs = mx.model.load_checkpoint(prefix, 2)
    mine, _ = mod.get_params()
    for name, value in mine.items():
        np.testing.assert_array_equal(args[name].asnumpy(), value.asnumpy())
    # continuing from the checkpoint equals continuing in memory (momentum restored)
    loaded = mx.mod.Module.load(prefix, 2, load_optimizer_states=True)
    batch = mx.io.DataBatch([mx.nd.array(data[:40])], [mx.nd.array(labels[:40])])
    for module in (mod, loaded):
        module.bind(data_shapes=[("data", (40, 10))], label_shapes=[("softmax_label", (40,))])
        module.init_optimizer(optimizer_params={"learning_rate": 0.2, "momentum": 0.9, "wd": 1e-3})
        module.forward_backward(batch)
        module.update()
    for name, value in mod.get_params()[0].items():
        np.testing.assert_allclose(loaded.get_params()[0][name].asnumpy(), value.asnumpy(), rtol=1e-6)


def test_missing_checkpoint_lists_the_saved_epochs(tmp_path):
    data, labels = blobs()
    trained_module(data, labels, num_epoch=2, epoch_end_callback=mx.callback.do_checkpoint(str(tmp_path / "m")))
    assert mx.model.list_epochs(str(tmp_path / "m")) == [1, 2]
    with pytest.raises(FileNotFoundError, match=r"m-0007.params.*\[1, 2\]"):
        mx.model.load_checkpoint(str(tmp_path / "m"), 7)


def test_checkpoint_writes_are_atomic(tmp_path, monkeypatch):
    data, labels = blobs()
    mod = trained_module(data, labels)
    prefix = str(tmp_path / "m")
    mod.save_checkpoint(prefix, 1)
    good = (tmp_path / "m-0001.params").read_bytes()
    mod.forward_backward(mx.io.DataBatch([mx.nd.array(data[:40])], [mx.nd.array(labels[:40])]))
    mod.update()

    def crash(*args):
        raise OSError("disk full")
    monkeypatch.setattr("core.fileio.os.replace", crash)
    with pytest.raises(OSError, match="disk full"):
        mod.save_checkpoint(prefix, 1)
    monkeypatch.undo()
    assert (tmp_path / "m-0001.params").read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m-0001.params", "m-symbol.json"]


# ----- clear errors -------------------------------------------------------------------------------
def test_label_name_that_matches_no_argument_lists_the_arguments():
    with pytest.raises(GraphError, match=r"'lbl' matches no argument.*'fc1_weight'.*'softmax_label'"):
        mx.mod.Module(small_mlp(), label_names=("lbl",))
    data, labels = blobs()
    mod = mx.mod.Module(two_unnamed_losses())
    with pytest.raises(GraphError, match=r"label 'y' given to bind.*arguments are: 'data'"):
        mod.fit(mx.io.NDArrayIter(data, labels, 40, label_name="y"), num_epoch=1)


def unnamed_loss(classes=3):
    """Seed 001's and 002's network: ``SoftmaxOutput(data=fc)`` with no name, so its
    label input is 'softmaxoutput0_label'."""
    with mx.name.NameManager():
        fc = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=classes, name="fc")
        return mx.sym.SoftmaxOutput(data=fc)


def two_unnamed_losses():
    with mx.name.NameManager():
        data = mx.sym.Variable("data")
        return mx.sym.Group([mx.sym.SoftmaxOutput(mx.sym.FullyConnected(data, num_hidden=3)),
                             mx.sym.SoftmaxOutput(mx.sym.FullyConnected(data, num_hidden=3))])


def test_the_one_label_of_the_data_feeds_an_unnamed_loss(caplog):
    data, labels = blobs()
    assert unnamed_loss().list_arguments()[-1] == "softmaxoutput0_label"
    train = mx.io.NDArrayIter(data[:200], labels[:200], 40, shuffle=True)   # provides 'softmax_label'
    test = mx.io.NDArrayIter(data[200:], labels[200:], 40)
    mx.random.seed(0)
    mod = mx.mod.Module(unnamed_loss())
    assert mod.label_names == ["softmaxoutput0_label"]
    with caplog.at_level(logging.INFO):
        mod.fit(train, num_epoch=10, optimizer_params={"learning_rate": 0.1})
    assert sum("'softmax_label' feeds the network's label input 'softmaxoutput0_label'" in r.message
               for r in caplog.records) <= 1
    assert mod.score(test, "acc")[0][1] > 0.9
    assert mod.predict(test).shape == (40, 3)
    # FeedForward with iterators, as seed 002 writes it
    model = mx.model.FeedForward.create(unnamed_loss(), X=train, num_epoch=10, learning_rate=0.1)
    assert model.score(test) > 0.9
    assert model.predict(test).shape == (40, 3)


def test_several_labels_or_several_losses_stay_an_error():
    data, labels = blobs()
    two_labels = mx.io.NDArrayIter({"data": data}, {"a_label": labels, "b_label": labels}, 40)
    with pytest.raises(GraphError, match="matches no argument"):
        mx.mod.Module(unnamed_loss()).fit(two_labels, num_epoch=1)
    with pytest.raises(GraphError, match=r"'softmax_label' given to bind.*matches no argument.*'softmaxoutput0_label'.*'softmaxoutput1_label'"):
        mx.mod.Module(two_unnamed_losses()).fit(mx.io.NDArrayIter(data, labels, 40), num_epoch=1)


def test_batch_with_mismatched_data_and_label_lengths():
    data, labels = blobs()
    mod = trained_module(data, labels)
    with pytest.raises(DataError, match="has 30 examples in this batch, the module runs 40"):
        mod.forward(mx.io.DataBatch([mx.nd.array(data[:40])], [mx.nd.array(labels[:30])]), is_train=True)


def test_data_name_error_and_unbound_use():
    with pytest.raises(GraphError, match="data name 'image' matches no argument"):
        mx.mod.Module(small_mlp(), data_names=("image",))
    with pytest.raises(mx.errors.NetStudioError, match="call bind"):
        mx.mod.Module(small_mlp()).forward(mx.io.DataBatch([mx.nd.ones((1, 10))]))


# ----- several devices -----------------------------------------------------------------------------
def test_two_and_three_contexts_train_like_one():
    data, labels = blobs()
    single = trained_module(data, labels)
    for contexts in ([mx.cpu(0), mx.cpu(1)], [mx.cpu(0), mx.cpu(1), mx.cpu(2)]):
        multi = trained_module(data, labels, context=contexts)
        assert len(multi._exec_group.execs) == len(contexts)
        for name, value in single.get_params()[0].items():
            np.testing.assert_allclose(multi.get_params()[0][name].asnumpy(), value.asnumpy(),
                                       rtol=1e-5, atol=1e-6, err_msg=name)
    np.testing.assert_allclose(multi.predict(data[:7]).asnumpy(), single.predict(data[:7]).asnumpy(),
                               rtol=1e-5, atol=1e-6)


# ----- divergence, cancel, events ------------------------------------------------------------------
class PoisonedIter(mx.io.NDArrayIter):
    """Real data, but one batch of one epoch carries a NaN."""

    def __init__(self, data, labels, batch_size, bad_epoch, bad_batch):
        self.epoch, self.count, self.bad = -1, 0, (bad_epoch, bad_batch)
        super().__init__(data, labels, batch_size)   # calls reset(): epoch 0

    def reset(self):
        super().reset()
        self.epoch, self.count = self.epoch + 1, 0

    def next(self):
        batch = super().next()
        if (self.epoch, self.count) == self.bad:
            batch.data[0][0, 0] = float("nan")
        self.count += 1
        return batch


def test_nan_stops_training_naming_epoch_and_batch_and_keeps_last_checkpoint(tmp_path):
    data, labels = blobs()
    prefix = str(tmp_path / "run")
    events = []
    mod = mx.mod.Module(small_mlp())
    with pytest.raises(TrainingDiverged, match=r"epoch 1, batch 2: the input 'data' holds NaN.*not the "
                                               r"learning rate") as info:
        mod.fit(PoisonedIter(data, labels, 40, bad_epoch=1, bad_batch=2), num_epoch=3,
                initializer=mx.init.Xavier(), epoch_end_callback=mx.callback.do_checkpoint(prefix),
                callbacks=[events.append])
    assert (info.value.epoch, info.value.batch) == (1, 2)
    assert mx.model.list_epochs(prefix) == [1]
    _, args, _ = mx.model.load_checkpoint(prefix, 1)
    assert all(np.isfinite(v.asnumpy()).all() for v in args.values())
    weights, _ = mod.get_params()   # the update with the NaN gradient was not applied
    assert all(np.isfinite(v.asnumpy()).all() for v in weights.values())
    assert isinstance(events[-1], TrainEnd) and events[-1].status == "diverged"


def test_a_callback_cancelling_the_token_ends_training_after_that_batch():
    data, labels = blobs()
    events, token = [], mx.events.CancelToken()

    def stop_at_batch_3(event):
        events.append(event)
        if isinstance(event, BatchEnd) and event.nbatch == 3:
            token.cancel()
    trained_module(data, labels, num_epoch=5, callbacks=[stop_at_batch_3], cancel=token)
    assert [e.nbatch for e in events if isinstance(e, BatchEnd)] == [0, 1, 2, 3]
    assert isinstance(events[-1], TrainEnd)
    assert events[-1].status == "cancelled" and "epoch 0, batch 4" in events[-1].message
    assert not any(isinstance(e, EpochEnd) for e in events)


def test_cancel_token_from_another_thread_stops_within_one_batch():
    data, labels = np.tile(blobs()[0], (20, 1)), np.tile(blobs()[1], 20)
    token = mx.events.CancelToken()
    first_batch, seen = threading.Event(), []

    def on_event(event):
        if isinstance(event, BatchEnd):
            seen.append(event.nbatch)
            first_batch.set()
            token.wait(2.0)   # keep this batch open until the other thread has asked to stop
    worker = threading.Thread(target=trained_module, args=(data, labels),
                              kwargs=dict(num_epoch=50, callbacks=[on_event], cancel=token))
    worker.start()
    assert first_batch.wait(10)
    token.cancel("user pressed Stop")
    worker.join(10)
    assert not worker.is_alive() and seen == [0]


def test_event_stream_and_legacy_batch_callbacks(caplog):
    data, labels = blobs()
    events, legacy = [], []
    with caplog.at_level(logging.INFO):
        trained_module(data, labels, num_epoch=2, eval_data=mx.io.NDArrayIter(data, labels, 60),
                       eval_metric=["acc", "ce"], callbacks=[events.append],
                       batch_end_callback=[legacy.append, mx.callback.Speedometer(40, 2)])
    kinds = [type(e) for e in events]
    assert kinds == [TrainBegin] + ([BatchEnd] * 6 + [EpochEnd]) * 2 + [TrainEnd]
    batch = events[1]
    assert set(batch.metrics) == {"accuracy", "cross-entropy"} and batch.samples_per_sec > 0
    assert (batch.epoch, batch.nbatch) == (0, 0)
    epoch_end = events[7]
    assert epoch_end.total_batches == 6 and set(epoch_end.eval_metrics) == {"accuracy", "cross-entropy"}
    assert epoch_end.metrics["accuracy"] == pytest.approx(np.mean([e.metrics["accuracy"] for e in events[1:7]]))
    assert events[-1].status == "completed"
    plain = epoch_end.as_dict()
    assert plain["event"] == "EpochEnd" and plain["metrics"] == dict(epoch_end.metrics)
    assert all(isinstance(v, (int, float, str, dict, type(None))) for v in plain.values())
    assert [(p.epoch, p.nbatch, p.locals) for p in legacy[:2]] == [(0, 0, None), (0, 1, None)]
    assert legacy[0].eval_metric is not None
    assert any(r.getMessage().startswith("Epoch[0] Batch [2]\tSpeed: ") and "\taccuracy=" in r.getMessage()
               for r in caplog.records)
    assert any(r.getMessage().startswith("Epoch[1] Validation-accuracy=") for r in caplog.records)


# ----- optimizer wiring ------------------------------------------------------------------------------
def test_rescale_grad_defaults_to_one_over_batch_size_and_biases_get_no_decay():
    data, labels = blobs()
    mod = trained_module(data, labels, num_epoch=1)
    assert mod.optimizer.rescale_grad == pytest.approx(1 / 40)
    assert mod.optimizer._get_wd(mod._param_names.index("fc1_bias")) == 0.0


def test_fixed_params_stay_and_input_grads_are_available():
    data, labels = blobs()
    mx.random.seed(1)
    mod = mx.mod.Module(small_mlp(), fixed_param_names=["fc1_weight"])
    mod.bind(data_shapes=[("data", (40, 10))], label_shapes=[("softmax_label", (40,))], inputs_need_grad=True)
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer(optimizer_params={"learning_rate": 0.5})
    before = {k: v.asnumpy() for k, v in mod.get_params()[0].items()}
    mod.forward_backward(mx.io.DataBatch([mx.nd.array(data[:40])], [mx.nd.array(labels[:40])]))
    mod.update()
    after = mod.get_params()[0]
    np.testing.assert_array_equal(after["fc1_weight"].asnumpy(), before["fc1_weight"])
    assert not np.array_equal(after["fc2_weight"].asnumpy(), before["fc2_weight"])
    grads = mod.get_input_grads()[0].asnumpy()
    assert grads.shape == (40, 10) and np.abs(grads).sum() > 0


def test_pause_holds_training_between_batches_until_resume():
    data, labels = blobs()
    token = mx.events.CancelToken()
    seen, paused_count = [], []

    def on_event(event):
        if isinstance(event, BatchEnd):
            seen.append(event.nbatch)
            if event.nbatch == 0 and event.epoch == 0:
                token.pause()

    def resume_later():
        threading.Event().wait(0.3)
        paused_count.append(len(seen))
        token.resume()
    helper = threading.Thread(target=resume_later)
    helper.start()
    trained_module(data, labels, num_epoch=1, callbacks=[on_event], cancel=token)
    helper.join()
    assert paused_count == [1] and seen == [0, 1, 2, 3, 4, 5]


def test_feedforward_create_takes_a_monitor(caplog):
    """Seed 002: ``FeedForward.create(..., monitor=mon)`` (the option went to SGD before)."""
    data, labels = blobs()
    monitor = mx.mon.Monitor(2, pattern=".*fc.*")
    with caplog.at_level(logging.INFO):
        mx.model.FeedForward.create(unnamed_loss(), X=data, y=labels, num_epoch=1, numpy_batch_size=40,
                                    learning_rate=0.1, monitor=monitor)
    assert monitor.step == 6 and any("fc_output" in r.getMessage() for r in caplog.records)
