"""Every operator states its own facts in its class (core/ops/base.py): whether it
computes each sample alone (process lanes), its palette group and starting attributes
(the editor), its role in the executor's folding passes. A new operator that leaves one
out fails here."""
import pytest

from core.errors import GraphError
from core.executor_passes import ROLES
from core.graphdoc.palette import GROUP_ORDER, entry_for
from core.ops import OPS, Op

CLASSES = [OPS.get(name) for name in OPS.names()]


def _declared_below_op(cls, fact):
    return any(fact in vars(klass) for klass in cls.__mro__ if klass is not Op)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.name)
def test_every_operator_says_whether_it_computes_each_sample_alone(cls):
    assert _declared_below_op(cls, "per_sample"), (
        f"{cls.name} ({cls.__module__}) does not say per_sample = True or False: may process "
        f"lanes split a batch through it? (see core/ops/base.py)")
    assert isinstance(cls.per_sample, bool)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.name)
def test_every_operator_lands_in_a_palette_group_and_drops_valid(cls):
    group = cls.palette_group or cls.category
    assert group in GROUP_ORDER, f"{cls.name}: palette group {group!r} is not one of {GROUP_ORDER}"
    assert entry_for(cls.name).group == group
    assert set(cls.starter_attrs) <= set(cls.params), f"{cls.name}: starter_attrs name unknown attributes"
    cls(node_name="dropped", **cls.starter_attrs)   # every required attribute has a start value


def test_fusion_roles_are_ones_the_executor_knows():
    roles = {cls.fusion_role for cls in CLASSES} - {None}
    assert roles == set(ROLES)
    conv = OPS.get("Convolution")(node_name="c", kernel=(3, 3), num_filter=4, num_group=4)
    assert conv.fusion_role == "convolution" and conv.out_spatial((8, 8)) == (6, 6)
    assert conv.is_depthwise((1, 4, 8, 8)) and not conv.is_pointwise()
    bn = OPS.get("BatchNorm")
    assert bn(node_name="b").fusable() and not bn(node_name="b", output_mean_var=True).fusable()
    pad = OPS.get("Pad")
    assert pad(node_name="p", mode="constant", pad_width=(0, 0, 0, 0, 1, 1, 1, 1)).fusable()
    assert not pad(node_name="p", mode="edge", pad_width=(0, 0, 0, 0, 1, 1, 1, 1)).fusable()


@pytest.mark.parametrize("name,attrs,alone", [
    ("LeakyReLU", {"act_type": "leaky"}, True), ("LeakyReLU", {"act_type": "rrelu"}, False),
    ("Concat", {"num_args": 2, "dim": 1}, True), ("Concat", {"num_args": 2, "dim": 0}, False),
    ("SoftmaxOutput", {}, True), ("SoftmaxOutput", {"normalization": "batch"}, False),
    ("MakeLoss", {"normalization": "valid"}, False),
    ("BatchNorm", {}, False), ("Dropout", {}, False), ("sum", {}, False), ("exp", {}, True),
])
def test_attributes_refine_per_sample(name, attrs, alone):
    assert OPS.get(name)(node_name="n", **attrs).is_per_sample() is alone


def test_an_operator_without_an_onnx_mapping_names_itself():
    class Unmapped(Op):
        name = "Unmapped"
        per_sample = True

    with pytest.raises(GraphError, match="'u1' \\(Unmapped\\).*ONNX"):
        Unmapped(node_name="u1").onnx(None, ["x"], ["y"])
