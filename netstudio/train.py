"""``netstudio train``: train a network from the command line, the Train view's twin.

    netstudio train NETWORK DATA [--epochs 5] [--batch-size 128] [--optimizer adam] [--lr 0.003]
                    [--ctx cpu|gpu] [--out PREFIX [--resume]] [--finetune frozen|full [--base-lr-mult 0.1]]
                    [--epoch N] [--val FRACTION] [--limit N | --quick] [--estimate] [--json]

NETWORK is a builtin network (``lenet``, ``mlp``, ``resnet18_v1`` …: the editor's
templates), a pretrained zoo model to fine-tune with a new last layer, a symbol JSON file
(saved from the editor), or a checkpoint prefix to train further (``PREFIX-symbol.json``
with ``PREFIX-NNNN.params``; ``--epoch``, default its latest). DATA is anything the Data
view opens (a folder of MNIST-format IDX files, a folder with one subfolder of pictures
per class, a CSV file of pictures) or ``fashion-mnist`` / ``fashion-mnist-subset``.

The run is a ``core.session.TrainingSession``, the Train view's engine: the same data
preparation, checkpoints (``PREFIX-symbol.json``, ``PREFIX-NNNN.params`` and
``PREFIX-meta.json`` after every epoch, written atomically), final evaluation and entry in
the run history. Progress goes to stderr, one line per epoch to stdout (``--json``: a JSON
object per epoch, then one for the end). Ctrl-C saves the weights and stops after the
current batch (exit 130); ``--resume`` goes on from the latest checkpoint of ``--out``.

Fine-tuning a zoo model (``--finetune``) is ``mx.model.finetune``'s engine: ``frozen``
keeps the pretrained layers as they are, puts each picture through them once and trains
a new last layer on those cached features (cheap); ``full`` trains every layer, the
pretrained ones at ``--base-lr-mult`` times the learning rate (MXNet's ``lr_mult``).
See FINETUNE_HELP for when each wins.

``--quick`` trains on a subset sized for about a minute on this machine, and
``--estimate`` only says how long an epoch will take: both time a few real training steps
of the network on the data first (``core.session.estimate``) and print the estimate.

Exit codes: 0 trained (or estimated), 1 training failed or diverged, 2 a usage error (one line on
stderr naming the file or option and the fix), 130 interrupted.
"""
from __future__ import annotations

import argparse
import ast
import difflib
import json
import signal
import sys
from pathlib import Path

from core.errors import NetStudioError
from .progress import ProgressBar

PROG = "netstudio train"
INTERRUPTED = 130
FINETUNE_MODES = ("frozen", "full")
DEFAULT_BASE_LR_MULT = 0.1
FINETUNE_HELP = """\
fine-tuning a zoo model (--finetune): frozen trains a new last layer on the base's features,
computed once per picture (an epoch costs a few matrix products); full trains every layer,
the pretrained ones at --base-lr-mult times --lr (0.1 by default; 0 keeps them fixed), and
runs every picture through the whole network every epoch.
Which wins, with fashion-mnist-lenet on bundled Fashion-MNIST pictures (400 training and 400
held-out pictures, 20 epochs, --optimizer sgd --lr 0.05 --batch-size 16; README: Fine-tuning):
  a task the base never learnt (upright vs upside-down): frozen 0.845, full 0.905 (base x1),
    0.892 (base x0.1) with mx.model.finetune; netstudio train --val 0.5: frozen 0.878,
    full 0.895 (x1), 0.935 (x0.1) - train every layer;
  the base's own classes regrouped into 3: frozen 0.985, full 0.990 (x0.1), 0.500 (x1, the
    base wrecked) - frozen is as good, and its 20 epochs took 1.2 s against 7.0 s.
Start with frozen; go full when the new classes depend on what the base was not trained
to see, and there are enough pictures (a few hundred) to move its weights."""


class UsageError(Exception):
    """A mistake on the command line; the message names it and says what to do."""


