"""How long training will take, measured rather than guessed: a few real training steps
(next batch, forward, backward, update, metrics -- what ``fit`` does per batch) and a few
evaluation forwards of the chosen network, at the chosen batch size, on the chosen device,
timed after one warm-up step (which pays for compiling). From those, the seconds of an
epoch and the size of a *quick run*: the subset of the data whose whole run takes about
``QUICK_SECONDS``.

Measuring takes a second or two for small networks (more for big ones: at least one step
is always timed); call it on a worker thread. ``cancel`` (a ``core.events.CancelToken``)
is checked between steps and raises ``Cancelled``.

>>> import core as mx
>>> net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=10), name="softmax")
>>> seconds = estimate_epoch_seconds(net, (1, 8, 8), 32, mx.cpu(), samples=3200)
>>> 0 < seconds < 60
True
>>> EpochEstimate(1e-3, 2e-4, 60_000, 10_000).describe()
'about 1 min 2 s per epoch on CPU'
"""
from __future__ import annotations

import dataclasses
import statistics
import time
from dataclasses import dataclass

import numpy as np

from ..errors import Cancelled

#: how long a quick run takes, all epochs and the final evaluation included
QUICK_SECONDS = 60.0
#: timing stops after this many steps once MIN_SECONDS have passed, or after MAX_SECONDS
MIN_STEPS, MAX_STEPS = 3, 40
MIN_SECONDS, MAX_SECONDS = 0.4, 6.0


@dataclass(frozen=True)
class EpochEstimate:
    """Measured seconds per example, and the amount of data one epoch goes through:
    ``train_samples`` trained on, ``eval_samples`` evaluated after every epoch (and once
    more at the end)."""
    train_seconds_per_sample: float    # next batch + forward + backward + update + metrics
    eval_seconds_per_sample: float     # next batch + forward
    train_samples: int
    eval_samples: int = 0
    device: str = "CPU"
    # how the data's splits shrink in a quick run (sample_source keeps at most N of each)
    train_split: int = 0               # pictures in the train split (0: train_samples)
    test_split: int = 0                # pictures in the test split (0: none)
    val_fraction: float = 0.0

    @property
    def epoch_seconds(self) -> float:
        return self.epoch_seconds_at(None)

    def epoch_seconds_at(self, limit: int | None) -> float:
        """One epoch on at most ``limit`` pictures per split (None: all of them)."""
        train, evaluated = self.sizes(limit)
        return train * self.train_seconds_per_sample + evaluated * self.eval_seconds_per_sample

    def sizes(self, limit: int | None = None) -> tuple[int, int]:
        """(trained, evaluated) examples per epoch when every split keeps at most ``limit``."""
        if limit is None:
            return self.train_samples, self.eval_samples
        train = min(int(limit), self.train_split or self.train_samples)
        held = int(round(train * self.val_fraction))
        evaluated = held if self.val_fraction > 0 else min(int(limit), self.test_split)
        return train - held, evaluated

    def run_seconds(self, epochs: int, limit: int | None = None) -> float:
        """All ``epochs`` and the final evaluation, on at most ``limit`` pictures per split."""
        train, evaluated = self.sizes(limit)
        return int(epochs) * self.epoch_seconds_at(limit) + (evaluated or train) * self.eval_seconds_per_sample

    def quick_limit(self, epochs: int, seconds: float = QUICK_SECONDS, smallest: int = 64) -> int | None:
        """The most pictures per split for which the whole run takes about ``seconds``
        (rounded down to two significant digits); None when the full data fits already."""
        full = self.train_split or self.train_samples
        if self.run_seconds(epochs) <= seconds:
            return None
        low, high = min(smallest, full), full        # run_seconds grows with the limit
        while high - low > 1:
            middle = (low + high) // 2
            if self.run_seconds(epochs, middle) <= seconds:
                low = middle
            else:
                high = middle
        return max(min(smallest, full), _two_digits(low))

    def describe(self) -> str:
        return f"{about(self.epoch_seconds)} per epoch on {self.device}"


def _two_digits(count: int) -> int:
    """8,437 -> 8,400; 93 -> 93."""
    if count < 100:
        return count
    step = 10 ** (len(str(count)) - 2)
    return count // step * step


