"""Process lanes (core/module/lanes.py): a slice of each batch trained in a worker process
must give what one process gives (up to float32 summation order), fail clearly, and leave
no process or shared memory behind. Workers are pooled, so the tests of this file share
one worker (per test process) except the one that kills its worker."""
from __future__ import annotations

import gc
import logging
from multiprocessing import shared_memory
from pathlib import Path

import numpy as np
import pytest

import core as mx
from core.errors import NetStudioError
from core.io.datasets import load_fashion_mnist
from core.module import lane_ops
from core.module.executor_group import ExecutorGroup
from core.module.lane_group import LaneExecutorGroup
from core.module.lanes import ProcessLane
from core.zoo.builtin.lenet import get_symbol

SUBSET = Path(__file__).resolve().parents[2] / "resources" / "datasets" / "fashion-mnist-subset"
QUIET = logging.getLogger("test_lanes")
QUIET.setLevel(logging.ERROR)


@pytest.fixture(scope="module")
def data():
    images, labels = load_fashion_mnist("train", SUBSET)
    images = (images[:768].astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    return images, labels[:768].astype(np.float32)


@pytest.fixture(scope="module")
def weights():
    mx.random.seed(3)
    mod = mx.mod.Module(get_symbol(), logger=QUIET)
    mod.bind(data_shapes=[("data", (64, 1, 28, 28))], label_shapes=[("softmax_label", (64,))])
    mod.init_params(mx.init.Xavier())
    args, _ = mod.get_params()
    return {name: array.asnumpy().copy() for name, array in args.items()}


def lenet(weights, lanes, batch=64, **bind):
    mod = mx.mod.Module(get_symbol(), logger=QUIET, lanes=lanes)
    mod.bind(data_shapes=[("data", (batch, 1, 28, 28))], label_shapes=[("softmax_label", (batch,))], **bind)
    mod.init_params(arg_params={k: mx.nd.array(v) for k, v in weights.items()})
    return mod


def lanes_of(mod):
    return [exe for exe in mod._exec_group.master if isinstance(exe, ProcessLane)]


def batch_of(images, labels):
    return mx.io.DataBatch(data=[mx.nd.array(images)], label=[mx.nd.array(labels)])


def batchnorm_net():
    x = mx.sym.Convolution(mx.sym.Variable("data"), num_filter=4, kernel=(3, 3), name="conv")
    x = mx.sym.BatchNorm(x, name="bn")
    x = mx.sym.FullyConnected(mx.sym.Flatten(mx.sym.Activation(x, act_type="relu")), num_hidden=10, name="fc")
    return mx.sym.SoftmaxOutput(x, name="softmax")


# ----- eligibility -------------------------------------------------------------------------
def test_lenet_may_use_lanes_and_batchnorm_may_not():
    shapes = {"data": (64, 1, 28, 28), "softmax_label": (64,)}
    assert lane_ops.unsupported(get_symbol()) is None
    assert lane_ops.eligible(get_symbol(), shapes, set(shapes), [32, 32])
    assert "BatchNorm" in lane_ops.unsupported(batchnorm_net())
    assert not lane_ops.eligible(batchnorm_net(), shapes, set(shapes), [32, 32])


@pytest.mark.parametrize("build", [
    lambda x: mx.sym.Dropout(x, p=0.5),
    lambda x: mx.sym.Concat(x, x, dim=0),
    lambda x: mx.sym.LeakyReLU(x, act_type="rrelu")[0],
], ids=["Dropout", "Concat on the batch axis", "rrelu"])
def test_batch_dependent_operators_are_refused(build):
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(build(mx.sym.Variable("data")), num_hidden=3), name="softmax")
    assert lane_ops.unsupported(net) is not None


def test_batch_normalised_loss_and_batch_folding_reshape_are_refused():
    data = mx.sym.Variable("data")
    normalised = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(data, num_hidden=3), normalization="batch",
                                      name="softmax")
    assert lane_ops.unsupported(normalised) is not None
    folded = mx.sym.LinearRegressionOutput(mx.sym.Reshape(data, shape=(-1,)), name="reg")
    shapes = {"data": (8, 3), "reg_label": (24,)}
    assert lane_ops.unsupported(folded) is None            # the operator alone is fine...
    assert not lane_ops.eligible(folded, shapes, set(shapes), [4, 4])   # ...not what it does