def add_arguments(parser):
    from core.session import OPTIMIZERS
    parser.add_argument("network", metavar="NETWORK",
                        help="builtin network (lenet, mlp …), zoo model, symbol JSON file or checkpoint prefix")
    parser.add_argument("data", metavar="DATA", help="IDX folder, folder of class subfolders, CSV file, "
                                                     "or fashion-mnist / fashion-mnist-subset")
    parser.add_argument("--epochs", type=int, default=5, help="epochs in all, counting resumed ones "
                                                              "(default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=128, help="(default: %(default)s)")
    parser.add_argument("--optimizer", default="adam", choices=list(OPTIMIZERS), help="(default: %(default)s)")
    parser.add_argument("--lr", type=float, default=0.003, help="learning rate (default: %(default)s)")
    parser.add_argument("--momentum", type=float, default=0.9, help="sgd/nag momentum (default: %(default)s)")
    parser.add_argument("--wd", type=float, default=0.0, help="weight decay (default: %(default)s)")
    parser.add_argument("--ctx", default="cpu", choices=("cpu", "gpu"), help="device (default: %(default)s)")
    parser.add_argument("--out", metavar="PREFIX", help="checkpoint prefix: PREFIX-NNNN.params after every "
                        "epoch (default: the run's folder in the history)")
    parser.add_argument("--resume", action="store_true", help="go on from the latest checkpoint of --out")
    parser.add_argument("--finetune", choices=FINETUNE_MODES, help="a zoo model: train only a new last layer "
                        "on cached features (frozen, the default for zoo models) or every layer (full); "
                        "see below")
    parser.add_argument("--base-lr-mult", type=float, metavar="MULT",
                        help=f"--finetune full: the pretrained layers learn at MULT times --lr "
                             f"(default: {DEFAULT_BASE_LR_MULT}; 0 keeps them fixed, 1 the full rate)")
    parser.epilog = FINETUNE_HELP
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--epoch", type=int, help="NETWORK is a checkpoint: start from this epoch (default: latest)")
    parser.add_argument("--val", type=float, default=0.0, metavar="FRACTION",
                        help="hold out this fraction of train to validate on (default: the test split)")
    parser.add_argument("--limit", type=int, metavar="N", help="use at most N examples of each split")
    parser.add_argument("--quick", action="store_true", help="a quick run: as many pictures of each split as "
                        "train in about a minute here (measured first)")
    parser.add_argument("--estimate", action="store_true", help="say how long an epoch and the run will take "
                        "(measured on a few real steps), then exit")
    parser.add_argument("--seed", type=int, default=42, help="(default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per epoch")


def run(args):
    try:
        session = build_session(args)
    except (UsageError, NetStudioError) as error:
        return usage_error(error)
    if session is None:      # --estimate: said, nothing to train
        return 0
    return Reporter(args.json, session).follow()


def usage_error(error):
    print(f"{PROG}: {error}", file=sys.stderr)
    return 2


# ----- what to train, on what ------------------------------------------------------------------
def build_session(args):
    from core.session import DataChoice, TrainingSession, TrainSettings
    settings = TrainSettings(optimizer=args.optimizer, learning_rate=args.lr, momentum=args.momentum,
                             weight_decay=args.wd, batch_size=args.batch_size, epochs=args.epochs,
                             device="gpu:0" if args.ctx == "gpu" else "cpu", seed=args.seed)
    if not 0 <= args.val < 1:
        raise UsageError(f"--val is the fraction of train held out, at least 0 and below 1; got {args.val}")
    if args.limit is not None and args.limit < 1:
        raise UsageError(f"--limit must be at least 1, got {args.limit}")
    if args.quick and args.limit is not None:
        raise UsageError("--quick chooses how many pictures to use; leave --limit out (or --quick)")
    network = network_choice(args)
    if args.epoch is not None and network.kind != "checkpoint":
        raise UsageError(f"--epoch picks the weights of a checkpoint, and {args.network} is not one "
                         f"(PREFIX-symbol.json); leave --epoch out")
    source = open_data(args.data, args.limit, args.seed)
    prefix, resume_epoch = output(args)
    data = DataChoice(source, input_for(network, source), args.val)
    if args.quick or args.estimate:
        data = estimate_first(network, data, settings, args)
        if args.estimate:
            return None
    return TrainingSession(network, data, settings, prefix=prefix, resume_epoch=resume_epoch, save_on_stop=True)


def estimate_first(network, data, settings, args):
    """Time a few steps, say how long an epoch takes (stderr), and cut the data to a
    quick run's size when --quick asks for one."""
    from core.session.estimate import about, estimate_run, quick_choice
    estimate = estimate_run(network, data, settings)
    limit = estimate.quick_limit(settings.epochs) if args.quick else None
    train, _ = estimate.sizes(limit)
    epochs = f"{settings.epochs} epoch{'s' if settings.epochs != 1 else ''}"
    print(f"{PROG}: {about(estimate.epoch_seconds_at(limit))} per epoch on {estimate.device} "
          f"({train:,} training pictures); {epochs}: {about(estimate.run_seconds(settings.epochs, limit))}",
          file=sys.stderr, flush=True)
    if args.quick and limit is None:
        print(f"{PROG}: --quick: the whole data takes under a minute already; using all of it",
              file=sys.stderr, flush=True)
    return quick_choice(data, limit, args.seed) if limit is not None else data


def network_choice(args):
    """NETWORK as a NetworkChoice: a zoo model with --finetune, else a symbol JSON file,
    a checkpoint prefix, a builtin network or (last) a zoo model."""
    from core.session import NetworkChoice
    from core.zoo.builtin import list_networks
    name = args.network
    if args.base_lr_mult is not None and not args.finetune:
        raise UsageError("--base-lr-mult goes with --finetune full (a zoo model, every layer trained)")
    if args.finetune:
        if name not in zoo_models():
            raise UsageError(f"--finetune needs a pretrained zoo model, and {name!r} is not one; "
                             f"see `netstudio zoo list`")
        if args.base_lr_mult is not None and args.finetune != "full":
            raise UsageError("--base-lr-mult sets the pretrained layers' rate of --finetune full; the frozen "
                             "base does not train (leave --base-lr-mult out, or use --finetune full)")
        if args.base_lr_mult is not None and not 0 <= args.base_lr_mult <= 1:
            raise UsageError(f"--base-lr-mult {args.base_lr_mult:g}: give a number from 0 (the base stays as "
                             f"it is) to 1 (the base at the full rate)")
        mult = DEFAULT_BASE_LR_MULT if args.base_lr_mult is None else args.base_lr_mult
        return NetworkChoice.zoo(name, args.finetune, mult)
    path = Path(name)
    if path.name.endswith("-symbol.json"):      # a checkpoint named by its symbol file
        path = Path(str(path)[:-len("-symbol.json")])
    if Path(f"{path}-symbol.json").is_file():
        return NetworkChoice.checkpoint(path, checkpoint_epoch(path, args.epoch))
    if path.suffix.lower() == ".json" and path.is_file():
        return NetworkChoice.editor(load_symbol(path), path.stem)
    if name in list_networks():
        return NetworkChoice.template(name)
    if name in zoo_models():
        return NetworkChoice.zoo(name)
    known = list_networks() + sorted(zoo_models())
    close = difflib.get_close_matches(name, known, n=3)
    hint = f"did you mean {' or '.join(close)}?" if close else f"builtin networks: {', '.join(list_networks())}"
    raise UsageError(f"{name}: no such file, checkpoint prefix (PREFIX-symbol.json), builtin network or zoo "
                     f"model; {hint} (`netstudio zoo list` shows the zoo)")


def zoo_models():
    from core.zoo import installed_models
    from core.zoo.catalog import registry
    return set(registry()) | {info.name for info in installed_models()}


def checkpoint_epoch(prefix, wanted):
    from core.model.checkpoint import list_epochs
    epochs = list_epochs(prefix)
    if wanted is None and epochs:
        return epochs[-1]
    if wanted not in epochs:
        have = f"it has epochs {', '.join(map(str, epochs))}" if epochs else "no PREFIX-NNNN.params is saved"
        raise UsageError(f"{prefix}-{wanted or 0:04d}.params: no such checkpoint; {have}")
    return wanted


def load_symbol(path):
    from core import symbol
    try:
        return symbol.load(str(path))
    except (OSError, ValueError) as error:
        raise UsageError(f"{path}: not a readable symbol JSON file ({error}); save the network from the "
                         f"editor or give a checkpoint prefix") from None


DATASET_NAMES = {"fashion-mnist": "the best Fashion-MNIST found (the bundled subset if no other)",
                 "fashion-mnist-subset": "the 7,000-picture subset bundled with Net Studio"}


def open_data(spec, limit=None, seed=0):
    from core.io.dataset import sample_source
    from core.io.datasets import bundled_subset_dir, find_fashion_mnist
    from core.io.formats import open_dataset
    if spec in DATASET_NAMES:
        path = bundled_subset_dir() if spec == "fashion-mnist-subset" else find_fashion_mnist()
    else:
        path = Path(spec)
        if not path.exists():
            raise UsageError(f"{spec}: no such file or folder; give a folder of IDX files, a folder with "
                             f"one subfolder per class, a .csv file, or one of {', '.join(DATASET_NAMES)}")
    source = open_dataset(path)
    return sample_source(source, limit, seed) if limit else source


def input_for(network, source):
    """What the network gets of the pictures: a checkpoint's own preprocessing (from its
    meta file), else the data's pictures fitted to the size and colour the network is
    built for, standardized as the Train view does."""
    from core.session import choose_input
    from core.session.prepare import zoo_input
    shape = None
    if network.kind == "checkpoint":
        from core.zoo.meta import read_meta
        meta = read_meta(network.name)
        if meta is not None:
            return zoo_input(meta["input_size"], meta["preprocess"])
        shape = symbol_input_shape(_checkpoint_symbol(network))
    elif network.kind == "template":
        from core.zoo.builtin import input_shape
        shape = input_shape(network.name)
    elif network.kind == "editor":
        shape = symbol_input_shape(network.symbol)
    elif network.kind == "zoo":   # the session applies the model's own preprocessing
        return choose_input(source, "scale")
    if shape is None:
        return choose_input(source)
    return choose_input(source, size=tuple(shape[1:]), channels=shape[0])


def _checkpoint_symbol(network):
    from core import symbol
    return symbol.load(f"{network.name}-symbol.json")


def symbol_input_shape(sym):
    """(C, H, W) of the picture input the editor recorded on 'data', or None."""
    raw = sym.attr_dict().get("data", {}).get("__shape__")
    try:
        shape = tuple(int(v) for v in ast.literal_eval(raw)) if raw else ()
    except (ValueError, SyntaxError, TypeError):
        return None
    return shape[1:] if len(shape) == 4 and shape[1] in (1, 3) else None


def output(args):
    """(checkpoint prefix or None, epoch to resume from or None), checked."""
    from core.model.checkpoint import list_epochs
    if args.out is None:
        if args.resume:
            raise UsageError("--resume goes on from the checkpoints of --out PREFIX; give --out")
        return None, None
    prefix = Path(args.out)
    if prefix.is_dir() or not prefix.name:
        raise UsageError(f"--out {args.out}: is a folder; give a prefix such as {prefix / 'model'}")
    epochs = list_epochs(prefix)
    if not args.resume:
        if epochs:
            raise UsageError(f"--out {args.out}: checkpoints of epochs {', '.join(map(str, epochs))} are there "
                             f"already; add --resume to go on from them, or choose another --out")
        try:
            prefix.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UsageError(f"--out {args.out}: cannot make its folder ({error.strerror})") from None
        return str(prefix), None
    if not epochs:
        raise UsageError(f"--resume: {args.out}-NNNN.params does not exist; train without --resume first")
    if epochs[-1] >= args.epochs:
        raise UsageError(f"--resume: {args.out} has {epochs[-1]} epoch(s) already; ask for more, "
                         f"e.g. --epochs {epochs[-1] + args.epochs}")
    return str(prefix), epochs[-1]


# ----- following the run -------------------------------------------------------------------------
class Reporter:
    """Draws the run's events: a progress bar per epoch on stderr, a line (or a JSON
    object) per epoch on stdout. Ctrl-C stops the session (a second one aborts)."""

    def __init__(self, as_json, session):
        self.as_json, self.session = as_json, session
        self.bar, self.epochs, self.epoch_end = None, 0, None
        self.elapsed = 0.0       # seconds of training when the last epoch ended
        self.sums = [0.0, 0.0, 0]

    def follow(self):
        from core.events import BatchEnd, CheckpointSaved, EpochEnd, Finished, RunBegin, Status
        handlers = {Status: self.status, RunBegin: self.begin, BatchEnd: self.batch, EpochEnd: self.epoch,
                    CheckpointSaved: self.saved, Finished: self.finished}
        previous = self._catch_ctrl_c()
        code = 1
        try:
            for event in self.session.events():
                handler = handlers.get(type(event))
                if handler is not None:
                    code = handler(event)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        return code

    def _catch_ctrl_c(self):
        def interrupt(signum, frame):
            if self.session.token.cancelled:
                raise KeyboardInterrupt
            self.session.stop("interrupted (Ctrl-C)")
        try:
            return signal.signal(signal.SIGINT, interrupt)
        except ValueError:     # not the main thread: no signals to catch
            return None

    def status(self, event):
        """What the run is doing, on a terminal only (a script gets epochs and errors)."""
        if self.bar is None and sys.stderr.isatty():
            print(f"{PROG}: {event.text}", file=sys.stderr, flush=True)

    def begin(self, event):
        session = self.session
        self.epochs = event.epochs
        print(f"{PROG}: {session.title} · {event.train_examples:,} training pictures · "
              f"{session.settings.describe()} · checkpoints {session.record.prefix}-NNNN.params",
              file=sys.stderr, flush=True)

    def batch(self, event):
        if self.bar is None:
            self.bar = ProgressBar(event.total_batches, f"epoch {event.epoch + 1}/{self.epochs}")
            self.sums = [0.0, 0.0, 0]
        loss, accuracy = event.metrics.get("cross-entropy"), event.metrics.get("accuracy")
        if loss is not None and accuracy is not None:
            self.sums = [self.sums[0] + loss, self.sums[1] + accuracy, self.sums[2] + 1]
        count = max(self.sums[2], 1)
        self.bar(event.nbatch + 1, event.total_batches,
                 note=f"loss {self.sums[0] / count:.4f}  accuracy {self.sums[1] / count:.4f}")

    def _end_bar(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def epoch(self, event):
        self._end_bar()
        self.epoch_end = event

    def saved(self, event):
        end, self.epoch_end = self.epoch_end, None
        if end is None:      # Ctrl-C: the weights of an epoch cut short
            self._end_bar()
            return
        row = {"event": "epoch", "epoch": end.epoch + 1, "epochs": self.epochs,
               "train_loss": end.metrics.get("cross-entropy"), "train_accuracy": end.metrics.get("accuracy"),
               "val_loss": end.eval_metrics.get("cross-entropy"),
               "val_accuracy": end.eval_metrics.get("accuracy"),
               "samples_per_sec": round(end.samples_per_sec, 1), "seconds": round(end.elapsed - self.elapsed, 2),
               "checkpoint": event.path}
        self.elapsed = end.elapsed
        if self.as_json:
            print(json.dumps(row), flush=True)
            return
        text = f"epoch {row['epoch']}/{self.epochs}  loss {row['train_loss']:.4f}  " \
               f"accuracy {row['train_accuracy']:.4f}"
        if row["val_accuracy"] is not None:
            text += f"  val loss {row['val_loss']:.4f}  val accuracy {row['val_accuracy']:.4f}"
        print(f"{text}  ({row['seconds']:.1f} s)  saved {event.path}", flush=True)

    def finished(self, event):
        from core.events import CANCELLED, COMPLETED, FAILED
        self._end_bar()
        record, final = event.record, event.record.get("final", {})
        if self.as_json:
            print(json.dumps({"event": "end", "status": event.status, "message": event.message,
                              "checkpoint": self.session.record.prefix,
                              "epochs_saved": record.get("epochs_saved", []),
                              **{k: v for k, v in final.items() if k != "confusion"}}), flush=True)
        elif event.status == COMPLETED and "evaluated_on" in final:
            which = final["evaluated_on"]
            print(f"{which} accuracy {final[f'{which}_accuracy']:.4f}  loss {final[f'{which}_loss']:.4f}", flush=True)
        if event.status == COMPLETED:
            return 0
        if event.status == CANCELLED:
            again = "; to go on, run the same command with --resume" if record.get("epochs_saved") else ""
            print(f"{PROG}: {event.message}{again}", file=sys.stderr, flush=True)
            return INTERRUPTED
        print(f"{PROG}: {event.message}", file=sys.stderr, flush=True)
        return 2 if event.status == FAILED and isinstance(self.session.error, NetStudioError) else 1
