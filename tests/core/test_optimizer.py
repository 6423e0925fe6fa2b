"""Optimizers and schedulers against hand-written NumPy references of MXNet 1.x's formulas,
and against updates recorded from real MXNet 1.9.1 (tests/fixtures/training/, made by
running the same cases through mxnet.optimizer)."""
from pathlib import Path

import numpy as np
import pytest

import core as mx
from core.errors import FormatError, RegistryError

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "training" / "mxnet_optimizer_updates.npz"

CASES = [
    ("sgd", dict(learning_rate=0.1)),
    ("sgd", dict(learning_rate=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5, clip_gradient=0.3)),
    ("sgd", dict(learning_rate=0.1, wd=0.05, clip_gradient=0.2)),
    ("nag", dict(learning_rate=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5, clip_gradient=0.3)),
    ("nag", dict(learning_rate=0.1, wd=0.01)),
    ("adam", dict(learning_rate=0.01, wd=0.01, rescale_grad=0.5, clip_gradient=0.3)),
    ("rmsprop", dict(learning_rate=0.01, wd=0.01, rescale_grad=0.5, clip_gradient=0.3)),
    ("rmsprop", dict(learning_rate=0.01, wd=0.01, centered=True, rescale_grad=0.5, clip_gradient=0.3,
                     clip_weights=0.9)),
    ("adagrad", dict(learning_rate=0.1, wd=0.01, rescale_grad=0.5, clip_gradient=0.3)),
    ("adadelta", dict(wd=0.01, rescale_grad=0.5, clip_gradient=0.3)),
]


# ----- NumPy references, written from MXNet's kernels (float64) -----------------------------
def clip(x, c):
    return np.clip(x, -c, c) if c is not None else x


def ref_sgd(w, grads, learning_rate, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=None):
    mom = np.zeros_like(w)
    for g in grads:
        d = clip(rescale_grad * g, clip_gradient)
        if momentum:
            mom = momentum * mom - learning_rate * wd * w - learning_rate * d
            w = w + mom
        else:
            w = (1 - learning_rate * wd) * w - learning_rate * d
    return w


def ref_nag(w, grads, learning_rate, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=None):
    mom = np.zeros_like(w)
    for g in grads:
        gc = clip(rescale_grad * g, clip_gradient)
        if not momentum:
            w = w - learning_rate * (gc + wd * w)
            continue
        d = gc + wd * w
        new_mom = momentum * mom - learning_rate * d
        w_new = w + momentum * new_mom - learning_rate * d
        # MXNet writes the weight first (out=weight), then the momentum reads the new weight
        mom = momentum * mom - learning_rate * (gc + wd * w_new)
        w = w_new
    return w


def ref_adam(w, grads, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
             clip_gradient=None):
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        d = clip(rescale_grad * g + wd * w, clip_gradient)
        m = beta1 * m + (1 - beta1) * d
        v = beta2 * v + (1 - beta2) * d * d
        lr = learning_rate * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
        w = w - lr * m / (np.sqrt(v) + epsilon)
    return w


def ref_rmsprop(w, grads, learning_rate, gamma1=0.9, gamma2=0.9, epsilon=1e-8, centered=False,
                clip_weights=None, wd=0.0, rescale_grad=1.0, clip_gradient=None):
    n, c, delta = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for g in grads:
        d = clip(rescale_grad * g + wd * w, clip_gradient)
        n = (1 - gamma1) * d * d + gamma1 * n
        if centered:
            c = (1 - gamma1) * d + gamma1 * c
            delta = gamma2 * delta - learning_rate * d / np.sqrt(n - c * c + epsilon)
            w = w + delta
        else:
            w = w - learning_rate * d / np.sqrt(n + epsilon)
        w = clip(w, clip_weights)
    return w


def ref_adagrad(w, grads, learning_rate, eps=1e-7, wd=0.0, rescale_grad=1.0, clip_gradient=None):
    history = np.zeros_like(w)
    for g in grads:
        d = clip(rescale_grad * g, clip_gradient)
        history = history + d * d
        w = w - learning_rate * (d / np.sqrt(history + eps) + wd * w)
    return w


