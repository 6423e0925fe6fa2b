"""The network to train: a builtin template (LeNet, MLP …), a Symbol from the editor, a
checkpoint to train further, or a zoo model fine-tuned with a new classifier layer for
this dataset's classes.

>>> net = NetworkChoice.template("lenet").build(num_classes=10, input_shape=(1, 28, 28))
>>> net.symbol.infer_shape(data=(1, 1, 28, 28))[1], net.label_names
([(1, 10)], ['softmax_label'])
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import FormatError, GraphError, NetStudioError, ShapeError
from .settings import SettingsError

TEMPLATES = {"lenet": "LeNet-5", "mlp": "MLP (256-100-50)"}
LOSS_HEADS = {"SoftmaxOutput", "LogisticRegressionOutput", "LinearRegressionOutput",
              "MAERegressionOutput", "SVMOutput", "MakeLoss"}


@dataclass
class BuiltNetwork:
    """A symbol ready for ``Module``: its label inputs, pretrained weights to start
    from (fine-tuning) and parameters to keep fixed."""
    symbol: object
    label_names: list
    arg_params: dict = field(default_factory=dict)
    aux_params: dict = field(default_factory=dict)
    fixed_param_names: list = field(default_factory=list)
    input_shape: tuple | None = None     # set when the network dictates it (zoo models)
    # frozen fine-tuning: (the base's layer the head reads, the head alone reading 'data');
    # the session then trains the head on the base's features, computed once per picture
    cached_head: tuple | None = None


@dataclass
class NetworkChoice:
    kind: str            # "template", "editor", "checkpoint" or "zoo"
    name: str            # template key, the editor document's title, a checkpoint prefix or a zoo model name
    symbol: object = None
    finetune: str = "frozen"  # zoo: "frozen" trains a new last layer on the base's cached features,
    base_lr_mult: float = 0.1  # "full" trains every layer, the pretrained ones at this times the rate
    epoch: int = 0            # checkpoint: which epoch's weights to start from

    @classmethod
    def template(cls, name):
        return cls("template", name)

    @classmethod
    def editor(cls, symbol, title="Editor network"):
        return cls("editor", title or "Editor network", symbol)

    @classmethod
    def checkpoint(cls, prefix, epoch):
        return cls("checkpoint", str(prefix), epoch=int(epoch))

    @classmethod
    def zoo(cls, name, finetune="frozen", base_lr_mult=0.1):
        from ..zoo.transfer import FINETUNE_MODES
        if finetune not in FINETUNE_MODES:
            raise SettingsError(f"fine-tuning {finetune!r}: choose 'frozen' (train a new last layer on the "
                                f"base's features) or 'full' (train every layer)")
        if not 0 <= float(base_lr_mult) <= 1:
            raise SettingsError(f"base learning-rate multiplier {base_lr_mult:g}: give a number from 0 "
                                f"(the base stays as it is) to 1 (the base at the full rate)")
        return cls("zoo", name, finetune=finetune, base_lr_mult=float(base_lr_mult))

    @property
    def title(self):
        if self.kind == "template":
            return TEMPLATES.get(self.name, self.name)
        if self.kind == "zoo":
            how = "frozen base" if self.finetune == "frozen" else f"every layer, base at {self.base_lr_mult:g}x"
            return f"{self.name} (fine-tune: {how})"
        if self.kind == "checkpoint":
            return f"{self.name} (epoch {self.epoch})"
        return self.name

    def to_dict(self):
        facts = {"kind": self.kind, "name": self.name, "title": self.title}
        if self.kind == "zoo":
            facts.update(finetune=self.finetune, base_lr_mult=self.base_lr_mult)
        return facts

    def build(self, num_classes, input_shape):
        if self.kind == "template":
            from ..zoo.builtin import get_symbol
            built = BuiltNetwork(get_symbol(self.name, num_classes=num_classes), ["softmax_label"])
        elif self.kind == "editor":
            built = _from_editor(self.symbol, self.name)
        elif self.kind == "checkpoint":
            built = _from_checkpoint(self.name, self.epoch)
        elif self.kind == "zoo":
            built = _fine_tune(self.name, num_classes, self.finetune, self.base_lr_mult)
        else:
            raise NetStudioError(f"unknown network kind {self.kind!r}")
        check_fits(built, self.title, num_classes, built.input_shape or input_shape)
        return built


def _head(symbol):
    node, _ = symbol.heads[0]
    return node


def _from_editor(symbol, title):
    """The editor's graph as it is; one without a loss layer gets SoftmaxOutput on top.
    Its label input keeps the loss's name (``softmaxoutput0_label`` on a loss dropped in
    the editor): Module binds the data's one label to it (core.module.names.unnamed_label)."""
    if symbol is None or not hasattr(symbol, "list_arguments"):
        raise GraphError(f"{title}: there is no network to train; build one in the editor first")
    head = _head(symbol)
    if head.op is None or head.op.name not in LOSS_HEADS:
        from ..symbol.ops import make
        symbol = make("SoftmaxOutput", [symbol], {}, name="softmax")
    from ..module.names import loss_label_inputs
    return BuiltNetwork(symbol, loss_label_inputs(symbol) or ["softmax_label"])


def _from_checkpoint(prefix, epoch):
    """A saved network with its weights, to train further."""
    from ..model.checkpoint import load_checkpoint
    try:
        symbol, arg_params, aux_params = load_checkpoint(prefix, epoch)
    except FileNotFoundError as error:
        raise FormatError(str(error)) from None
    built = _from_editor(symbol, prefix)
    built.arg_params, built.aux_params = arg_params, aux_params
    return built


def _fine_tune(name, num_classes, mode, base_lr_mult):
    """The zoo model up to its feature layer + a new FullyConnected + SoftmaxOutput, built
    as ``mx.model.finetune`` builds it: frozen, the head alone trains on the base's cached
    features; full, every layer trains, the pretrained ones at ``base_lr_mult`` x the rate
    (MXNet's ``__lr_mult__``)."""
    from ..model.checkpoint import load_checkpoint
    from ..zoo.features import get_feature_symbol
    from ..zoo.installer import load_spec
    from ..zoo.transfer import head_symbol, new_head, with_base_rate
    spec = load_spec(name, install=False)
    symbol, arg_params, aux_params = load_checkpoint(str(spec.prefix), spec.epoch)
    net = new_head(get_feature_symbol(symbol), num_classes)
    keep = set(net.list_arguments())
    args = {k: v for k, v in arg_params.items() if k in keep}
    auxs = {k: v for k, v in aux_params.items() if k in set(net.list_auxiliary_states())}
    if mode == "full":
        return BuiltNetwork(with_base_rate(net, args, base_lr_mult), ["softmax_label"], args, auxs,
                            input_shape=tuple(spec.input_size))
    return BuiltNetwork(net, ["softmax_label"], args, auxs, sorted(args), tuple(spec.input_size),
                        cached_head=head_symbol(net, symbol))


def check_fits(built, title, num_classes, input_shape):
    """ShapeError naming the network when it cannot take the input or has the wrong
    number of outputs for the dataset's classes."""
    shape = (1,) + tuple(input_shape)
    try:
        _, outputs, _ = built.symbol.infer_shape(data=shape)
    except NetStudioError as error:
        raise ShapeError(f"{title} cannot take {'×'.join(map(str, input_shape))} input: {error}") from error
    classes = 1
    for size in (outputs[0][1:] if outputs and outputs[0] else ()):
        classes *= int(size)
    if classes != num_classes:
        raise ShapeError(f"{title} has {classes} outputs but the dataset has {num_classes} classes; "
                         f"set the last layer's num_hidden to {num_classes}")
