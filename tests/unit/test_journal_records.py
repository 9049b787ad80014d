"""Every event survives to_record / from_record and the journal's own line encoding."""

from __future__ import annotations

import dataclasses
import json

from hypothesis import given
from hypothesis import strategies as st

from companion.core.events import EVENT_TYPES, from_record, to_record
from companion.core.journal.store import _decode_event, encode_event

_VALUES = {
    float: st.floats(allow_nan=False, allow_infinity=False, width=64),
    str: st.text(max_size=40),
    bool: st.booleans(),
    int: st.integers(min_value=-(2**53), max_value=2**53),
}


def _strategy_for(field: dataclasses.Field) -> st.SearchStrategy:
    annotation = str(field.type)
    if field.name == "move":
        return st.sampled_from(["start", "next", "back", "jump", "auto"])
    if "int | None" in annotation:
        return st.none() | _VALUES[int]
    if "float | None" in annotation:
        return st.none() | _VALUES[float]
    if annotation == "tuple[str, ...]":
        return st.lists(_VALUES[str], max_size=4).map(tuple)
    for name, python_type in (("float", float), ("bool", bool), ("int", int), ("str", str)):
        if annotation == name:
            return _VALUES[python_type]
    raise AssertionError(f"no strategy for {field.name}: {annotation}")


EVENTS = st.one_of(
    [st.builds(cls, **{f.name: _strategy_for(f) for f in dataclasses.fields(cls)}) for cls in EVENT_TYPES.values()]
)


@given(EVENTS)
def test_records_round_trip(event):
    assert from_record(to_record(event)) == event
    assert from_record(json.loads(json.dumps(to_record(event)))) == event


@given(EVENTS)
def test_journal_lines_round_trip(event):
    line = encode_event(event)
    assert line.endswith(b"\n") and line.count(b"\n") == 1  # one event, one line, whatever the text
    assert _decode_event(json.loads(line)) == event