def ref_adadelta(w, grads, rho=0.9, epsilon=1e-5, wd=0.0, rescale_grad=1.0, clip_gradient=None):
    acc_g, acc_d = np.zeros_like(w), np.zeros_like(w)
    for g in grads:
        d = clip(rescale_grad * g, clip_gradient)
        acc_g = rho * acc_g + (1 - rho) * d * d
        delta = np.sqrt(acc_d + epsilon) / np.sqrt(acc_g + epsilon) * d
        acc_d = rho * acc_d + (1 - rho) * delta * delta
        w = w - (delta + wd * w)
    return w


REFERENCES = {"sgd": ref_sgd, "nag": ref_nag, "adam": ref_adam, "rmsprop": ref_rmsprop,
              "adagrad": ref_adagrad, "adadelta": ref_adadelta}


@pytest.fixture(scope="module")
def recorded():
    return np.load(FIXTURE)


def run_ours(name, kwargs, w0, grads):
    opt = mx.optimizer.create(name, **kwargs)
    weight = mx.nd.array(w0)
    state = opt.create_state(0, weight)
    for g in grads:
        opt.update(0, weight, mx.nd.array(g), state)
    return weight


@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_update_matches_numpy_reference_and_mxnet(case, recorded):
    name, kwargs = CASES[case]
    w0, grads = recorded["w0"], recorded["grads"]
    ours = run_ours(name, kwargs, w0, grads)
    assert ours.dtype == np.float32, "updates must stay in the weight's dtype"
    expected = REFERENCES[name](w0.astype(np.float64), grads.astype(np.float64), **kwargs)
    np.testing.assert_allclose(ours.asnumpy(), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.asnumpy(), recorded[f"case{case}"], rtol=1e-5, atol=1e-6)


def test_update_works_in_place_on_the_weight_array():
    opt = mx.optimizer.create("sgd", learning_rate=0.1, momentum=0.9)
    weight = mx.nd.ones((3,))
    buffer = weight._data
    state = opt.create_state(0, weight)
    opt.update(0, weight, mx.nd.ones((3,)), state)
    assert weight._data is buffer
    np.testing.assert_allclose(buffer, 0.9)
    np.testing.assert_allclose(state.asnumpy(), -0.1)


def test_create_is_case_insensitive_and_rejects_unknown_names():
    assert isinstance(mx.optimizer.create("SGD"), mx.optimizer.SGD)
    assert isinstance(mx.opt.create("RMSProp", centered=True), mx.optimizer.RMSProp)
    with pytest.raises(RegistryError, match="unknown optimizer 'sgdd'.*adam"):
        mx.optimizer.create("sgdd")
    with pytest.raises(TypeError, match="momentm"):
        mx.optimizer.create("sgd", momentm=0.9)


def test_register_twice_raises():
    with pytest.raises(RegistryError, match="registered twice"):
        @mx.optimizer.register
        class SGD(mx.optimizer.Optimizer):
            pass


def test_dumps_round_trips():
    opt = mx.optimizer.create("adam", learning_rate=0.02, beta1=0.8, wd=1e-4)
    again = mx.optimizer.create(opt.dumps())
    assert again.dumps() == opt.dumps()
    assert again.beta1 == 0.8 and again.lr == 0.02


def test_custom_optimizer_writes_only_the_rule():
    @mx.optimizer.register
    class HalfStep(mx.optimizer.Optimizer):
        def step(self, xp, index, weight, grad, state, lr, wd):
            weight -= 0.5 * lr * self.rescaled(xp, grad)

    opt = mx.optimizer.create("halfstep", learning_rate=1.0, rescale_grad=2.0, clip_gradient=1.5)
    weight = mx.nd.zeros((2,))
    opt.update(0, weight, mx.nd.array([1.0, 0.25]), None)
    np.testing.assert_allclose(weight.asnumpy(), [-0.75, -0.25])
    assert opt.num_update == 1


