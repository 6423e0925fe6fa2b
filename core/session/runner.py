"""One training run, start to finish, for the Train view (or a script): prepare the data,
build the network, ``Module.fit`` with the event stream and a cancel token, a checkpoint
and ``prefix-meta.json`` per epoch, pause/resume, and at the end the test evaluation and
the run's record in the history.

``run()`` blocks: call it on a worker thread, with ``listener(event)`` getting the run's
events (``core.events``: Status, LogLine, RunBegin, fit's TrainBegin/BatchEnd/EpochEnd/
TrainEnd, CheckpointSaved, Evaluated, and last Finished), all plain frozen data. Or
iterate: ``for event in session.events()`` runs it on a background thread and yields the
same events here (leaving the loop early stops the run). ``pause()``, ``resume()`` and
``stop()`` may be called from any thread.

Checkpoints go to the run's folder in the history unless ``prefix`` names another place
(``netstudio train --out``); ``resume_epoch`` starts from that prefix's checkpoint of that
epoch and goes on with the next one; ``save_on_stop`` also saves the weights of an epoch
cut short by ``stop()`` (under the number of the last finished epoch, which it overwrites:
resuming then repeats the cut-short epoch from those weights).

>>> from core.io.datasets import bundled_subset_dir
>>> from core.session import DataChoice, NetworkChoice, TrainSettings, choose_input, open_fashion_mnist
>>> source = open_fashion_mnist(bundled_subset_dir())
>>> session = TrainingSession(NetworkChoice.template("lenet"), DataChoice(source, choose_input(source)),
...                           TrainSettings(epochs=1))                   # doctest: +SKIP
>>> session.run().final["test_accuracy"] > 0.7                          # doctest: +SKIP
True
"""
from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time

import numpy as np

from ..errors import Cancelled, NetStudioError, TrainingDiverged
from ..events import (CANCELLED, COMPLETED, DIVERGED, FAILED, BatchEnd, CancelToken, CheckpointSaved, EpochEnd,
                      Evaluated, Finished, LogLine, RunBegin, Status, TrainEnd)
from .curves import Curves
from .evaluation import evaluate
from .history import RunHistory
from .prepare import prepare_data, zoo_input

log = logging.getLogger(__name__)
LOSS, ACCURACY = "cross-entropy", "accuracy"


class _ListenerLog:
    """A logger for Module and Speedometer whose lines go to the listener as LogLine events."""

    def __init__(self, emit):
        self._emit = emit

    def info(self, message, *args):
        self._emit(LogLine(text=message % args if args else str(message)))

    warning = error = info

    def debug(self, *args):
        pass


