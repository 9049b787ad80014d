"""Reading only some kinds of event (`read_journal(path, kinds=...)`, as a course does): every
line is still judged, so a damaged, repeated, missing or misplaced line of a kind that is not
kept is reported exactly as the full read reports it, in plain and encrypted journals alike."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_journal_records import EVENTS

from companion.core.events import DoseGiven, NoteAdded, SessionEnded, SessionStarted, UnknownEvent, VitalsRecorded
from companion.core.journal import crypto, records
from companion.core.journal.records import (
    EARLIEST,
    EVENT_TYPES,
    LATEST,
    checked_record,
    decode_record,
    encode_event,
    journal_key,
    load_line,
    parse_header,
)
from companion.core.journal.store import FORMAT_VERSION, JournalHeader, JournalWriter, read_journal

T0 = 1_800_000_000.0
KEPT = frozenset({SessionStarted.KIND, DoseGiven.KIND, SessionEnded.KIND})
SECRET = "a passphrase for the tests"


pytestmark = pytest.mark.usefixtures("fresh_keys")


def session() -> list:
    events = [SessionStarted(T0, script_id="im-standard", client_code="K-1")]
    events += [NoteAdded(T0 + i, text=f"note {i}") for i in range(1, 6)]
    events.append(DoseGiven(T0 + 10, amount=50, unit="mg", route="IM", given_at=T0 + 10, lot="A1"))
    events += [VitalsRecorded(T0 + 10 + i, systolic=120 + i, diastolic=80) for i in range(1, 4)]
    events.append(SessionEnded(T0 + 20))
    return events  # 11 events: record N on line N + 1 (lines[N] once split); notes are records 2 to 6


def write(path: Path, encrypted: bool = False) -> None:
    header = JournalHeader(FORMAT_VERSION, "s1", "im-standard", "hash", "", T0)
    key = None
    if encrypted:
        crypto.remember(SECRET)
        encryption, key = crypto.new_journal_key("s1")
        header = dataclasses.replace(header, encryption=encryption)
    writer = JournalWriter.create(path, header, key)
    for event in session():
        assert writer.append(event)
    assert writer.close()


Seal = Callable[[bytes, int], bytes]


def edit(path: Path, change: Callable[[list[bytes], Seal], None]) -> None:
    """`change` the journal's lines; it seals a line it writes as the journal's own key would."""
    lines = path.read_bytes().split(b"\n")
    header = parse_header(lines[0], path)
    key = journal_key(header, path)

    def seal(line: bytes, seq: int) -> bytes:
        return key.seal_line(line, seq).rstrip(b"\n") if key is not None else line

    change(lines, seal)
    path.write_bytes(b"\n".join(lines))


def plain_note(seq: int, text: object) -> bytes:
    return json.dumps({"kind": "note_added", "at": T0 + 1, "text": text, "n": seq}, separators=(",", ":")).encode()


def _damage_a_note(lines: list[bytes], seal: Seal) -> None:
    lines[3] = seal(plain_note(3, 7), 3)  # a note whose text is a number


def _not_json(lines: list[bytes], seal: Seal) -> None:
    lines[3] = seal(b'{"kind":"note_added","at":' + str(T0).encode() + b',"text":"x,"n":3}', 3)


def _repeat(lines: list[bytes], seal: Seal) -> None:
    lines.insert(4, lines[3])


def _remove(lines: list[bytes], seal: Seal) -> None:
    del lines[4:6]


def _swap(lines: list[bytes], seal: Seal) -> None:
    lines[3], lines[4] = lines[4], lines[3]


def _unnumbered(lines: list[bytes], seal: Seal) -> None:
    lines[3] = seal(json.dumps({"kind": "note_added", "at": T0 + 1, "text": "x"}).encode(), 3)


def _out_of_time(lines: list[bytes], seal: Seal) -> None:
    lines[3] = seal(
        json.dumps({"kind": "note_added", "at": T0 - 86400 * 3, "text": "x", "n": 3}, separators=(",", ":")).encode(), 3
    )


def _torn(lines: list[bytes], seal: Seal) -> None:
    lines[-1] = lines[-2][:20]  # the end half written, after the last whole line


CHANGES = {
    "a damaged line": (_damage_a_note, ["line 4 could not be read and was skipped", "record 3 is missing"]),
    "a line that is not JSON": (_not_json, ["line 4 could not be read and was skipped (not valid JSON)"]),
    "a repeated line": (_repeat, ["line 5 repeats record 3 and was not counted again"]),
    "missing lines": (_remove, ["records 4 to 5 are missing from the journal"]),
    "lines out of order": (_swap, ["line 5 (record 3) was out of place and was put back in its order"]),
    "a line without its number": (_unnumbered, ["note_added: no sequence number"]),
    "a time outside the session": (_out_of_time, ["note_added: its time lies outside the session"]),
    "a torn end": (_torn, ["the last line was incomplete"]),
}
# A sealed line must hold its own number: without it, it is refused before it is parsed.
SEALED_WORDS = {"a line without its number": ["its sequence number does not match what it seals"]}


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
@pytest.mark.parametrize("name", list(CHANGES))
def test_a_fault_in_a_line_not_kept_is_reported_as_the_full_read_reports_it(tmp_path, name, encrypted):
    path = tmp_path / "s1.jsonl"
    write(path, encrypted)
    change, words = CHANGES[name]
    words = SEALED_WORDS.get(name, words) if encrypted else words
    edit(path, change)
    whole = read_journal(path)
    kept = read_journal(path, kinds=KEPT)
    for expected in words:  # the fault is really there, and really said
        assert any(expected in problem for problem in kept.problems), (expected, kept.problems)
    assert kept.problems == whole.problems and kept.torn == whole.torn
    assert kept.header == whole.header
    assert kept.events == tuple(event for event in whole.events if event.KIND in KEPT)
    assert [event.KIND for event in kept.events] == ["session_started", "dose_given", "session_ended"]


def test_a_sealed_line_that_no_longer_opens_is_reported_as_the_full_read_reports_it(tmp_path):
    path = tmp_path / "s1.jsonl"
    write(path, encrypted=True)

    def flip(lines: list[bytes], seal: Seal) -> None:
        record = json.loads(lines[3])
        record["n"] = 4  # a number edited: the line no longer opens
        lines[3] = json.dumps(record).encode()

    edit(path, flip)
    whole = read_journal(path)
    kept = read_journal(path, kinds=KEPT)
    assert kept.problems[0].startswith("line 4 could not be read and was skipped")
    assert kept.problems == whole.problems
    assert kept.events == tuple(event for event in whole.events if event.KIND in KEPT)


def test_a_format_1_journal_is_read_the_same_way(tmp_path):
    path = tmp_path / "old.jsonl"
    header = JournalHeader(1, "old", "im-standard", "", "", T0)
    writer = JournalWriter.create(path, header)
    for event in session():
        writer.append(event)
    writer.close()
    edit(path, lambda lines, seal: lines.__setitem__(3, b'{"kind":"note_added","at":1,"text":7}'))
    whole = read_journal(path)
    kept = read_journal(path, kinds=KEPT)
    assert kept.problems == whole.problems and len(kept.problems) == 1
    assert kept.events == tuple(event for event in whole.events if event.KIND in KEPT)


def test_no_kinds_is_every_event_and_an_empty_set_is_none_but_still_checked(tmp_path):
    path = tmp_path / "s1.jsonl"
    write(path)
    assert read_journal(path, kinds=None).events == tuple(session())
    edit(path, _damage_a_note)
    nothing = read_journal(path, kinds=())
    assert nothing.events == () and nothing.problems == read_journal(path).problems != ()


@pytest.mark.parametrize(
    "line",
    [
        b'{"kind":"note_added","at":1800000001.0,"text":"x"}',
        b' {"kind":"note_added","at":1800000001.0,"text":"x"} ',
        b'{"kind":"note_added","at":1800000001.0,"text":"x"} {"kind":"paused"}',
        b'{"kind":"note_added","at":1800000001.0,"text":"x"}}',
        b"",
        b"  ",
        b'"just text"',
        b"[1, 2]",
    ],
)
def test_a_line_is_parsed_as_the_standard_json_decoder_parses_it(line):
    try:
        expected = json.loads(line.decode())
    except ValueError:
        with pytest.raises(ValueError, match="not valid JSON"):
            load_line(line)
    else:
        assert load_line(line) == expected


def test_checking_a_record_without_building_it_judges_it_as_building_does():
    for cls in EVENT_TYPES.values():
        record = json.loads(encode_event(cls(at=T0), 3))
        kind, values, seq = checked_record(record)
        assert (kind(**values), seq) == decode_record(record) == (cls(at=T0), 3)
    with pytest.raises(ValueError, match="wrong type"):
        checked_record({"kind": "note_added", "at": T0, "text": 7})


# Any JSON value a damaged or hand-edited line could hold in a field's place.
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0, 0.0, EARLIEST, LATEST, EARLIEST - 1, 2**53, "IM", "next", "jump", ""])
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=2),
    max_leaves=4,
)


@st.composite
def _edited_records(draw) -> dict:
    """A record as the writer writes it, then perhaps a value replaced, a field dropped or added."""
    event = draw(EVENTS)
    record = json.loads(encode_event(event, draw(st.none() | st.integers(min_value=1, max_value=2**40))))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        change = draw(st.sampled_from(["replace", "drop", "add"]))
        names = sorted(record)
        if change == "replace" and names:
            record[draw(st.sampled_from(names))] = draw(_JSON)
        elif change == "drop" and names:
            del record[draw(st.sampled_from(names))]
        else:
            record[draw(st.sampled_from(["mood", "n", "at", "text", "given_at", "systolic"]))] = draw(_JSON)
    return record


def _verdict(judge, record):
    try:
        return judge(record)
    except UnknownEvent as error:
        return str(error)


@settings(max_examples=400, deadline=None)
@given(_edited_records())
def test_a_record_judged_by_its_shape_gets_the_verdict_of_the_full_checks(record):
    full = _verdict(records._checked_in_full, record)
    assert _verdict(checked_record, record) == full
    assert _verdict(checked_record, record) == full  # the shape now remembered
    if not isinstance(full, str):  # a record that passes always builds, as decode_record builds it
        cls, values, seq = full
        assert (cls(**values), seq) == decode_record(record)
