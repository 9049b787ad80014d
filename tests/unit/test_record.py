"""`@record` behaves as `@dataclass(frozen=True)` does, for every use the session core makes of it."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field
from typing import ClassVar

import pytest

from companion.core.record import record


@record
class Base:
    KIND: ClassVar[str] = "base"
    at: float


@record
class Child(Base):
    KIND: ClassVar[str] = "child"
    name: str = ""
    tags: tuple[str, ...] = ()
    seen: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Twin:  # the same fields as a plain frozen dataclass, to compare with
    KIND: ClassVar[str] = "child"
    at: float
    name: str = ""
    tags: tuple[str, ...] = ()
    seen: dict[str, float] = field(default_factory=dict)


def test_fields_defaults_and_factories_are_a_dataclass_s():
    assert [f.name for f in dataclasses.fields(Child)] == [f.name for f in dataclasses.fields(Twin)]
    one, two = Child(1.0), Child(2.0)
    assert (one.name, one.tags, one.seen) == ("", (), {})
    assert one.seen is not two.seen  # a fresh dict each time, as default_factory promises
    assert Child(1.0, "a", seen={"x": 1.0}).seen == {"x": 1.0}
    assert dataclasses.asdict(Child(1.0, "a")) == dataclasses.asdict(Twin(1.0, "a"))
    assert dataclasses.replace(Child(1.0, "a"), name="b") == Child(1.0, "b")
    assert Child.__match_args__ == Twin.__match_args__


def test_the_base_made_first_does_not_lend_its_init_to_a_subclass():
    assert Base(3.0).at == 3.0
    assert Child(4.0, "late").name == "late"
    assert Base(5.0) == Base(5.0)


def test_equal_and_hashed_by_class_and_values():
    assert Child(1.0, "a") == Child(1.0, "a")
    assert Child(1.0, "a") != Child(1.0, "b")
    assert Base(1.0) != Child(1.0)  # another class is never equal, as with dataclasses
    assert Child(1.0, "a") != Twin(1.0, "a")
    assert hash(Base(1.0)) == hash(Base(1.0))
    assert len({Base(1.0), Base(1.0), Base(2.0)}) == 2
    with pytest.raises(TypeError):
        hash(Child(1.0, seen={}))  # a dict field cannot be hashed, as with dataclasses


def test_repr_names_the_fields():
    assert repr(Child(1.0, "a")) == "Child(at=1.0, name='a', tags=(), seen={})"


def test_frozen():
    item = Child(1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.name = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        del item.name
    assert item.name == ""


def test_wrong_arguments_are_refused_as_dataclasses_refuse_them():
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'at'"):
        Child()
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        Child(1.0, bogus=2)
    with pytest.raises(TypeError, match="non-default argument 'late' follows default argument"):
        @record
        class Wrong:
            early: int = 0
            late: int


def test_copies_and_pickles_come_back_equal():
    import copy

    item = Child(1.0, "a", ("t",), {"x": 2.0})
    assert copy.deepcopy(item) == item
    assert pickle.loads(pickle.dumps(item)) == item


def test_a_record_class_costs_no_generated_code_until_it_is_made():
    @record
    class Lazy:
        value: int = 0

    assert "__init__" in Lazy.__dict__ and Lazy.__init__.__qualname__ == "_first_init"
    assert Lazy(2).value == 2
    assert Lazy.__init__.__qualname__.endswith("Lazy.__init__")