# ----- results -----------------------------------------------------------------------------
def train_one_epoch(data, weights, optimizer_params, **module):
    mod = mx.mod.Module(get_symbol(), logger=QUIET, **module)
    train = mx.io.NDArrayIter(*data, batch_size=64)
    mod.fit(train, optimizer="sgd", optimizer_params=optimizer_params,
            arg_params={k: mx.nd.array(v) for k, v in weights.items()}, num_epoch=1)
    args, _ = mod.get_params()
    train.reset()
    return mod, {k: v.asnumpy() for k, v in args.items()}, dict(mod.score(train, "acc"))


def test_one_epoch_with_lanes_trains_as_one_process(data, weights):
    sgd = {"learning_rate": 0.05}
    one, one_weights, one_acc = train_one_epoch(data, weights, sgd, lanes=1)
    two, two_weights, two_acc = train_one_epoch(data, weights, sgd, lanes=2)
    assert not lanes_of(one) and len(lanes_of(two)) == 1
    assert (one.processes, two.processes) == (1, 2)
    # the kind of group is chosen at bind: lanes only when asked for
    assert type(one._exec_group) is ExecutorGroup and type(two._exec_group) is LaneExecutorGroup
    for name, value in one_weights.items():
        assert not np.array_equal(value, weights[name])
        # the halves' gradients are summed in another order than the whole batch's
        np.testing.assert_allclose(two_weights[name], value, rtol=1e-5, atol=1e-5 * np.abs(value).max(),
                                   err_msg=name)
    assert two_acc == one_acc


def test_lanes_train_exactly_as_two_devices(data, weights):
    """The same split as MXNet-style data parallelism over two contexts: the same sums in
    the same order, so the same weights (with momentum, where one process and two halves
    drift apart as soon as a ReLU or a max flips on a rounding difference)."""
    sgd = {"learning_rate": 0.1, "momentum": 0.9}
    _, lanes_weights, lanes_acc = train_one_epoch(data, weights, sgd, lanes=2)
    _, devices_weights, devices_acc = train_one_epoch(data, weights, sgd, context=[mx.cpu(0), mx.cpu(1)])
    for name, value in devices_weights.items():
        np.testing.assert_allclose(lanes_weights[name], value, rtol=1e-6, atol=1e-7, err_msg=name)
    assert lanes_acc == devices_acc


def test_outputs_and_input_gradients_match_one_process(data, weights):
    images, labels = data[0][:64], data[1][:64]
    one = lenet(weights, 1, inputs_need_grad=True)
    two = lenet(weights, 2, inputs_need_grad=True)
    assert lanes_of(two)
    for is_train in (False, True):
        for mod in (one, two):
            mod.forward(batch_of(images, labels), is_train=is_train)
        np.testing.assert_allclose(two.get_outputs()[0].asnumpy(), one.get_outputs()[0].asnumpy(),
                                   rtol=1e-5, atol=1e-7)
    for mod in (one, two):
        mod.backward()
    np.testing.assert_allclose(two.get_input_grads()[0].asnumpy(), one.get_input_grads()[0].asnumpy(),
                               rtol=1e-5, atol=1e-7)


def test_other_batch_sizes_run_here_and_training_goes_on(data, weights):
    one, two = lenet(weights, 1), lenet(weights, 2)
    for size in (64, 50, 64):   # 50: a smaller last batch; then back to the lanes
        batch = batch_of(data[0][:size], data[1][:size])
        for mod in (one, two):
            if not mod.optimizer_initialized:
                mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.1})
            mod.forward_backward(batch)
            mod.update()
        np.testing.assert_allclose(two.get_outputs()[0].asnumpy(), one.get_outputs()[0].asnumpy(),
                                   rtol=1e-5, atol=1e-6)
    assert len(two._exec_group.execs) == 2   # the bound size runs in lanes again
    for name, value in one.get_params()[0].items():
        np.testing.assert_allclose(two.get_params()[0][name].asnumpy(), value.asnumpy(), rtol=1e-5, atol=1e-6)


