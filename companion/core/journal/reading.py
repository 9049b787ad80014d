"""Reading journals: every event of one (replay), and the one-line summary of one (listings).

Replay tolerates a torn last line (a crash mid-write) and says so; any other damaged line is
skipped and named. Numbered journals (format 2) also drop a repeated line, put lines back in
their order and name missing ones. Times must lie within the session's span, near its
`created`: a flipped bit cannot put a session centuries ahead.
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any, BinaryIO

from companion.core.events import EVENT_TYPES, DoseGiven, Event, SessionEnded, SessionStarted, UnknownEvent
from companion.core.journal import crypto
from companion.core.journal.records import (
    MAX_LINE,
    JournalError,
    JournalHeader,
    checked_record,
    journal_key,
    load_line,
    number_or_none,
    opened_header,
    parse_header,
    record_or_none,
    shape_judge,
)
from companion.core.journal.shapes import Judged

# How a SessionEnded record begins: compact as encode_event writes it, or with json.dumps'
# default spacing. Inside a note's text the quotes would be escaped, so a note cannot match.
_ENDED_MARKS = (b'{"kind":"session_ended"', b'{"kind": "session_ended"')
BEFORE = 24 * 3600.0  # a dose time may be typed hours back; nothing lies a day before the journal
AFTER = 30 * 24 * 3600.0  # session time a journal may run past its creation, times its speed


@dataclass(frozen=True)
class JournalContents:
    header: JournalHeader
    events: tuple[Event, ...]
    torn: bool  # the last line was incomplete (a crash mid-write) and was ignored
    problems: tuple[str, ...]  # plain sentences about anything skipped


@dataclass(frozen=True)
class SessionSummary:
    session_id: str
    path: Path
    script_id: str
    client_code: str
    started_at: float | None
    last_event_at: float | None
    finished: bool
    created: float = 0.0
    rehearsal: bool = False
    speed: float = 1.0

    @property
    def last_active(self) -> float:
        """Wall-clock time of the last event as it happened, for comparing sessions.

        A rehearsal's events carry its sped-up clock (x60 runs an hour a minute ahead), so its
        last event is mapped back to real time from when it was created."""
        last = self.last_event_at if self.last_event_at is not None else self.created
        if self.speed > 0 and self.speed != 1.0:
            return self.created + (last - self.created) / self.speed
        return last

    @property
    def duration(self) -> float | None:
        """Seconds from the start to the last event recorded (None before the session started)."""
        if self.started_at is None or self.last_event_at is None:
            return None
        return max(0.0, self.last_event_at - self.started_at)


def time_span(header: JournalHeader) -> tuple[float, float]:
    """The session times a journal with this header can hold."""
    return header.created - BEFORE, header.created + AFTER * max(1.0, header.speed)


class LineReader:
    """Decodes the event lines of one journal in order: opens sealed lines, checks times
    against the header's span, and follows sequence numbers."""

    def __init__(self, header: JournalHeader, key: crypto.JournalKey | None) -> None:
        self.header = header
        self.key = key
        self.low, self.high = time_span(header)
        self.numbered = header.numbered
        self.last_seq = 0

    def decode(self, line: bytes) -> tuple[Event, int | None]:
        """Raises ValueError (UnknownEvent, crypto.SealedLineError) naming what is wrong."""
        cls, values, seq = self.check(line)
        return cls(**values), seq

    def check(self, line: bytes) -> tuple[type[Event], dict[str, Any], int | None]:
        """Every check `decode` makes, without building the event (records.checked_record).
        Raises ValueError as `decode` does."""
        plain = self.key.open_line(line) if self.key is not None else line
        cls, values, seq = checked_record(load_line(plain))
        return self._in_session(cls, values, seq)

    def quick_check(self, line: bytes) -> tuple[type[Event], dict[str, Any], int | None]:
        """`check`'s verdict, reached sooner for the common line: one with no array in it,
        parsed and judged by its shape in one step. A record its shape judge passes holds no
        object as a value, so without arrays it is one JSON structure, well inside load_line's
        nesting limit. Any other line, and any line that fails, is judged by `check` itself,
        which accepts it or says what is wrong: this only ever spares work."""
        try:
            plain = self.key.open_line(line) if self.key is not None else line
            if b"[" not in plain and len(plain) <= MAX_LINE:
                text = plain.decode("utf-8")
                record, end = _SCAN(text, 0)
                if end == len(text) and type(record) is dict:
                    kind = record.get("kind")
                    judged = _JUDGE(record, kind) if type(kind) is str else None
                    if judged is not None and _final(judged, self.low, self.high, self.numbered):
                        return judged
        except (ValueError, RecursionError, StopIteration):
            pass
        return self.check(line)

    def check_all(self, lines: list[bytes]) -> tuple[list[Judged | ValueError], list[int]]:
        """`check`'s verdict on each line (the judged record, or the error it raises), and the
        indexes of the lines it refused."""
        verdicts: list[Judged | ValueError | None]
        if self.key is None and self.numbered:
            verdicts = _judged_at_once(lines, self.low, self.high)  # type: ignore[assignment]
        else:
            verdicts = [None] * len(lines)
        refused: list[int] = []
        if None in verdicts:
            for index, line in enumerate(lines):
                if verdicts[index] is None:
                    try:
                        verdicts[index] = self.quick_check(line)
                    except ValueError as error:
                        verdicts[index] = error
                        refused.append(index)
        return verdicts, refused  # type: ignore[return-value]  # no None is left

    def _in_session(
        self, cls: type[Event], values: dict[str, Any], seq: int | None
    ) -> tuple[type[Event], dict[str, Any], int | None]:
        if seq is None and self.numbered:
            raise UnknownEvent(f"{cls.KIND}: no sequence number")
        if not self.low <= values["at"] <= self.high:
            raise UnknownEvent(f"{cls.KIND}: its time lies outside the session")
        if issubclass(cls, DoseGiven):
            given = values.get("given_at")
            if given and not self.low <= given <= self.high:
                raise UnknownEvent(f"{cls.KIND}: the dose time lies outside the session")
        return cls, values, seq

    def follow(self, line: bytes) -> Event | None:
        """For a reader that follows the file as it grows: the event, or None for a line that
        repeats one already read. Raises ValueError as `decode` does."""
        event, seq = self.decode(line)
        if seq is not None:
            if seq <= self.last_seq:
                return None
            self.last_seq = seq
        return event


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)  # NaN or Infinity: the full checks (load_line) say so