def say_seconds(seconds: float) -> str:
    """'under a second', '40 s', '3 min 20 s', '1 h 5 min': the way people say a wait."""
    if seconds < 1:
        return "under a second"
    if round(seconds) < 60:
        return f"{round(seconds)} s"
    if seconds < 3600:
        minutes, rest = divmod(int(round(seconds)), 60)
        return f"{minutes} min {rest} s" if rest and minutes < 10 else f"{minutes} min"
    hours, rest = divmod(int(round(seconds / 60)), 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def about(seconds: float) -> str:
    """'about 40 s', 'under a second'."""
    return say_seconds(seconds) if seconds < 1 else f"about {say_seconds(seconds)}"


# ----- measuring --------------------------------------------------------------------------
@dataclass(frozen=True)
class StepTimes:
    """Seconds per example of a training step and of an evaluation forward."""
    train: float
    eval: float


def _timed(step, cancel):
    """Median seconds of ``step()`` after one warm-up call (compiling, first allocations)."""
    step()
    times, started = [], time.perf_counter()
    while True:
        if cancel is not None and cancel.cancelled:
            raise Cancelled(cancel.reason or "estimate cancelled")
        begin = time.perf_counter()
        step()
        times.append(time.perf_counter() - begin)
        spent = time.perf_counter() - started
        if (len(times) >= MIN_STEPS and spent >= MIN_SECONDS) or spent >= MAX_SECONDS or len(times) >= MAX_STEPS:
            return statistics.median(times)


def _random_batches(data_shape, batch_size, label_names, classes=10, seed=0):
    from .. import ndarray as nd
    from ..io.base import DataBatch
    rng = np.random.RandomState(seed)
    data = nd.array(rng.standard_normal((batch_size,) + tuple(data_shape)).astype(np.float32))
    labels = [nd.array(rng.randint(0, classes, batch_size).astype(np.float32)) for _ in label_names]
    batch = DataBatch([data], labels)
    while True:
        yield batch


def _cycle(data_iter):
    """Endless batches of a DataIter (reset at its end), each fetched as fit fetches it."""
    while True:
        data_iter.reset()
        for batch in data_iter:
            yield batch


def measure_steps(symbol, data_shape, batch_size, ctx=None, label_names=None, batches=None,
                  optimizer="adam", optimizer_params=None, arg_params=None, aux_params=None,
                  fixed_param_names=None, cancel=None) -> StepTimes:
    """Time the training step and the evaluation forward of ``symbol`` on batches of
    ``batch_size`` pictures of ``data_shape`` (C, H, W): ``batches`` (a DataIter of real
    data, its fetching timed too) or random numbers. One process, as a short run uses."""
    from .. import initializer, metric
    from ..module import Module
    from ..module.names import loss_label_inputs
    label_names = list(label_names or loss_label_inputs(symbol) or ["softmax_label"])
    module = Module(symbol, label_names=label_names, context=ctx, fixed_param_names=fixed_param_names or None,
                    lanes=1)
    module.bind(data_shapes=[("data", (int(batch_size),) + tuple(data_shape))],
                label_shapes=[(name, (int(batch_size),)) for name in label_names])
    module.init_params(initializer=initializer.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2.0),
                       arg_params=arg_params or None, aux_params=aux_params or None, allow_missing=True)
    module.init_optimizer(optimizer=optimizer, optimizer_params=optimizer_params or {"learning_rate": 1e-6})
    feed = _cycle(batches) if batches is not None else _random_batches(data_shape, batch_size, label_names)
    scores = metric.create(["acc", "ce"])

    def train_step():
        batch = next(feed)
        module.forward(batch, is_train=True)
        module.backward()
        module.update()
        module.update_metric(scores, batch.label)

    def eval_step():
        batch = next(feed)
        module.forward(batch, is_train=False)
        module.update_metric(scores, batch.label)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        train = _timed(train_step, cancel)
        evaluate = _timed(eval_step, cancel)
    return StepTimes(train / batch_size, evaluate / batch_size)


def estimate_epoch_seconds(symbol, data_shape, batch_size, ctx=None, samples=60_000, eval_samples=0,
                           **options) -> float:
    """Seconds one epoch of ``samples`` training examples (and ``eval_samples`` evaluated
    after it) takes, from a few timed steps (``measure_steps``' options)."""
    steps = measure_steps(symbol, data_shape, batch_size, ctx, **options)
    return samples * steps.train + eval_samples * steps.eval


def estimate_run(network, choice, settings, cancel=None) -> EpochEstimate:
    """The epoch of a ``TrainingSession(network, choice, settings)``, measured on a few
    batches of the chosen data prepared as the session prepares them."""
    from ..io.dataset import sample_source
    from .prepare import DataChoice, prepare_data
    source = choice.source
    built = network.build(source.num_classes, choice.input.shape)
    if built.cached_head is not None:
        from ..errors import NetStudioError
        raise NetStudioError("a frozen fine-tune computes the base's features once, then trains only the "
                             "last layer; its time is not estimated")
    spec = choice.input
    if built.input_shape is not None:
        from ..zoo.installer import load_spec
        from .prepare import zoo_input
        spec = zoo_input(built.input_shape, load_spec(network.name, install=False).preprocess)
    batch_size = int(settings.batch_size)
    few = sample_source(source, 2 * batch_size, settings.seed)
    sample = prepare_data(DataChoice(few, spec, 0.0), batch_size, settings.seed, spec, cancel)
    steps = measure_steps(built.symbol, spec.shape, batch_size, settings.context(), built.label_names,
                          sample.train_iter, settings.optimizer, settings.optimizer_params(), built.arg_params,
                          built.aux_params, built.fixed_param_names, cancel)
    train_split, test_split = len(source.train), len(source.test) if source.test is not None else 0
    held = int(round(train_split * choice.val_fraction))
    evaluated = held if choice.val_fraction > 0 else test_split
    return EpochEstimate(steps.train, steps.eval, train_split - held, evaluated, device_name(settings.device),
                         train_split, test_split, float(choice.val_fraction))


def device_name(key: str) -> str:
    """'cpu' -> 'CPU', 'gpu:0' -> 'GPU 0'."""
    kind, _, index = str(key).partition(":")
    return "CPU" if kind == "cpu" else f"{kind.upper()} {index or 0}"


def quick_choice(choice, limit, seed=0):
    """``choice`` with at most ``limit`` pictures per split (the same ones for the same seed)."""
    from ..io.dataset import sample_source
    return dataclasses.replace(choice, source=sample_source(choice.source, int(limit), seed))
