"""`@record`: a frozen dataclass whose `__init__` is written when the class is first used.

`@dataclass(frozen=True)` writes six methods per class with `exec` as the module is imported,
about 0.3 ms a class on Python 3.11: the fifteen event classes alone cost the console 4 ms
before its first frame, though a new session makes two kinds of event. A record is the same
dataclass to every reader (`dataclasses.fields`, `asdict`, `replace`, defaults and default
factories, `__match_args__`) and behaves as a frozen one: equal by class and field values,
hashable by them, a repr naming them, and FrozenInstanceError on any assignment. Only
`__init__` is generated, as dataclasses would, on the class's first instantiation; equality,
hash and repr are shared functions over the fields.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

_NAMES: dict[type, tuple[str, ...]] = {}


def record(cls: type[T]) -> type[T]:
    """Use as `@record` where `@dataclass(frozen=True)` would be."""
    cls = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    _check_order(cls)
    cls.__init__ = _first_init  # type: ignore[misc]
    cls.__eq__ = _eq  # type: ignore[method-assign]
    cls.__hash__ = _hash  # type: ignore[method-assign]
    cls.__repr__ = _repr  # type: ignore[method-assign]
    cls.__setattr__ = _refuse_assignment  # type: ignore[method-assign]
    cls.__delattr__ = _refuse_deletion  # type: ignore[method-assign]
    return cls


def _check_order(cls: type) -> None:
    """What dataclasses says at once for an impossible `__init__`, said at once here too."""
    defaulted = None
    for field in dataclasses.fields(cls):
        if field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING:
            defaulted = field.name
        elif defaulted is not None:
            raise TypeError(f"non-default argument {field.name!r} follows default argument")


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(field.name for field in dataclasses.fields(cls))
    return names


def _values(item: Any) -> tuple[Any, ...]:
    return tuple(getattr(item, name) for name in _names(type(item)))


def _eq(self: Any, other: Any) -> bool:
    if other.__class__ is self.__class__:
        return _values(self) == _values(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _names(type(self)))
    return f"{type(self).__qualname__}({fields})"


def _refuse_assignment(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_deletion(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _first_init(self: Any, *args: Any, **kwargs: Any) -> None:
    cls = type(self)
    if cls.__dict__.get("__init__") is _first_init:
        cls.__init__ = _written_init(cls)
    cls.__init__(self, *args, **kwargs)


_FACTORY = object()  # stands for "call the default factory"


def _written_init(cls: type) -> Any:
    """The `__init__` dataclasses would write for `cls`: one parameter per field, in order."""
    namespace: dict[str, Any] = {"__set": object.__setattr__, "__FACTORY": _FACTORY}
    parameters, lines = [], []
    for field in dataclasses.fields(cls):
        name = field.name
        if field.default is not dataclasses.MISSING:
            namespace[f"__default_{name}"] = field.default
            parameters.append(f"{name}=__default_{name}")
            lines.append(f"  __set(self, {name!r}, {name})")
        elif field.default_factory is not dataclasses.MISSING:
            namespace[f"__factory_{name}"] = field.default_factory
            parameters.append(f"{name}=__FACTORY")
            lines.append(f"  __set(self, {name!r}, __factory_{name}() if {name} is __FACTORY else {name})")
        else:
            parameters.append(name)
            lines.append(f"  __set(self, {name!r}, {name})")
    source = f"def __init__(self, {', '.join(parameters)}):\n" + ("\n".join(lines) or "  pass") + "\n"
    exec(source, namespace)  # noqa: S102 - the same generated code dataclasses writes
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init