# load_line's parse without its wrappings (raw_decode's own is a Python call around this one,
# raising StopIteration where it raises JSONDecodeError): a value it accepts, parsed the same way.
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
_SCAN: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]
_DOSES = frozenset(cls for cls in EVENT_TYPES.values() if issubclass(cls, DoseGiven))
_JUDGE = shape_judge().judge
_JUDGE_ALL = shape_judge().judge_all
# Lines parsed by one scanner call: their records are judged while still in the processor's cache.
RUN = 256


def _judged_at_once(lines: list[bytes], low: float, high: float) -> list[Judged | None]:
    """Per line of a plain numbered journal, the verdict `check` would reach on it, or None where
    the line is to be judged alone (one that holds a bracket, which the depth limit counts, or
    does not begin as the writer begins a record; a dose; a time outside the session; a record
    its shape judge does not pass; any line of a run that does not parse).

    The lines between bracketed ones are parsed as runs (of at most RUN lines), each by one pass of the JSON scanner over
    the run joined into one array, which costs less than a scanner call per line. When every line
    of a run begins with '{"k' and none holds a bracket, each comma that joins two lines lies
    outside any value: inside a string the next line's '"' would end it and 'k' follow; inside an
    object a '{' cannot follow; and arrays need a bracket. So a run that parses as one array of as
    many values as it has lines holds each line's value in its place: the verdict of the line."""
    verdicts: list[Judged | None] = [None] * len(lines)
    if not lines or max(map(len, lines)) > MAX_LINE:
        return verdicts
    bracketed = [index for index, line in enumerate(lines) if b"[" in line] if b"[" in b"".join(lines) else []
    for start, stop in _runs(len(lines), bracketed):
        run = lines[start:stop]
        if all(map(bytes.startswith, run, repeat(b'{"k'))):
            try:
                text = "[" + b",".join(run).decode("utf-8") + "]"
                records, end = _SCAN(text, 0)
                whole = end == len(text) and len(records) == len(run)
            except (ValueError, RecursionError, StopIteration):
                whole = False
            if whole:
                verdicts[start:stop] = _JUDGE_ALL(records)
    for index, verdict in enumerate(verdicts):
        if verdict is not None and not _final(verdict, low, high, numbered=True):
            verdicts[index] = None
    return verdicts


