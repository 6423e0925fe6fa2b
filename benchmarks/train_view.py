"""LeNet on the full Fashion-MNIST through the Train view (the app's own window, offscreen,
its worker thread, live charts and all) beside ``Module.fit`` on the same data and
settings: samples/s of each epoch, and the ratio (issue 20: within 10 %).

    python benchmarks/train_view.py [--epochs 2]

SGD: learning rate 0.1, momentum 0.9, batch 128, MSRA initialisation, as the Train view
runs it; all take their process lanes by Module.fit's own rule. The view's own engine
(its TrainingSession, no window) runs too, so the window's share and the session's are
told apart. They alternate (view, session, fit, view, ...) so a busy moment of the machine hits both; figures are printed, never
asserted. The view's run history goes to a temporary folder.
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import print_machine  # noqa: E402

import core as mx  # noqa: E402
from core.io.datasets import find_fashion_mnist  # noqa: E402

LR, MOMENTUM, BATCH = 0.1, 0.9, 128


def through_the_view(window, root, epochs):
    """Seconds-per-epoch speeds (samples/s) of one run started with the Start button."""
    from PySide6.QtCore import QEventLoop
    view = window.show_view("train")
    form = view.form
    form.select_template("lenet")
    if not form.select_dataset_folder(root):
        raise SystemExit(f"the Train view did not open {root}")
    form.run_size.full_run.setChecked(True)
    form.optimizer.setCurrentIndex(form.optimizer.findData("sgd"))
    form.learning_rate.setValue(LR)
    form.batch_size.setValue(BATCH)
    form.epochs.setValue(epochs)
    form.initializer.setCurrentIndex(form.initializer.findData("msra"))
    finished, loop = [], QEventLoop()
    view.sigRunFinished.connect(lambda record: (finished.append(record), loop.quit()))
    view.start_button.click()
    loop.exec()
    view.sigRunFinished.disconnect()
    if finished[0]["status"] != "completed":
        raise SystemExit(f"the run ended: {finished[0]['status']}: {finished[0]['message']}")
    record = finished[0]
    return list(record["curves"]["epoch"]["speed"]), record["final"].get("test_accuracy")


def through_session(root, epochs, history):
    """The Train view's engine without the window: its TrainingSession, same settings."""
    from core.session import DataChoice, NetworkChoice, RunHistory, TrainSettings, choose_input, open_fashion_mnist
    from core.session.runner import TrainingSession
    source = open_fashion_mnist(root)
    settings = TrainSettings(optimizer="sgd", learning_rate=LR, momentum=MOMENTUM, batch_size=BATCH,
                             epochs=epochs, initializer="msra")
    session = TrainingSession(NetworkChoice.template("lenet"), DataChoice(source, choose_input(source)),
                              settings, history=RunHistory(history))
    session.run()
    return list(session.curves.epoch["speed"])


def through_fit(root, epochs):
    from core.io.datasets import load_fashion_mnist
    from core.zoo.builtin.lenet import get_symbol
    images, labels = load_fashion_mnist("train", root)
    train = mx.io.NDArrayIter((images.astype("float32") / 255).reshape(-1, 1, 28, 28), labels.astype("float32"),
                              batch_size=BATCH, shuffle=True)
    speeds = []
    quiet = logging.getLogger("train_view_bench")
    quiet.setLevel(logging.ERROR)
    mod = mx.mod.Module(get_symbol(), logger=quiet)
    mod.fit(train, optimizer="sgd", optimizer_params={"learning_rate": LR, "momentum": MOMENTUM},
            initializer=mx.init.MSRAPrelu(), num_epoch=epochs,
            callbacks=[lambda e: speeds.append(e.samples_per_sec) if isinstance(e, mx.events.EpochEnd) else None])
    return speeds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    print_machine()
    root = find_fashion_mnist(include_subset=False)
    if root is None:
        raise SystemExit("the full Fashion-MNIST was not found (set NETSTUDIO_DATA to its folder)")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as home:
        os.environ["XDG_DATA_HOME"] = home           # the view's run history
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, home)
        from app import MainWindow
        window = MainWindow(settings=QSettings(os.path.join(home, "settings.ini"), QSettings.Format.IniFormat))
        window.resize(1280, 820)
        window.show()
        view_speeds, session_speeds, fit_speeds = [], [], []
        for round_ in range(args.rounds):
            tic = time.perf_counter()
            speeds, accuracy = through_the_view(window, root, args.epochs)
            view_speeds += speeds
            print(f"round {round_ + 1}: Train view {', '.join(f'{s:,.0f}' for s in speeds)} samples/s per epoch "
                  f"(test accuracy {accuracy:.4f}; {time.perf_counter() - tic:.0f} s with the evaluation)")
            speeds = through_session(root, args.epochs, os.path.join(home, "runs"))
            session_speeds += speeds
            print(f"round {round_ + 1}: its session {', '.join(f'{s:,.0f}' for s in speeds)} samples/s per epoch "
                  "(no window)")
            speeds = through_fit(root, args.epochs)
            fit_speeds += speeds
            print(f"round {round_ + 1}: Module.fit  {', '.join(f'{s:,.0f}' for s in speeds)} samples/s per epoch")
        window.close()
        app.processEvents()
    best_view, best_fit = max(view_speeds), max(fit_speeds)
    print(f"best epoch: Train view {best_view:,.0f}, its session without a window {max(session_speeds):,.0f} "
          f"samples/s: view/session = {best_view / max(session_speeds):.2f}; medians "
          f"{statistics.median(view_speeds) / statistics.median(session_speeds):.2f}")
    print(f"best epoch: Train view {best_view:,.0f}, Module.fit {best_fit:,.0f} samples/s: "
          f"view/fit = {best_view / best_fit:.2f}; medians {statistics.median(view_speeds):,.0f} and "
          f"{statistics.median(fit_speeds):,.0f}: {statistics.median(view_speeds) / statistics.median(fit_speeds):.2f} "
          f"(target ≥ 0.90)")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
