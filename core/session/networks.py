"""The network to train: a builtin template (LeNet, MLP …), a Symbol from the editor, or
a zoo model fine-tuned with a new classifier layer for this dataset's classes.

>>> net = NetworkChoice.template("lenet").build(num_classes=10, input_shape=(1, 28, 28))
>>> net.symbol.infer_shape(data=(1, 1, 28, 28))[1], net.label_names
([(1, 10)], ['softmax_label'])
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import GraphError, NetStudioError, ShapeError

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


@dataclass
class NetworkChoice:
    kind: str            # "template", "editor" or "zoo"
    name: str            # template key, the editor document's title, or a zoo model name
    symbol: object = None
    train_all: bool = False   # zoo: also train the pretrained layers (slower)

    @classmethod
    def template(cls, name):
        return cls("template", name)

    @classmethod
    def editor(cls, symbol, title="Editor network"):
        return cls("editor", title or "Editor network", symbol)

    @classmethod
    def zoo(cls, name, train_all=False):
        return cls("zoo", name, train_all=train_all)

    @property
    def title(self):
        if self.kind == "template":
            return TEMPLATES.get(self.name, self.name)
        if self.kind == "zoo":
            return f"{self.name} (fine-tune)"
        return self.name

    def to_dict(self):
        return {"kind": self.kind, "name": self.name, "title": self.title}

    def build(self, num_classes, input_shape):
        if self.kind == "template":
            from ..zoo.builtin import get_symbol
            built = BuiltNetwork(get_symbol(self.name, num_classes=num_classes), ["softmax_label"])
        elif self.kind == "editor":
            built = _from_editor(self.symbol, self.name)
        elif self.kind == "zoo":
            built = _fine_tune(self.name, num_classes, self.train_all)
        else:
            raise NetStudioError(f"unknown network kind {self.kind!r}")
        check_fits(built, self.title, num_classes, built.input_shape or input_shape)
        return built


def _head(symbol):
    node, _ = symbol.heads[0]
    return node


def _from_editor(symbol, title):
    """The editor's graph as it is; one without a loss layer gets SoftmaxOutput on top."""
    if symbol is None or not hasattr(symbol, "list_arguments"):
        raise GraphError(f"{title}: there is no network to train; build one in the editor first")
    head = _head(symbol)
    if head.op is None or head.op.name not in LOSS_HEADS:
        from ..symbol.ops import make
        symbol = make("SoftmaxOutput", [symbol], {}, name="softmax")
    symbol = bind_single_label(symbol)
    labels = [n for n in symbol.list_arguments() if n.endswith("_label")]
    return BuiltNetwork(symbol, labels or ["softmax_label"])


def bind_single_label(symbol, label_name="softmax_label"):
    """The data's one label feeds the network's one loss, whatever the loss is called:
    a lone ``*_label`` input (``softmaxoutput0_label`` on a loss dropped in the editor)
    becomes ``label_name``. Several label inputs stay as they are.

    >>> from core.symbol import Variable
    >>> from core.symbol.ops import make
    >>> net = make("SoftmaxOutput", [Variable("data")], {}, name="softmaxoutput0")
    >>> bind_single_label(net).list_arguments()
    ['data', 'softmax_label']
    """
    from ..symbol import Variable
    labels = [n for n in symbol.list_arguments() if n.endswith("_label")]
    if len(labels) != 1 or labels[0] == label_name:
        return symbol
    return symbol(**{labels[0]: Variable(label_name)})


def _fine_tune(name, num_classes, train_all):
    """The zoo model up to its feature layer + a new FullyConnected + SoftmaxOutput."""
    from ..model.checkpoint import load_checkpoint
    from ..symbol.naming import NameManager
    from ..symbol.ops import make
    from ..zoo.features import get_feature_symbol
    from ..zoo.installer import load_spec
    spec = load_spec(name, install=False)
    symbol, arg_params, aux_params = load_checkpoint(str(spec.prefix), spec.epoch)
    features = get_feature_symbol(symbol)
    with NameManager():
        flat = make("Flatten", [features], {}, name="finetune_flatten")
        fc = make("FullyConnected", [flat], {"num_hidden": int(num_classes)}, name="finetune_fc")
        net = make("SoftmaxOutput", [fc], {}, name="softmax")
    keep = set(net.list_arguments())
    args = {k: v for k, v in arg_params.items() if k in keep}
    auxs = {k: v for k, v in aux_params.items() if k in set(net.list_auxiliary_states())}
    fixed = [] if train_all else sorted(args)
    return BuiltNetwork(net, ["softmax_label"], args, auxs, fixed, tuple(spec.input_size))


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