def _final(judged: Judged, low: float, high: float, numbered: bool) -> bool:
    """Whether a record its shape judge passed needs no more of `check`: not a dose (whose own
    time `check` looks at), numbered where the journal numbers its lines, timed within the
    session. Any other `check` judges in full, and says what is wrong."""
    cls, values, seq = judged
    return cls not in _DOSES and (seq is not None or not numbered) and low <= values["at"] <= high


def _runs(count: int, alone: list[int]) -> Iterator[tuple[int, int]]:
    """(start, stop) of the runs of lines between those judged alone, none longer than RUN."""
    start = 0
    for stop in [*alone, count]:
        for begin in range(start, stop, RUN):
            yield begin, min(stop, begin + RUN)
        start = stop + 1


def _fills_its_fields(cls: type[Event]) -> bool:
    """Whether an event of `cls` given every field is exactly its fields' values in its
    __dict__: a dataclass whose __init__ is the one dataclasses writes (which only stores each
    argument), with no __post_init__ and no slots."""
    init = getattr(cls.__init__, "__code__", None)
    return (
        dataclasses.is_dataclass(cls)
        and init is not None
        and init.co_filename == "<string>"  # written by dataclasses, not by hand
        and not hasattr(cls, "__post_init__")
        and all("__slots__" not in vars(base) for base in cls.__mro__[:-1])
    )


# Event classes a replay builds by filling the new event's __dict__ when a record holds every
# field (as the writer writes it), by field count: four times cheaper than a frozen dataclass's
# __init__, which sets each field through object.__setattr__, for the same object.
_FILLED: dict[type[Event], int] = {
    cls: len(dataclasses.fields(cls)) for cls in EVENT_TYPES.values() if _fills_its_fields(cls)
}
_new = object.__new__


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading, refused unless it is a regular file: a FIFO named like a
    journal would block the listing for ever, and /dev/zero would never end."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise JournalError(f"{path} could not be read ({error.strerror or error}).") from None
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        regular = False
    if not regular:
        os.close(fd)
        raise JournalError(f"{path} is not a regular file, so it is not a journal.")
    return os.fdopen(fd, "rb")


def read_regular(path: Path) -> bytes:
    with open_regular(path) as stream:
        try:
            return stream.read()
        except OSError as error:
            raise JournalError(f"{path} could not be read ({error.strerror or error}).") from None


