"""Judging many event records of one shape once: what a replay of a long journal would repeat.

A journal's records come in a handful of shapes: the same kind, the same fields in the same
order, values of the same JSON types. What follows from the shape alone (no field the event
does not have, its time and required fields there, each value of a type its field allows) is
worked out once per shape; what depends on the values (finite, in range, a Literal's word, a
list's items, the sequence number's size) is checked on every record. `ShapeJudge.judge`
answers only for a record that passes; anything else (None) goes through the full checks in
`records.checked_record`, which accept or refuse it and say why, so a shape only ever spares
work, never changes a verdict. The rules themselves are records.py's, handed over as tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from companion.core.events import EVENT_TYPES, Event

Check = Callable[[Any], bool]
Judged = tuple[type[Event], dict[str, Any], int | None]
_NONE = type(None)
_NUMBERS = (int, float)
_UNSEEN = object()
_MAX_SHAPES = 4096  # a file of odd lines cannot grow the table for ever


@dataclass(frozen=True)
class _Shape:
    cls: type[Event]
    finite: tuple[str, ...]  # fields holding a float without a range (a range refuses NaN and inf)
    checks: tuple[tuple[str, Check], ...]  # fields whose check needs the value (Literal, list)
    ranges: tuple[tuple[str, float, float, bool], ...]  # numbers held: low, high, 0 means unset
    tuples: tuple[str, ...]  # fields holding a list, which the event holds as a tuple


class ShapeJudge:
    """The per-shape half of records.checked_record, from its tables: for each event class, the
    names a record may hold, each field's (exact JSON types that pass by type alone, or None;
    the full check), the fields without a default, the ranges (name, low, high, 0 means unset)
    and the fields held as tuples."""

    def __init__(
        self,
        allowed: Mapping[type[Event], frozenset[str]],
        checks: Mapping[type[Event], Mapping[str, tuple[frozenset[type] | None, Check]]],
        required: Mapping[type[Event], tuple[str, ...]],
        ranges: Mapping[type[Event], tuple[tuple[str, float, float, bool], ...]],
        tuples: Mapping[type[Event], tuple[str, ...]],
    ) -> None:
        self._allowed = allowed
        self._checks = checks
        self._required = required
        self._ranges = ranges
        self._tuples = tuples
        self._shapes: dict[tuple[Any, ...], Callable[[dict[str, Any]], Judged | None] | None] = {}

    def judge(self, record: dict[str, Any], kind: str) -> Judged | None:
        """(class, field values, sequence number) for a record whose shape and values pass;
        None for any other, to be judged in full."""
        key = (kind, *record, *map(type, record.values()))  # the fields, then their types
        try:
            judge = self._shapes[key]
        except KeyError:
            half = len(record)
            shape = self._shape_of(kind, key[1 : 1 + half], key[1 + half :])  # type: ignore[arg-type]
            judge = None if shape is None else _compiled(shape, key[1 : 1 + half], key[1 + half :])  # type: ignore[arg-type]
            if len(self._shapes) < _MAX_SHAPES:
                self._shapes[key] = judge
        return None if judge is None else judge(record)

    def judge_all(self, records: Iterable[Any]) -> list[Judged | None]:
        """`judge` of each record, None for one that is not an object with a kind: in one loop,
        which a long journal's read spends a tenth less on than on a call of `judge` a record."""
        verdicts: list[Judged | None] = []
        add = verdicts.append
        shapes = self._shapes
        for record in records:
            kind = record.get("kind") if type(record) is dict else None
            if type(kind) is not str:
                add(None)
                continue
            judge = shapes.get((kind, *record, *map(type, record.values())), _UNSEEN)
            if judge is _UNSEEN:
                add(self.judge(record, kind))
            else:
                add(None if judge is None else judge(record))  # type: ignore[operator]
        return verdicts

    def _shape_of(self, kind: str, keys: tuple[str, ...], types: tuple[type, ...]) -> _Shape | None:
        """What records with these fields and value types need checked one by one (None: such
        a record is judged in full, every time)."""
        cls = EVENT_TYPES.get(kind)
        if cls is None or not self._allowed[cls].issuperset(keys) or "at" not in keys:
            return None
        if any(name not in keys for name in self._required[cls]):
            return None
        held = dict(zip(keys, types, strict=True))
        if held.get("n", _NONE) not in (int, _NONE):
            return None
        finite: list[str] = []
        checks: list[tuple[str, Check]] = []
        for name, (simple, check) in self._checks[cls].items():
            if name not in held:
                continue
            if simple is None:
                checks.append((name, check))
            elif held[name] not in simple:
                return None
            elif held[name] is float:
                finite.append(name)
        ranges: list[tuple[str, float, float, bool]] = []
        for name, low, high, zero_is_unset in self._ranges[cls]:
            if name not in held or held[name] in (_NONE, bool):
                continue
            if held[name] not in _NUMBERS:
                return None
            ranges.append((name, low, high, zero_is_unset))
        tuples = tuple(name for name in self._tuples[cls] if held.get(name) is list)
        ranged = {name for name, *_ in ranges}
        unranged = tuple(name for name in finite if name not in ranged)
        return _Shape(cls, unranged, tuple(checks), tuple(ranges), tuples)


def _compiled(
    shape: _Shape, keys: tuple[str, ...], types: tuple[type, ...]
) -> Callable[[dict[str, Any]], Judged | None]:
    """The value checks of one shape as one function, each check written out (as dataclasses
    writes an __init__): looping over the shape's tables on every record cost half the judging.
    Field names only ever reach the code as string literals (repr); the bounds and the checks
    are passed in by name."""
    names: dict[str, Any] = {"_cls": shape.cls, "_isfinite": math.isfinite}
    body = ["values = record.copy()", "del values['kind']"]
    if "n" in keys:
        body.append("seq = values.pop('n')")
        if dict(zip(keys, types, strict=True))["n"] is int:
            body.append("if not 0 < seq < 9007199254740992: return None")  # 2**53
    else:
        body.append("seq = None")
    for name in shape.finite:
        body.append(f"if not _isfinite(values[{name!r}]): return None")
    for number, (name, check) in enumerate(shape.checks):
        names[f"_check{number}"] = check
        body.append(f"if not _check{number}(values[{name!r}]): return None")
    for number, (name, low, high, zero_is_unset) in enumerate(shape.ranges):
        names[f"_low{number}"], names[f"_high{number}"] = low, high
        body.append(f"value = values[{name!r}]")
        unset = " and value != 0" if zero_is_unset else ""
        body.append(f"if not _low{number} <= value <= _high{number}{unset}: return None")
    for name in shape.tuples:
        body.append(f"values[{name!r}] = tuple(values[{name!r}])")
    body.append("return _cls, values, seq")
    source = "def judge(record):\n" + "".join(f"    {line}\n" for line in body)
    exec(source, names)  # noqa: S102 - our own text, as above
    judge: Callable[[dict[str, Any]], Judged | None] = names["judge"]
    return judge