def test_lr_and_wd_multipliers_by_name_index_and_variable_attributes():
    data = mx.sym.Variable("data")
    w = mx.sym.Variable("fc_weight", lr_mult=0.5, wd_mult=2.0)
    net = mx.sym.FullyConnected(data, weight=w, num_hidden=2, name="fc")
    opt = mx.optimizer.create("sgd", learning_rate=1.0, wd=0.1, sym=net,
                              param_idx2name={0: "fc_weight", 1: "fc_bias"})
    assert opt._get_lr(0) == 0.5 and opt._get_wd(0) == pytest.approx(0.2)
    assert opt._get_lr(1) == 1.0 and opt._get_wd(1) == 0.0   # MXNet: no decay on biases
    opt.set_lr_mult({1: 3.0})
    assert opt._get_lr(1) == 3.0


def test_scheduler_drives_the_learning_rate():
    sched = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5)
    opt = mx.optimizer.create("sgd", learning_rate=1.0, lr_scheduler=sched)
    weight = mx.nd.zeros((1,))
    seen = []
    for _ in range(5):
        opt.update(0, weight, mx.nd.ones((1,)), None)
        seen.append(opt.learning_rate)
    assert seen == [1.0, 1.0, 0.5, 0.5, 0.25]
    np.testing.assert_allclose(weight.asnumpy(), [-(1 + 1 + 0.5 + 0.5 + 0.25)])


@pytest.mark.parametrize("kind", ["factor", "multifactor", "cosine", "poly"])
def test_schedulers_match_mxnet(kind, recorded):
    make = {
        "factor": lambda: mx.lr_scheduler.FactorScheduler(step=3, factor=0.5, base_lr=1.0, warmup_steps=2,
                                                          warmup_begin_lr=0.1),
        "multifactor": lambda: mx.lr_scheduler.MultiFactorScheduler(step=[2, 5], factor=0.1, base_lr=1.0),
        "cosine": lambda: mx.lr_scheduler.CosineScheduler(max_update=10, base_lr=1.0, final_lr=0.1,
                                                          warmup_steps=3, warmup_begin_lr=0.2),
        "poly": lambda: mx.lr_scheduler.PolyScheduler(max_update=10, base_lr=1.0, pwr=2, final_lr=0.0,
                                                      warmup_steps=2, warmup_mode="constant",
                                                      warmup_begin_lr=0.5),
    }[kind]
    sched = make()
    expected = recorded["sched_" + kind]
    np.testing.assert_allclose([sched(n) for n in range(len(expected))], expected, rtol=1e-12)


def test_scheduler_arguments_are_checked():
    with pytest.raises(ValueError, match="factor must be <= 1"):
        mx.lr_scheduler.FactorScheduler(step=2, factor=2.0)
    with pytest.raises(ValueError, match="steps must increase"):
        mx.lr_scheduler.MultiFactorScheduler(step=[5, 2])


def test_updater_states_round_trip_without_pickle(tmp_path):
    opt = mx.optimizer.create("adam", learning_rate=0.1)
    updater = mx.optimizer.get_updater(opt)
    weights = [mx.nd.ones((2, 3)), mx.nd.ones((4,))]
    for step in range(3):
        for i, w in enumerate(weights):
            updater(i, mx.nd.ones(w.shape) * (step + 1), w)
    path = tmp_path / "opt.states"
    updater.save(path)
    fresh = mx.optimizer.get_updater(mx.optimizer.create("adam", learning_rate=0.1))
    fresh.load(path)
    for i in range(2):
        for a, b in zip(updater.states[i], fresh.states[i]):
            np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
    assert fresh.optimizer._index_update_count == {0: 3, 1: 3}
    # continuing from the loaded state gives the same weights as continuing the original
    w_a, w_b = weights[0].copy(), weights[0].copy()
    updater(0, mx.nd.ones((2, 3)), w_a)
    fresh(0, mx.nd.ones((2, 3)), w_b)
    np.testing.assert_array_equal(w_a.asnumpy(), w_b.asnumpy())


def test_updater_rejects_foreign_state_files():
    updater = mx.optimizer.get_updater(mx.optimizer.create("sgd"))
    with pytest.raises(FormatError):
        updater.set_states(b"\x80\x04garbage that is a pickle header", source="bad.states")