class TrainingSession:
    def __init__(self, network, data, settings, history=None, title=None, listener=None,
                 worst=24, log_every=10, prefix=None, resume_epoch=None, save_on_stop=False):
        self.network, self.data, self.settings = network, data, settings
        self.history = history if history is not None else RunHistory()
        # "LeNet-5 · Fashion-MNIST · 12:03": which network, on what, when (renamable later)
        self.title = title or f"{network.title} · {data.source.name} · {time.strftime('%H:%M')}"
        self.listener = listener or (lambda event: None)
        self.worst, self.log_every = worst, log_every
        self.prefix, self.resume_epoch, self.save_on_stop = prefix, resume_epoch, save_on_stop
        self.epochs_done = int(resume_epoch or 0)   # the last epoch with a checkpoint
        self.unsaved_batches = 0                     # trained since that checkpoint
        self.error = None                            # what ended a failed, diverged or cancelled run
        self.token = CancelToken()      # fit checks it between batches: stop and pause
        self.curves = Curves()
        self.batches_done = 0
        self.stop_requested_at = None     # batches done when Stop came (to check "within one batch")
        self.record = None
        self.prepared = None
        self.module = None
        self.frozen = None      # a FrozenBase when only a new head trains, on cached features
        self.evaluation = None
        self._end = (COMPLETED, "")

    # ----- control, from any thread ---------------------------------------------------
    def pause(self):
        """Hold training after the current batch (until resume() or stop())."""
        self.token.pause()

    def resume(self):
        self.token.resume()

    def stop(self, reason="stopped by the user"):
        if self.stop_requested_at is None:
            self.stop_requested_at = self.batches_done
        self.token.cancel(reason)     # also wakes a paused run

    @property
    def paused(self):
        return self.token.paused

    # ----- the run (worker thread) -----------------------------------------------------
    def emit(self, event):
        try:
            self.listener(event)
        except Exception:  # noqa: BLE001 - a broken listener must not kill training
            log.exception("training listener failed on %s", type(event).__name__)

    def events(self):
        """Run on a background thread and yield its events here, Finished last. Leaving
        the loop early stops the run (after the current batch) and waits for it."""
        feed, done = queue.Queue(), object()
        listener = self.listener

        def forward(event):
            feed.put(event)
            listener(event)

        def work():
            try:
                self.run()
            finally:
                feed.put(done)
        self.listener = forward
        thread = threading.Thread(target=work, name="training", daemon=True)
        thread.start()
        try:
            while (event := feed.get()) is not done:
                yield event
        finally:
            if thread.is_alive():
                self.stop("the event loop stopped listening")
            thread.join()
            self.listener = listener

    def run(self):
        record = self.record = self.history.create(self.title)
        if self.prefix is not None:
            record.checkpoint = str(self.prefix)
        record.network, record.dataset = self.network.to_dict(), self.data.to_dict()
        record.settings = self.settings.to_dict()
        self.history.save(record)
        started = time.time()
        try:
            self._train(record)
            status, message = self._end
        except TrainingDiverged as error:
            self.error = error
            status, message = DIVERGED, str(error)
            message += self._rescue_checkpoint(record)
        except Cancelled as error:
            self.error = error
            status, message = CANCELLED, str(error) or "stopped"
        except Exception as error:  # noqa: BLE001 - reported on screen, logged with traceback
            self.error = error
            if isinstance(error, NetStudioError):   # a message for the person, not a bug
                log.info("training %s failed: %s", self.title, error)
            else:
                log.exception("training %s failed", self.title)
            status = FAILED
            message = str(error) if isinstance(error, NetStudioError) else f"{type(error).__name__}: {error}"
        if status == CANCELLED and self.save_on_stop:
            message += self._stop_checkpoint()
        record.status, record.message = status, message
        record.epochs_saved = self._saved_epochs(record)
        if status == COMPLETED and self.prepared is not None:
            self._final_evaluation(record)
        record.curves = self.curves.to_dict()
        record.duration = time.time() - started
        self.history.save(record)
        self.emit(LogLine(text=f"Run {status}: {message}"))
        self.emit(Finished(status=status, message=message, record=record.to_dict()))
        return record

    def _train(self, record):
        from ..module import Module
        from ..random_state import seed
        from ..zoo.meta import write_meta
        source, settings = self.data.source, self.settings
        self.emit(Status(text="Building the network…"))
        ctx = settings.context()
        built = self.network.build(source.num_classes, self.data.input.shape)
        if self.resume_epoch is not None:
            from ..model.checkpoint import load_params
            arg_params, aux_params = load_params(record.prefix, self.resume_epoch)
            built.arg_params, built.aux_params = {**built.arg_params, **arg_params}, {**built.aux_params, **aux_params}
        spec = self.data.input
        if built.input_shape is not None:      # a pretrained model keeps its own preprocessing
            from ..zoo.installer import load_spec
            spec = zoo_input(built.input_shape, load_spec(self.network.name, install=False).preprocess)
        self.emit(Status(text="Preparing the data…"))
        self.prepared = prepare_data(self.data, settings.batch_size, settings.seed, spec, self.token,
                                     lambda text: self.emit(Status(text=text)))
        if self.token.cancelled:
            raise Cancelled(self.token.reason)
        if built.cached_head is not None:
            from .frozen import FrozenBase
            self.frozen = FrozenBase(built, ctx)
            self.prepared = self.frozen.features(self.prepared, self.token, lambda text: self.emit(Status(text=text)))
            built = dataclasses.replace(built, symbol=self.frozen.symbol, arg_params=self.frozen.head_args,
                                        aux_params=self.frozen.head_aux, fixed_param_names=[])
        record.dataset["input"] = spec.to_dict()
        write_meta(record.prefix, source.classes, spec.shape, spec.rule(), name=self.title,
                   dataset=source.name, run_id=record.run_id)
        seed(settings.seed)
        logger = _ListenerLog(self.emit)
        self.module = Module(built.symbol, label_names=built.label_names, context=ctx,
                             fixed_param_names=built.fixed_param_names or None, logger=logger)
        prepared = self.prepared
        self.emit(RunBegin(epochs=int(settings.epochs), total_batches=len(prepared.train_iter),
                           train_examples=prepared.train_iter.num_examples, val_name=prepared.val_name))
        self.emit(Status(text="Training…"))
        # NaN/inf is detected and reported by fit (TrainingDiverged); numpy's own warnings
        # about it would only be noise on the way there
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self._fit(settings, built, logger)

    def _fit(self, settings, built, logger):
        from ..callback import Speedometer
        self.module.fit(self.prepared.train_iter, eval_data=self.prepared.val_iter, eval_metric=["acc", "ce"],
                        batch_end_callback=Speedometer(settings.batch_size, self.log_every, logger=logger),
                        optimizer=settings.optimizer, optimizer_params=settings.optimizer_params(),
                        initializer=settings.make_initializer(), arg_params=built.arg_params or None,
                        aux_params=built.aux_params or None, allow_missing=True,
                        begin_epoch=int(self.resume_epoch or 0), num_epoch=int(settings.epochs),
                        callbacks=[self._on_event], cancel=self.token)

    # ----- events from fit (worker thread) --------------------------------------------------
    def _on_event(self, event):
        """Book-keeping (curves, checkpoints), then the event goes on to the listener."""
        if isinstance(event, BatchEnd):
            self.batches_done += 1
            self.unsaved_batches += 1
            if event.total_batches is None:
                event = dataclasses.replace(event, total_batches=len(self.prepared.train_iter))
            self.curves.add_batch(event.epoch, event.nbatch, event.total_batches, event.metrics.get(LOSS),
                                  event.metrics.get(ACCURACY), event.samples_per_sec)
        elif isinstance(event, EpochEnd):
            train, val = event.metrics, event.eval_metrics
            seconds = event.elapsed - sum(v or 0 for v in self.curves.epoch["seconds"])
            self.curves.add_epoch(event.epoch, train.get(LOSS), train.get(ACCURACY), val.get(LOSS),
                                  val.get(ACCURACY), event.samples_per_sec, seconds)
        elif isinstance(event, TrainEnd):
            self._end = (event.status, event.message)
        self.emit(event)
        if isinstance(event, EpochEnd):
            self._checkpoint(event.epoch + 1)

    def _checkpoint(self, epoch):
        from ..model.checkpoint import save_checkpoint
        prefix = self.record.prefix
        save_checkpoint(prefix, epoch, *self._network())
        self.epochs_done, self.unsaved_batches = epoch, 0
        self.emit(CheckpointSaved(prefix=prefix, epoch=epoch, path=f"{prefix}-{epoch:04d}.params"))

    def _network(self):
        """(symbol, arg_params, aux_params) of the whole network being trained."""
        arg_params, aux_params = self.module.get_params()
        if self.frozen is None:
            return self.module.symbol, arg_params, aux_params
        return (self.frozen.built.symbol, *self.frozen.whole(arg_params, aux_params))

    # ----- endings -----------------------------------------------------------------------
    @staticmethod
    def _saved_epochs(record):
        from ..model.checkpoint import list_epochs
        return list_epochs(record.prefix)

    def _rescue_checkpoint(self, record):
        """After NaN: name the last epoch's checkpoint; with none yet, save the weights as
        they were before the step that diverged (the NaN check runs before the update)."""
        epochs = self._saved_epochs(record)
        if epochs:
            return f". The last good checkpoint is epoch {epochs[-1]} ({record.prefix}-{epochs[-1]:04d}.params)."
        module = self.module
        if module is None or not module.params_initialized:
            return ""
        from ..model.checkpoint import save_checkpoint
        save_checkpoint(record.prefix, 0, *self._network())
        return (f". No epoch finished; the last finite weights were saved as epoch 0 "
                f"({record.prefix}-0000.params).")

    def _stop_checkpoint(self):
        """After stop(): the weights of the epoch cut short, saved under the last finished
        epoch's number (see the module docstring); "" when nothing was trained since."""
        module = self.module
        if module is None or not module.params_initialized or not self.unsaved_batches:
            return ""
        batches, epoch = self.unsaved_batches, self.epochs_done
        self._checkpoint(epoch)
        return (f". The weights after {batches} batch{'es' if batches != 1 else ''} of epoch {epoch + 1} "
                f"were saved as epoch {epoch} ({self.record.prefix}-{epoch:04d}.params)")

    def _final_evaluation(self, record):
        prepared = self.prepared
        self.emit(Status(text=f"Evaluating on the {prepared.final_name} set…"))
        result = evaluate(self.module, prepared.final_iter, prepared.final_labels,
                          self.data.source.num_classes, prepared.final_name, self.worst, self.token)
        if result is None:
            return
        # gallery entries point into the dataset split, not into the evaluated subset
        result.mistakes = [dataclasses.replace(m, index=int(prepared.final_indices[m.index]))
                           for m in result.mistakes]
        result.source_split = prepared.final_split
        self.evaluation = result
        record.final.update({f"{prepared.final_name}_accuracy": result.accuracy,
                             f"{prepared.final_name}_loss": result.loss,
                             "evaluated_on": prepared.final_name, "confusion": result.matrix.tolist()})
        self.emit(LogLine(text=f"{prepared.final_name.capitalize()} accuracy {result.accuracy:.4f}, "
                               f"loss {result.loss:.4f} on {len(result.labels):,} examples"))
        self.emit(Evaluated(evaluation=result))
