"""Replay's quick path (`LineReader.quick_check`) reaches `LineReader.check`'s verdict on every
line: the same event values, or the same error, whatever a damaged or hand-edited line holds.
And the events a replay builds by filling their fields are the events themselves."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_journal_kinds import T0, _edited_records
from test_journal_records import EVENTS

from companion.core.events import DoseGiven, NoteAdded
from companion.core.journal import crypto
from companion.core.journal.reading import LineReader, read_journal
from companion.core.journal.records import JournalHeader, encode_event, header_line
from companion.core.journal.writer import JournalWriter

HEADER = JournalHeader(2, "s1", "im-standard", "hash", "", T0)


def _verdict(judge, line: bytes):
    try:
        return judge(line)
    except ValueError as error:
        return type(error), str(error)


@st.composite
def _lines(draw) -> bytes:
    """A record as JSON, written compactly or not, and perhaps damaged as bytes."""
    record = draw(_edited_records())
    compact = draw(st.booleans())
    text = json.dumps(record, separators=(",", ":") if compact else None, ensure_ascii=draw(st.booleans()))
    line = text.encode()
    damage = draw(st.sampled_from(["none", "none", "pad", "trail", "cut", "byte", "nest", "bracket"]))
    if damage == "pad":
        line = b" " + line + b"\t"
    elif damage == "trail":
        line += draw(st.sampled_from([b"{}", b"x", b" 1", b'"']))
    elif damage == "cut" and line:
        line = line[: draw(st.integers(min_value=0, max_value=len(line) - 1))]
    elif damage == "byte" and line:
        at = draw(st.integers(min_value=0, max_value=len(line) - 1))
        line = line[:at] + bytes([draw(st.integers(min_value=0, max_value=255))]) + line[at + 1 :]
    elif damage == "nest":
        depth = draw(st.integers(min_value=1, max_value=12))
        line = line[:-1] + b',"deep":' + b"[" * depth + b"]" * depth + b"}"
    elif damage == "bracket":
        line = line.replace(b'"at"', b'"at[{"', 1)
    return line


@settings(max_examples=600, deadline=None)
@given(_lines())
def test_the_quick_path_reaches_the_full_checks_verdict_on_any_line(line):
    reader = LineReader(HEADER, None)
    full = _verdict(reader.check, line)
    assert _verdict(reader.quick_check, line) == full
    assert _verdict(reader.quick_check, line) == full  # the shape now remembered


def test_a_line_a_float_field_cannot_hold_is_refused_by_both_paths():
    reader = LineReader(HEADER, None)
    for line in (
        b'{"kind":"note_added","at":NaN,"text":"x","n":1}',
        b'{"kind":"note_added","at":Infinity,"text":"x","n":1}',
        b'{"kind":"note_added","at":1e999,"text":"x","n":1}',
        b'{"kind":"vitals_recorded","at":%d,"systolic":NaN,"n":1}' % T0,
    ):
        full = _verdict(reader.check, line)
        assert isinstance(full, tuple) and issubclass(full[0], ValueError), line
        assert _verdict(reader.quick_check, line) == full
    spaced = b' {"kind":"note_added","at":%d,"text":"x","n":1} ' % T0  # JSON allows the spaces
    assert _verdict(reader.quick_check, spaced) == _verdict(reader.check, spaced)
    assert reader.quick_check(spaced)[1] == {"at": T0, "text": "x"}


def test_the_quick_path_opens_sealed_lines_and_refuses_what_the_full_checks_refuse(tmp_path: Path):
    crypto.remember("a passphrase for the tests")
    try:
        _, key = crypto.new_journal_key("s1")
        key = key.bound_to(b"digest")
        reader = LineReader(HEADER, key)
        good = key.seal_line(b'{"kind":"note_added","at":%d,"text":"calm","n":4}\n' % (T0 + 1), 4).rstrip(b"\n")
        wrong_number = key.seal_line(b'{"kind":"note_added","at":%d,"text":"calm","n":5}\n' % T0, 4).rstrip(b"\n")
        for line in (good, wrong_number, good[:-9] + b'"}', b'{"n":4,"sealed":"AAAA"}', b"garbage"):
            assert _verdict(reader.quick_check, line) == _verdict(reader.check, line)
        cls, values, seq = reader.quick_check(good)
        assert (cls.KIND, values["text"], seq) == ("note_added", "calm", 4)
    finally:
        crypto.forget()


def _in_session(events: list) -> list:
    """The events at times a session starting at T0 holds."""
    placed = []
    for number, event in enumerate(events):
        event = dataclasses.replace(event, at=T0 + number)
        if isinstance(event, DoseGiven):
            event = dataclasses.replace(event, given_at=T0)
        placed.append(event)
    return placed


@settings(max_examples=200, deadline=None)
@given(st.lists(EVENTS, min_size=1, max_size=6).map(_in_session))
def test_a_replay_builds_each_event_as_its_class_builds_it(events):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s1.jsonl"
        writer = JournalWriter.create(path, HEADER, None)
        for event in events:
            assert writer.append(event)
        assert writer.close()
        contents = read_journal(path)
        some = read_journal(path, kinds={events[0].KIND})
    assert contents.problems == ()
    assert contents.events == tuple(events)
    for read, written in zip(contents.events, events, strict=True):
        assert type(read) is type(written) and vars(read) == vars(written) and repr(read) == repr(written)
        assert hash(read) == hash(written)
    assert some.events == tuple(event for event in events if event.KIND == events[0].KIND)


def test_an_older_record_without_some_fields_is_built_with_their_defaults(tmp_path: Path):
    path = tmp_path / "s1.jsonl"
    path.write_bytes(header_line(HEADER) + b'{"kind":"vitals_recorded","at":%d,"systolic":120,"n":1}\n' % T0)
    (event,) = read_journal(path).events
    assert (event.systolic, event.diastolic, event.note) == (120, None, "")


def test_a_sealed_line_as_written_opens_as_the_json_reading_of_it_opens(monkeypatch):
    crypto.remember("a passphrase for the tests")
    try:
        _, key = crypto.new_journal_key("s1")
        key = key.bound_to(b"digest")
        good = key.seal_line(b'{"kind":"note_added","at":%d,"text":"calm","n":7}\n' % T0, 7).rstrip(b"\n")
        token = good.split(b'"sealed":"')[1][:-2]
        lines = [
            good,
            b'{"n": 7, "sealed": "' + token + b'"}',  # spaced: read as JSON
            b'{"n":07,"sealed":"' + token + b'"}',  # not JSON
            b'{"n":8,"sealed":"' + token + b'"}',  # another number: does not open
            b'{"n":7,"sealed":"' + token[:-4] + b'"}',
            b'{"n":7,"sealed":"' + token + b'","x":1}',
            b'{"sealed":"' + token + b'"}',
            good + b" ",
        ]
        quick = [_verdict(key.open_line, line) for line in lines]
        monkeypatch.setattr(crypto, "_AS_WRITTEN", crypto.re.compile(rb"(?!)(.)(.)"))  # never matches
        assert quick == [_verdict(key.open_line, line) for line in lines]
        assert quick[0] == quick[1] == b'{"kind":"note_added","at":%d,"text":"calm","n":7}' % T0
        assert all(isinstance(verdict, tuple) for verdict in quick[2:5])
    finally:
        crypto.forget()


def _as_verdict(verdict):
    return (type(verdict), str(verdict)) if isinstance(verdict, ValueError) else verdict


@st.composite
def _journal_lines(draw) -> list[bytes]:
    """The event lines of a numbered journal as the writer writes them, then perhaps damaged:
    a time outside the session, a line changed as `_lines` changes one, two lines swapped, one repeated, dropped or split."""
    events = _in_session(draw(st.lists(EVENTS, min_size=1, max_size=8)))
    lines = [encode_event(event, number).rstrip(b"\n") for number, event in enumerate(events, start=1)]
    at = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    damage = draw(st.sampled_from(["none", "line", "swap", "repeat", "drop", "split", "empty", "late", "dose"]))
    if damage == "late":  # a time outside the session
        lines[at] = encode_event(dataclasses.replace(events[at], at=T0 + 10**8), at + 1).rstrip(b"\n")
    elif damage == "dose":  # a dose given, its time typed outside the session
        dose = DoseGiven(T0 + at, amount=1, unit="mg", route="IM", given_at=T0 - 10**6)
        lines[at] = encode_event(dose, at + 1).rstrip(b"\n")
    elif damage == "line":
        lines[at] = draw(_lines())
    elif damage == "swap" and len(lines) > 1:
        lines[at], lines[at - 1] = lines[at - 1], lines[at]
    elif damage == "repeat":
        lines.insert(at, lines[at])
    elif damage == "drop" and len(lines) > 1:
        del lines[at]
    elif damage == "split":
        cut = draw(st.integers(min_value=0, max_value=len(lines[at])))
        lines[at : at + 1] = [lines[at][:cut], lines[at][cut:]]
    elif damage == "empty":
        lines.insert(at, b"")
    return lines


@settings(max_examples=500, deadline=None)
@given(_journal_lines())
def test_judging_a_journal_at_once_reaches_the_verdict_of_each_line_judged_alone(lines):
    verdicts, refused = LineReader(HEADER, None).check_all(lines)
    alone = [_verdict(LineReader(HEADER, None).check, line) for line in lines]
    assert [_as_verdict(verdict) for verdict in verdicts] == alone
    assert refused == [index for index, verdict in enumerate(verdicts) if isinstance(verdict, ValueError)]


def test_an_undamaged_journal_is_judged_in_one_pass_and_a_damaged_one_line_by_line(monkeypatch):
    events = _in_session([NoteAdded(0, text=f"note [{i}]" if i == 3 else f"note {i}") for i in range(6)])
    lines = [encode_event(event, number).rstrip(b"\n") for number, event in enumerate(events, start=1)]
    alone: list[bytes] = []
    monkeypatch.setattr(LineReader, "quick_check", lambda self, line: alone.append(line) or self.check(line))
    verdicts, refused = LineReader(HEADER, None).check_all(lines)
    assert refused == [] and [values["text"] for _, values, _ in verdicts] == [f"note {i}" for i in range(6)][:3] + [
        "note [3]",
        "note 4",
        "note 5",
    ]
    assert alone == [lines[3]]  # only the line with a bracket, which the depth limit counts
    alone.clear()
    damaged = lines[:2] + [lines[2][:-1]] + lines[3:]
    verdicts, refused = LineReader(HEADER, None).check_all(damaged)
    assert refused == [2] and alone == damaged[:4]  # the run the damaged line is in, and the bracketed line


def test_lines_that_parse_together_but_not_alone_are_judged_alone():
    """Joined by commas, a value begun on one line can end on the next, and one line can hold
    two values: three such lines make three notes as an array, though none is a record alone."""
    note = b'{"kind":"note_added","at":%d,"text":' % T0
    lines = [
        note + b'{"y":1',
        b'"z":2},"text":"b","n":1}',
        note + b'"c","n":2},' + note + b'"d","n":3}',
        note + b'"e","n":4}',
    ]
    assert len(json.loads(b"[" + b",".join(lines) + b"]")) == len(lines)
    verdicts, refused = LineReader(HEADER, None).check_all(lines)
    assert refused == [0, 1, 2]
    assert [_as_verdict(verdict) for verdict in verdicts] == [
        _verdict(LineReader(HEADER, None).check, line) for line in lines
    ]
    assert verdicts[3][1]["text"] == "e"


def test_a_long_journal_is_judged_in_runs_and_only_the_damaged_run_line_by_line(monkeypatch):
    from companion.core.journal.reading import RUN

    events = _in_session([NoteAdded(0, text=f"note {i}") for i in range(RUN * 2 + 50)])
    lines = [encode_event(event, number).rstrip(b"\n") for number, event in enumerate(events, start=1)]
    lines[RUN + 10] = lines[RUN + 10][:-3]  # cut: the second run holds a damaged line
    alone: list[bytes] = []
    monkeypatch.setattr(LineReader, "quick_check", lambda self, line: alone.append(line) or self.check(line))
    verdicts, refused = LineReader(HEADER, None).check_all(lines)
    assert refused == [RUN + 10]
    assert alone == lines[RUN : RUN * 2]
    assert [_as_verdict(v) for v in verdicts] == [_verdict(LineReader(HEADER, None).check, line) for line in lines]
