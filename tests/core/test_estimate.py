"""Before training starts: how long an epoch takes (measured on a few real steps) and the
size of a quick run (about a minute)."""
import pytest

from core.errors import Cancelled
from core.events import CancelToken
from core.io.datasets import bundled_subset_dir
from core.session import DataChoice, NetworkChoice, TrainingSession, TrainSettings, choose_input, open_fashion_mnist
from core.session.estimate import QUICK_SECONDS, EpochEstimate, estimate_run, quick_choice, say_seconds


@pytest.fixture(scope="module")
def choice():
    source = open_fashion_mnist(bundled_subset_dir())
    return DataChoice(source, choose_input(source, "standardize"))


def test_the_estimate_is_near_the_epoch_that_then_runs(choice):
    settings = TrainSettings(epochs=1, batch_size=64)
    network = NetworkChoice.template("lenet")
    estimate = estimate_run(network, choice, settings)
    assert (estimate.train_samples, estimate.eval_samples) == (6000, 1000)
    record = TrainingSession(network, choice, settings).run()
    real = record.curves["epoch"]["seconds"][0]
    # a shared, busy CPU: the same order of magnitude is what the person needs to know
    assert real / 3 < estimate.epoch_seconds < real * 3, (estimate.epoch_seconds, real)


def test_a_bigger_batch_of_work_is_estimated_longer(choice):
    lenet = estimate_run(NetworkChoice.template("lenet"), choice, TrainSettings(batch_size=64))
    mlp = estimate_run(NetworkChoice.template("mlp"), choice, TrainSettings(batch_size=64))
    assert lenet.train_seconds_per_sample > mlp.train_seconds_per_sample     # convolutions cost more


def test_the_quick_run_is_sized_to_about_a_minute():
    estimate = EpochEstimate(2e-3, 5e-4, 60_000, 10_000, train_split=60_000, test_split=10_000)
    assert estimate.describe() == "about 2 min 5 s per epoch on CPU"
    limit = estimate.quick_limit(epochs=5)
    assert 1000 < limit < 60_000
    assert estimate.run_seconds(5, limit) <= QUICK_SECONDS
    assert estimate.run_seconds(5, int(limit * 1.1)) > QUICK_SECONDS * 0.95   # not needlessly small
    assert estimate.sizes(limit) == (limit, min(limit, 10_000))


def test_no_quick_run_when_the_whole_run_is_quick_already():
    estimate = EpochEstimate(1e-5, 1e-6, 6000, 1000, train_split=6000, test_split=1000)
    assert estimate.run_seconds(5) < QUICK_SECONDS
    assert estimate.quick_limit(epochs=5) is None
    assert estimate.describe() == "under a second per epoch on CPU"


def test_held_out_validation_shrinks_with_the_quick_run():
    estimate = EpochEstimate(1e-3, 1e-4, 9000, 1000, train_split=10_000, val_fraction=0.1)
    assert estimate.sizes(2000) == (1800, 200)


def test_quick_choice_keeps_at_most_the_limit_of_each_split(choice):
    quick = quick_choice(choice, 500)
    assert (len(quick.source.train), len(quick.source.test)) == (500, 500)
    assert quick.input == choice.input and len(choice.source.train) == 6000


def test_a_cancelled_estimate_stops(choice):
    token = CancelToken()
    token.cancel("the choice changed")
    with pytest.raises(Cancelled):
        estimate_run(NetworkChoice.template("mlp"), choice, TrainSettings(), cancel=token)


@pytest.mark.parametrize("seconds, said", [(0.3, "under a second"), (40.4, "40 s"), (59.6, "1 min"), (200, "3 min 20 s"),
                                           (1500, "25 min"), (3900, "1 h 5 min")])
def test_waits_are_said_as_people_say_them(seconds, said):
    assert say_seconds(seconds) == said
