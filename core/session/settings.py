"""The training settings a person chooses, as plain data with checks that name the field.

>>> s = TrainSettings(optimizer="sgd", learning_rate=0.05, momentum=0.9)
>>> s.optimizer_params()
{'learning_rate': 0.05, 'wd': 0.0, 'momentum': 0.9}
>>> TrainSettings.from_dict(s.to_dict()) == s
True
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from ..errors import NetStudioError

OPTIMIZERS = {"sgd": "SGD", "nag": "Nesterov (NAG)", "adam": "Adam", "rmsprop": "RMSProp",
              "adagrad": "AdaGrad", "adadelta": "AdaDelta"}
MOMENTUM_OPTIMIZERS = ("sgd", "nag")     # the others have no momentum option
INITIALIZERS = {"msra": "He / MSRA (Gaussian, fan-in)", "xavier": "Xavier (uniform)",
                "uniform": "Uniform ±0.07", "normal": "Normal σ=0.01"}


class SettingsError(NetStudioError):
    """A training setting is out of range; the message names it."""


@dataclass(frozen=True)
class TrainSettings:
    optimizer: str = "adam"
    learning_rate: float = 0.003
    momentum: float = 0.9
    weight_decay: float = 0.0
    batch_size: int = 128
    epochs: int = 5
    initializer: str = "msra"
    device: str = "cpu"               # "cpu" or "gpu:N"
    seed: int = 42

    def __post_init__(self):
        self.check()

    def check(self):
        if self.optimizer not in OPTIMIZERS:
            raise SettingsError(f"optimizer {self.optimizer!r} is unknown; choose one of {', '.join(OPTIMIZERS)}")
        if self.initializer not in INITIALIZERS:
            raise SettingsError(f"initializer {self.initializer!r} is unknown; choose one of "
                                f"{', '.join(INITIALIZERS)}")
        if not self.learning_rate > 0:
            raise SettingsError(f"learning rate must be above 0, got {self.learning_rate}")
        if not 0 <= self.momentum < 1:
            raise SettingsError(f"momentum must be at least 0 and below 1, got {self.momentum}")
        if not self.weight_decay >= 0:
            raise SettingsError(f"weight decay must not be negative, got {self.weight_decay}")
        if int(self.batch_size) < 1 or int(self.epochs) < 1:
            raise SettingsError(f"batch size and epochs must be at least 1, got {self.batch_size} "
                                f"and {self.epochs}")

    def optimizer_params(self):
        params = {"learning_rate": float(self.learning_rate), "wd": float(self.weight_decay)}
        if self.optimizer in MOMENTUM_OPTIMIZERS:
            params["momentum"] = float(self.momentum)
        return params

    def make_initializer(self):
        from .. import initializer as init
        if self.initializer == "msra":
            return init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2.0)
        if self.initializer == "xavier":
            return init.Xavier()
        if self.initializer == "uniform":
            return init.Uniform(0.07)
        return init.Normal(0.01)

    def context(self):
        from .. import context
        kind, _, index = self.device.partition(":")
        return context.gpu(int(index or 0)) if kind == "gpu" else context.cpu()

    def describe(self):
        text = f"{OPTIMIZERS[self.optimizer]} lr {self.learning_rate:g}"
        if self.optimizer in MOMENTUM_OPTIMIZERS and self.momentum:
            text += f", momentum {self.momentum:g}"
        if self.weight_decay:
            text += f", wd {self.weight_decay:g}"
        return f"{text}, batch {self.batch_size}, {self.epochs} epoch{'s' if self.epochs != 1 else ''}"

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, raw):
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in dict(raw).items() if k in known}
        return cls(**values)