def read_journal(path: Path, kinds: Collection[str] | None = None) -> JournalContents:
    """Every event in the journal at `path`, or with `kinds` only the events of those kinds.

    Raises JournalError when the header is unreadable, or when none of its sealed lines opens
    against its header (the header was edited). `kinds` changes only which events are built
    and returned: every line is still opened, parsed and checked, and counted in the numbering,
    so the problems (a damaged line, a gap, a repeat, a torn end) are the same as without it.
    """
    path = Path(path)
    data = read_regular(path)
    lines = data.split(b"\n")
    # A file ending in "\n" splits into [..., b""]; anything else in the last slot is a line
    # the writer never finished.
    tail = lines.pop()
    torn = bool(tail)
    if not lines:
        if not tail:
            raise JournalError(f"{path} is empty: it has no journal header.")
        raise JournalError(f"{path}: the journal header was never completely written.")
    header = parse_header(lines[0], path)
    key = journal_key(header, path)
    header = opened_header(header, lines[0], key, path)
    reader = LineReader(header, key)
    wanted = None if kinds is None else frozenset(cls for cls in EVENT_TYPES.values() if cls.KIND in kinds)
    verdicts, refused = reader.check_all(lines[1:])
    problems: list[str] = []
    sealed_failures = 0
    for index in refused:
        if index == len(verdicts) - 1 and not torn:
            torn = True  # the last line is garbage: a crash mid-write
            continue
        error = verdicts[index]
        sealed_failures += isinstance(error, crypto.SealedLineError)
        problems.append(f"line {index + 2} could not be read and was skipped ({error})")
    numbers = list(range(2, len(verdicts) + 2))  # each kept record's line number
    judged: list[Judged] = verdicts  # type: ignore[assignment]
    if refused:
        numbers = [index + 2 for index, verdict in enumerate(verdicts) if type(verdict) is tuple]
        judged = [verdict for verdict in verdicts if type(verdict) is tuple]
    # Each kept record's event, None for a kind not wanted; its sequence number, or its line
    # number in an unnumbered journal.
    found = [_built(cls, values) if wanted is None or cls in wanted else None for cls, values, _ in judged]
    seqs = [seq if seq is not None else number for (_, _, seq), number in zip(judged, numbers, strict=True)]
    if key is not None and header.numbered and sealed_failures and not found:
        raise JournalError(
            f"{path}: none of its sealed lines opens against its header: the header was changed after it was written."
        )
    ordered = _in_order(seqs, numbers, found, problems) if header.numbered else found
    events = tuple(event for event in ordered if event is not None)
    if torn:
        problems.append("the last line was incomplete (the program stopped while writing it) and was ignored")
    return JournalContents(header, events, torn, tuple(problems))


def _built(cls: type[Event], values: dict[str, Any]) -> Event:
    if len(values) == _FILLED.get(cls):
        event = _new(cls)
        event.__dict__.update(values)
        return event
    return cls(**values)


def _in_order(
    seqs: list[int], numbers: list[int], found: list[Event | None], problems: list[str]
) -> list[Event | None]:
    """Events by sequence number: a repeated number is dropped, a line out of place is put back,
    a gap is named."""
    if seqs == list(range(1, len(seqs) + 1)):
        return found  # numbered 1, 2, 3, ... as written: nothing to say
    by_seq: dict[int, Event | None] = {}
    highest = 0
    for seq, number, event in zip(seqs, numbers, found, strict=True):
        if seq in by_seq:
            problems.append(f"line {number} repeats record {seq} and was not counted again")
            continue
        if seq < highest:
            problems.append(f"line {number} (record {seq}) was out of place and was put back in its order")
        highest = max(highest, seq)
        by_seq[seq] = event
    expected = 1
    for seq in sorted(by_seq):
        if seq > expected:
            span = f"record {expected} is" if seq == expected + 1 else f"records {expected} to {seq - 1} are"
            problems.append(f"{span} missing from the journal")
        expected = seq + 1
    return [by_seq[seq] for seq in sorted(by_seq)]


_WINDOW = 64 * 1024  # bytes read from each end of a journal to list it


def summarise(path: Path) -> SessionSummary:
    """The listing line of one journal, without decoding every event (see `summary_and_events`)."""
    return summary_and_events(path)[0]


