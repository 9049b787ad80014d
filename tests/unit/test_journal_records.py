"""Every event survives to_record / from_record and the journal's own line encoding."""

from __future__ import annotations

import dataclasses
import json
import typing

from hypothesis import given
from hypothesis import strategies as st

from companion.core.events import EVENT_TYPES, from_record, to_record
from companion.core.journal.records import EARLIEST, LATEST, decode_record, encode_event
from companion.core.limits import VITALS

# Values a journal can hold: times in the span the reader accepts, readings as the forms allow.
_RANGED = {
    "at": st.floats(min_value=EARLIEST, max_value=LATEST),
    "given_at": st.floats(min_value=EARLIEST, max_value=LATEST),
    "occurred_at": st.floats(min_value=EARLIEST, max_value=LATEST),
    "moment": st.none() | st.floats(min_value=EARLIEST, max_value=LATEST),
    "speed": st.floats(min_value=0.01, max_value=3600),
    "seconds": st.floats(min_value=-86_400, max_value=86_400),
    "amount": st.floats(min_value=0, max_value=1e6),
    "after": st.floats(min_value=0, max_value=86_400),
    "offset": st.floats(min_value=-1e9, max_value=1e9),
    "step_reached": st.integers(min_value=0, max_value=1_000_000),
    **{name: st.none() | st.integers(min_value=low, max_value=high) for name, (_, low, high) in VITALS.items()},
}
# Fields without a range of their own: any finite value of their type.
_VALUES = {
    str: st.text(max_size=40),
    bool: st.booleans(),
    float: st.floats(min_value=-1e6, max_value=1e6),
    int: st.integers(min_value=0, max_value=10**6),
    int | None: st.none() | st.integers(min_value=0, max_value=10**6),
    float | None: st.none() | st.floats(min_value=-1e6, max_value=1e6),
    str | None: st.none() | st.text(max_size=40),
}


def _strategy_for(cls: type, field: dataclasses.Field) -> st.SearchStrategy:
    annotation = typing.get_type_hints(cls)[field.name]
    if field.name in _RANGED:
        return _RANGED[field.name]
    if typing.get_origin(annotation) is typing.Literal:
        return st.sampled_from(typing.get_args(annotation))
    if typing.get_origin(annotation) is tuple:
        return st.lists(st.text(max_size=20), max_size=4).map(tuple)
    if annotation in _VALUES:
        return _VALUES[annotation]
    raise AssertionError(f"no strategy for {field.name}: {annotation}")


EVENTS = st.one_of(
    [st.builds(cls, **{f.name: _strategy_for(cls, f) for f in dataclasses.fields(cls)}) for cls in EVENT_TYPES.values()]
)


@given(EVENTS)
def test_records_round_trip(event):
    assert from_record(to_record(event)) == event
    assert from_record(json.loads(json.dumps(to_record(event)))) == event


@given(EVENTS, st.none() | st.integers(min_value=1, max_value=2**40))
def test_journal_lines_round_trip(event, seq):
    line = encode_event(event, seq)
    assert line.endswith(b"\n") and line.count(b"\n") == 1  # one event, one line, whatever the text
    assert decode_record(json.loads(line)) == (event, seq)