def test_a_monitor_turns_lanes_off_and_keeps_the_weights(data, weights):
    mod = lenet(weights, 2)
    mod.install_monitor(mx.mon.Monitor(1))
    assert not lanes_of(mod)
    mod.forward(batch_of(data[0][:64], data[1][:64]), is_train=False)
    args, _ = mod.get_params()
    np.testing.assert_array_equal(args["fc1_weight"].asnumpy(), weights["fc1_weight"])


def test_batchnorm_network_ignores_lanes_and_trains(data):
    mod = mx.mod.Module(batchnorm_net(), logger=QUIET, lanes=2)
    train = mx.io.NDArrayIter(data[0][:256], data[1][:256], batch_size=64)
    mod.fit(train, optimizer="sgd", optimizer_params={"learning_rate": 0.1}, num_epoch=1,
            initializer=mx.init.Xavier())
    assert not lanes_of(mod) and type(mod._exec_group) is ExecutorGroup
    assert np.isfinite(mod.get_params()[0]["fc_weight"].asnumpy()).all()


def test_lane_count_comes_from_the_argument_or_the_environment(monkeypatch):
    monkeypatch.setenv("NETSTUDIO_LANES", "2")
    assert mx.mod.Module(get_symbol()).lane_policy == mx.mod.LanePolicy(2)
    assert mx.mod.Module(get_symbol(), lanes=1).lane_policy == mx.mod.LanePolicy(1)
    monkeypatch.delenv("NETSTUDIO_LANES")
    assert mx.mod.Module(get_symbol()).lane_policy == mx.mod.LanePolicy()   # fit chooses
    for wrong in (0, 1.5, True, "2"):
        with pytest.raises(ValueError):
            mx.mod.Module(get_symbol(), lanes=wrong)
    monkeypatch.setenv("NETSTUDIO_LANES", "two")
    with pytest.raises(ValueError, match="NETSTUDIO_LANES"):
        mx.mod.Module(get_symbol())


# ----- failures and clean-up ------------------------------------------------------------
def test_a_worker_error_is_raised_naming_the_lane_and_the_lane_recovers(data, weights):
    mod = lenet(weights, 2)
    lane = lanes_of(mod)[0]
    lane._worker.send(("rewind", lane._key, False), lane.name)   # a command the worker refuses
    with pytest.raises(NetStudioError, match=r"process lane 1 \(samples 32-63.*'rewind'"):
        lane.wait()
    mod.forward_backward(batch_of(data[0][:64], data[1][:64]))
    assert mod.non_finite() is None


def test_a_dead_worker_is_an_error_not_a_hang(data, weights):
    mod = lenet(weights, 2)
    lane = lanes_of(mod)[0]
    lane._worker.process.kill()
    lane._worker.process.wait()
    with pytest.raises(NetStudioError, match="process lane 1"):
        mod.forward_backward(batch_of(data[0][:64], data[1][:64]))
    mod._exec_group.close()
    assert not lane._worker.alive()


def test_closing_frees_shared_memory(weights):
    mod = lenet(weights, 2)
    lane = lanes_of(mod)[0]
    name, worker = lane._memory.name, lane._worker
    del lane
    mod.bind(data_shapes=[("data", (64, 1, 28, 28))], label_shapes=[("softmax_label", (64,))],
             force_rebind=True)   # the old binding's lane is closed
    with pytest.raises(FileNotFoundError):
        shared_memory.SharedMemory(name=name)
    assert worker.alive()   # kept for the next lane
    names = [lane._memory.name for lane in lanes_of(mod)]
    del mod
    gc.collect()
    for name in names:
        with pytest.raises(FileNotFoundError):
            shared_memory.SharedMemory(name=name)


