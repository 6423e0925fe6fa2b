"""``mx.<name>``: every lazily loaded name of ``core`` is a module that exists."""
import pytest

import core as mx


@pytest.mark.parametrize("name", sorted(mx.LAZY_MODULES))
def test_each_lazy_name_loads_its_module(name):
    module_name = mx.LAZY_MODULES[name]
    assert getattr(mx, name).__name__ == module_name


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'gluon'"):
        mx.gluon   # noqa: B018  (MXNet's Gluon API is not provided)
