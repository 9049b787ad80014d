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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from companion.core.events import EVENT_TYPES, Event

Check = Callable[[Any], bool]
Judged = tuple[type[Event], dict[str, Any], int | None]
_NONE = type(None)
_NUMBERS = (int, float)
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
        self._shapes: dict[tuple[Any, ...], _Shape | None] = {}

    def judge(self, record: dict[str, Any], kind: str) -> Judged | None:
        """(class, field values, sequence number) for a record whose shape and values pass;
        None for any other, to be judged in full."""
        key = (kind, *record, *map(type, record.values()))  # the fields, then their types
        try:
            shape = self._shapes[key]
        except KeyError:
            half = len(record)
            shape = self._shape_of(kind, key[1 : 1 + half], key[1 + half :])  # type: ignore[arg-type]
            if len(self._shapes) < _MAX_SHAPES:
                self._shapes[key] = shape
        if shape is None:
            return None
        values = record.copy()
        del values["kind"]
        seq = values.pop("n", None)
        if seq is not None and not 0 < seq < 2**53:
            return None
        for name in shape.finite:
            if not math.isfinite(values[name]):
                return None
        for name, check in shape.checks:
            if not check(values[name]):
                return None
        for name, low, high, zero_is_unset in shape.ranges:
            value = values[name]
            if not low <= value <= high and not (zero_is_unset and value == 0):
                return None
        for name in shape.tuples:
            values[name] = tuple(values[name])
        return shape.cls, values, seq

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