# ----- the worker is a program of its own ----------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]
UNGUARDED = """\
import logging, sys
import numpy as np
import core as mx
from core.module.lanes import ProcessLane
from core.zoo.builtin.lenet import get_symbol

print("top level of the script", flush=True)    # no `if __name__ == "__main__":` anywhere
rng = np.random.default_rng(0)
train = mx.io.NDArrayIter(rng.random((256, 1, 28, 28), dtype=np.float32),
                          rng.integers(0, 10, 256).astype(np.float32), batch_size=64)
mod = mx.mod.Module(get_symbol(), lanes=2, logger=logging.getLogger("quiet"))
mod.fit(train, optimizer="sgd", optimizer_params={"learning_rate": 0.05}, num_epoch=1,
        initializer=mx.init.Xavier())
lanes = [e for e in mod._exec_group.master if isinstance(e, ProcessLane)]
print("lanes", len(lanes), "pid", lanes[0]._worker.process.pid if lanes else None, flush=True)
if sys.argv[1:] == ["die"]:
    import os, signal
    os.kill(os.getpid(), signal.SIGKILL)   # the parent dies without closing anything
"""


def run_script(tmp_path, *args):
    import subprocess
    import sys
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED)
    # the script's own folder, not the checkout, is the current directory (as for a user)
    return subprocess.run([sys.executable, str(script), *args], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})


def test_a_script_without_a_main_guard_runs_its_top_level_once(tmp_path):
    result = run_script(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("top level of the script") == 1, result.stdout
    assert "lanes 1 pid" in result.stdout


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGKILL"), reason="POSIX signals")
def test_a_worker_ends_when_its_parent_dies(tmp_path):
    import os
    import time
    result = run_script(tmp_path, "die")
    assert result.stdout.count("top level of the script") == 1, result.stdout
    pid = int(result.stdout.split("pid")[-1])

    def running():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        try:   # a zombie of an orphan is reaped by init; count it as ended
            return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
        except OSError:
            return True

    for _ in range(600):   # the worker sees end-of-file at once; wait generously, never fail early
        if not running():
            break
        time.sleep(0.05)
    assert not running()


def test_a_worker_that_cannot_start_is_an_error_and_fit_uses_one_process(monkeypatch, data, weights):
    import sys
    from core.module import lanes
    monkeypatch.setattr(lanes, "_idle", [])           # no pooled worker: start a new one
    monkeypatch.setattr(lanes, "START_SECONDS", 0.5)
    monkeypatch.setattr(lanes, "_command", lambda address: [sys.executable, "-c", "import time; time.sleep(30)"])
    with pytest.raises(NetStudioError, match="did not connect"):
        lanes._Worker()
    monkeypatch.setattr(lanes, "_command", lambda address: [sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(NetStudioError, match="exited with code 3"):
        lanes._Worker()
    mod = lenet(weights, 2)   # the lanes are unavailable: one process, with a warning in the log
    assert not lanes_of(mod) and len(mod._exec_group.execs) == 1


@pytest.mark.skipif(__import__("os").name != "posix", reason="a shell script stands for the frozen app")
def test_the_frozen_app_serves_as_its_own_worker(monkeypatch, tmp_path, weights, data):
    """Frozen, sys.executable is the app: netstudio.main runs the worker on the hidden flag."""
    import sys
    from netstudio import main
    from core.module import lanes
    assert main([lanes.WORKER_FLAG, "nowhere"]) == 2   # no key in the environment: refused
    app = tmp_path / "NetStudio"
    app.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "import sys; from netstudio import main; '
                   f'sys.exit(main(sys.argv[1:]))" "$@"\n')
    app.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app))
    monkeypatch.setattr(lanes, "_idle", [])
    assert lanes._command("ADDRESS") == [str(app), lanes.WORKER_FLAG, "ADDRESS"]
    one, two = lenet(weights, 1), lenet(weights, 2)
    assert lanes_of(two)
    for mod in (one, two):
        mod.forward(batch_of(data[0][:64], data[1][:64]), is_train=False)
    np.testing.assert_allclose(two.get_outputs()[0].asnumpy(), one.get_outputs()[0].asnumpy(), rtol=1e-5, atol=1e-7)
    worker = lanes_of(two)[0]._worker
    two._exec_group.close()
    worker.close()
    assert not worker.alive()