def summary_and_events(path: Path) -> tuple[SessionSummary, JournalContents | None]:
    """The listing line of one journal, and its contents when they had to be read in full to
    make it (a sealed journal, a header too long for the window): a caller that wants the
    events too need not read, and open, every line a second time.

    The header and the first event (at the head) give the start and the client code; the last
    complete line gives the last event's time; a SessionEnded record anywhere marks the session
    finished. Only the head and the tail are read, unless the tail shows no end (then the whole
    file is searched: paperwork written after the end can be long).
    """
    path = Path(path)
    try:
        with open_regular(path) as f:
            size = os.fstat(f.fileno()).st_size
            head = f.read(_WINDOW)
            whole = size <= len(head)
            if whole:
                tail = head
            else:
                f.seek(max(0, size - _WINDOW))
                tail = f.read()
    except OSError as error:
        raise JournalError(f"{path} could not be read ({error.strerror or error}).") from None
    first_end = head.find(b"\n")
    if first_end < 0:
        if whole:
            raise JournalError(f"{path}: the journal header was never completely written.")
        if size > _WINDOW and head.startswith(b'{"format":'):  # a header holding a long script
            contents = read_journal(path)
            return _summary_of(contents, path), contents
        raise JournalError(f"{path}: the first line is not a session journal header.")
    header = parse_header(head[:first_end], path)
    if header.encrypted:  # sealed lines say nothing without the key: read them all
        contents = read_journal(path)
        return _summary_of(contents, path), contents
    low, high = time_span(header)
    started_at: float | None = None
    client_code = ""
    second_end = head.find(b"\n", first_end + 1)
    if second_end > 0:
        record = record_or_none(head[first_end + 1 : second_end])
        if record is not None and record.get("kind") == "session_started":
            started_at = _time_or_none(record.get("at"), low, high)
            code = record.get("client_code", "")
            client_code = code if isinstance(code, str) else ""
    # In the tail window the first line may be cut by the window's edge: only what follows the
    # window's first newline is whole. In a whole file, everything after the header.
    complete = tail[: tail.rfind(b"\n") + 1]
    boundary = first_end if whole else complete.find(b"\n")
    last_event_at = _last_time(complete, boundary, low, high)
    finished = any(mark in complete for mark in _ENDED_MARKS)
    if not whole and (last_event_at is None or not finished):
        everything = read_regular(path)
        everything = everything[: everything.rfind(b"\n") + 1]
        finished = any(mark in everything for mark in _ENDED_MARKS)
        if last_event_at is None:
            last_event_at = _last_time(everything, everything.find(b"\n"), low, high)
    summary = SessionSummary(
        session_id=header.session_id,
        path=path,
        script_id=header.script_id,
        client_code=client_code,
        started_at=started_at,
        last_event_at=last_event_at,
        finished=finished,
        created=header.created,
        rehearsal=header.rehearsal,
        speed=header.speed,
    )
    return summary, None


def _summary_of(contents: JournalContents, path: Path) -> SessionSummary:
    events = contents.events
    first = events[0] if events else None
    started = first if isinstance(first, SessionStarted) else None
    header = contents.header
    return SessionSummary(
        session_id=header.session_id,
        path=path,
        script_id=header.script_id,
        client_code=started.client_code if started else "",
        started_at=started.at if started else None,
        last_event_at=events[-1].at if events else None,
        finished=any(isinstance(event, SessionEnded) for event in events),
        created=header.created,
        rehearsal=header.rehearsal,
        speed=header.speed,
    )


def _last_time(complete: bytes, boundary: int, low: float, high: float) -> float | None:
    """`at` of the last readable record in `complete` (whole lines) after index `boundary`."""
    end = len(complete) - 1
    while end > boundary:
        start = complete.rfind(b"\n", 0, end) + 1
        record = record_or_none(complete[start:end])
        if record is not None and "kind" in record:
            at = _time_or_none(record.get("at"), low, high)
            if at is not None:
                return at
        end = start - 1
    return None


def _time_or_none(value: Any, low: float, high: float) -> float | None:
    number = number_or_none(value)
    return number if number is not None and low <= number <= high else None


def latest_unfinished(summaries: Iterable[SessionSummary]) -> SessionSummary | None:
    """The unfinished session last active in real time, rehearsals and real sessions alike."""
    return max((s for s in summaries if not s.finished), key=lambda s: s.last_active, default=None)
