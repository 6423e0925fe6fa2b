"""A gradient-check case: one operator with one set of attributes and inputs."""
from dataclasses import dataclass, field


@dataclass
class GradCase:
    op: str
    attrs: dict
    inputs: list            # shapes (random normal) or arrays (labels, fixed values)
    skip: tuple = ()        # arguments not differentiated (labels)
    aux: list = field(default_factory=list)
    rtol: float = 1e-4
    atol: float = 1e-6
    forward_seed: int | None = None

    @property
    def id(self):
        attrs = ",".join(f"{k}={v}" for k, v in self.attrs.items())
        return f"{self.op}[{attrs}]"