# ----- how many lanes fit uses when nobody said --------------------------------------------
def fit_lenet(data, weights, samples=256, epochs=1, fit_lanes=None, **module):
    mod = mx.mod.Module(get_symbol(), logger=QUIET, **module)
    train = mx.io.NDArrayIter(data[0][:samples], data[1][:samples], batch_size=64)
    mod.fit(train, optimizer="sgd", optimizer_params={"learning_rate": 0.05}, num_epoch=epochs,
            arg_params={k: mx.nd.array(v) for k, v in weights.items()}, lanes=fit_lanes)
    return mod


@pytest.fixture
def auto(monkeypatch):
    """No NETSTUDIO_LANES, two cores, and a training of 512 samples counts as long."""
    from core.module import lane_policy
    from core.backend.cpu import parallel
    monkeypatch.delenv("NETSTUDIO_LANES", raising=False)
    monkeypatch.setattr(parallel, "THREADS", 2)
    monkeypatch.setattr(lane_policy, "LANES_FROM_SAMPLES", 512)


def test_the_rule(auto, monkeypatch):
    from core.module.lane_policy import LanePolicy
    from core.backend.cpu import parallel
    rule = LanePolicy()
    assert [rule.lanes_for(n) for n in (None, 0, 511, 512, 10 ** 9)] == [1, 1, 1, 2, 2]
    assert LanePolicy(from_samples=1000).lanes_for(600) == 1
    assert LanePolicy(3).lanes_for(None) == LanePolicy(3).lanes_for(10) == 3   # a count given wins
    monkeypatch.setattr(parallel, "THREADS", 1)   # one core: no worker to share it with
    assert rule.lanes_for(10 ** 9) == 1


def test_a_long_fit_uses_two_lanes_and_a_short_one_does_not(auto, data, weights):
    assert len(lanes_of(fit_lenet(data, weights, samples=256, epochs=2))) == 1   # 512 samples
    assert not lanes_of(fit_lenet(data, weights, samples=256, epochs=1))         # 256 samples


def test_lanes_given_win_over_the_rule(auto, monkeypatch, data, weights):
    assert not lanes_of(fit_lenet(data, weights, samples=512, lanes=1))
    monkeypatch.setenv("NETSTUDIO_LANES", "1")
    assert not lanes_of(fit_lenet(data, weights, samples=512))


def test_fit_takes_a_lane_policy_of_its_own(auto, data, weights):
    """fit's ``lanes`` wins over the module's for that binding: a count, or a policy asked
    about the run's length."""
    from core.module.lane_policy import LanePolicy
    mod = fit_lenet(data, weights, samples=256, lanes=1, fit_lanes=2)
    assert mod.processes == 2 and mod.lane_policy == LanePolicy(1)
    mod = fit_lenet(data, weights, samples=256, fit_lanes=LanePolicy(from_samples=256))
    assert mod.processes == 2
    mod = fit_lenet(data, weights, samples=256, lanes=2, fit_lanes=LanePolicy())   # 256 < 512
    assert mod.processes == 1


def test_an_iterator_of_unknown_length_uses_one_process(auto, data, weights):
    class Unsized:
        """An iterator that cannot tell how many batches it holds (no len, no num_data)."""

        def __init__(self, inner):
            self.inner, self.provide_data, self.provide_label = inner, inner.provide_data, inner.provide_label

        def __iter__(self):
            return iter(self.inner)

        def reset(self):
            self.inner.reset()

    mod = mx.mod.Module(get_symbol(), logger=QUIET)
    train = Unsized(mx.io.NDArrayIter(data[0][:512], data[1][:512], batch_size=64))
    mod.fit(train, optimizer="sgd", num_epoch=1, arg_params={k: mx.nd.array(v) for k, v in weights.items()})
    assert not lanes_of(mod)


def test_an_ineligible_network_trains_in_one_process_without_a_word(auto, data, caplog):
    mod = mx.mod.Module(batchnorm_net(), logger=QUIET)
    train = mx.io.NDArrayIter(data[0][:512], data[1][:512], batch_size=64)
    with caplog.at_level(logging.WARNING):
        mod.fit(train, optimizer="sgd", num_epoch=1, initializer=mx.init.Xavier())
    assert mod.lane_policy.lanes_for(512) == 2   # the rule asks for two...
    assert mod.processes == 1 and not lanes_of(mod) and not caplog.records   # ...the network cannot
