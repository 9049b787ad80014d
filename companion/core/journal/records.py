"""What one journal line holds: the header and the event records, encoded and checked.

Every reader (replay, the listing, the display's tail, reports) and the writer go through
here, so a line is parsed and judged in one place. A line is refused before it is parsed when
it is too long or nested too deeply, and after, when any value has the wrong type, is not a
finite number, or lies outside what a session can hold (see `Limits`): a damaged line must be
skipped with a reason, never reach the timeline and fail there.

Format 2 (written now) numbers every event line ("n": 1, 2, ...) so a reader can drop a
repeated line and name missing ones, and keeps the script's text in the header, so a session
can be resumed and reported as planned when its script file is gone. Format 1 journals (no
numbers, no script text) are still read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from companion.core.events import EVENT_TYPES, Event, UnknownEvent
from companion.core.journal import crypto
from companion.core.journal.shapes import ShapeJudge
from companion.core.limits import VITALS

FORMAT_VERSION = 2
READABLE_FORMATS = frozenset({1, 2})
MAX_LINE = 8 * 1024 * 1024  # a header with a 1 MB script, escaped, fits well inside
MAX_DEPTH = 8  # arrays and objects in a line: a record is one object, a header two

# Session times (epoch seconds) a journal may hold at all: 2000-01-01 to 2200-01-01.
EARLIEST, LATEST = 946_684_800.0, 7_258_118_400.0
MAX_SPEED = 3600.0  # as `companion run --speed` allows


class JournalError(Exception):
    """A journal that cannot be read or opened; the message is a plain sentence naming it."""


@dataclass(frozen=True)
class JournalHeader:
    """The first line of a journal: which session, of which script, written how (and sealed how)."""

    format: int
    session_id: str
    script_id: str
    script_hash: str
    script_path: str
    created: float
    speed: float = 1.0
    rehearsal: bool = False
    encryption: crypto.Encryption | None = None  # set when the events are sealed (crypto.py)
    script_text: str = ""  # the script as planned (format 2; sealed in the file when encrypted)
    digest: bytes = field(
        default=b"", compare=False
    )  # sha256 of the header line as written: sealed lines are bound to it

    @property
    def encrypted(self) -> bool:
        return self.encryption is not None

    @property
    def numbered(self) -> bool:
        """Whether event lines carry sequence numbers (format 2 on)."""
        return self.format >= 2


# -- parsing a line ---------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a time or a reading")


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def _structures(line: bytes) -> int:
    """How many arrays and objects `line` opens, text inside strings not counted. A record is one
    object, a header two: this bounds the nesting depth without walking it."""
    outside = _STRING.sub(b"", line)
    return outside.count(b"[") + outside.count(b"{")


def load_line(line: bytes) -> Any:
    """The JSON value of one line. Raises ValueError naming what is wrong: too long, nested too
    deeply, not JSON, NaN or infinite numbers."""
    if len(line) > MAX_LINE:
        raise ValueError(f"the line is {len(line) // 1024} KB long, more than a journal line can be")
    # Brackets inside a note's text are counted here too, so most lines never need the second look.
    if line.count(b"[") + line.count(b"{") > MAX_DEPTH and _structures(line) > MAX_DEPTH:
        raise ValueError("it is nested too deeply to be a journal record")
    try:
        text = line.decode("utf-8")
        # 1e999 parses as infinity: the checks of each value refuse it (a hook per number would
        # cost a third of a replay). raw_decode is the scanner without decode()'s wrapping (a
        # third of the cost of a line); a value that does not fill the line exactly (spaces
        # around it, or more after it) goes through decode(), which accepts or refuses it.
        try:
            value, end = _DECODER.raw_decode(text)
        except json.JSONDecodeError:
            return _DECODER.decode(text)
        return value if end == len(text) else _DECODER.decode(text)
    except RecursionError:  # pragma: no cover - the depth check above comes first
        raise ValueError("it is nested too deeply to be a journal record") from None
    except UnicodeDecodeError:
        raise ValueError("it is not UTF-8 text") from None
    except json.JSONDecodeError:
        raise ValueError("not valid JSON") from None


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def record_or_none(line: bytes) -> dict[str, Any] | None:
    """The JSON object on `line`, or None for anything else (listings read past damage)."""
    try:
        record = load_line(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def number_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


# -- the header -------------------------------------------------------------------------------


def header_line(header: JournalHeader, key: crypto.JournalKey | None = None) -> bytes:
    """The header as the first line of a journal (the script sealed with `key` when encrypted)."""
    record: dict[str, Any] = {
        f.name: getattr(header, f.name)
        for f in dataclasses.fields(header)
        if f.name not in ("encryption", "script_text", "digest")
    }
    if header.encryption is not None:
        record["encryption"] = header.encryption.record()
    if header.format >= 2 and header.script_text:
        if key is not None:
            record["script_sealed"] = key.seal_text(header.script_text)
        else:
            record["script_text"] = header.script_text
    return line_of(record)


def line_of(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, separators=(",", ":"), ensure_ascii=False, allow_nan=False) + "\n").encode()


def digest_of(line: bytes) -> bytes:
    return hashlib.sha256(line.rstrip(b"\n")).digest()


def parse_header(line: bytes, path: Path) -> JournalHeader:
    """The header on the first line of the journal at `path`. Raises JournalError plainly.

    The script text of an encrypted journal stays sealed here (`sealed_script`); numbers are
    checked: a creation time in this century or the next, a speed as `run --speed` allows.
    """
    try:
        record = load_line(line)
    except ValueError:
        record = None
    if not isinstance(record, dict) or "format" not in record:
        raise JournalError(f"{path}: the first line is not a session journal header.")
    if record["format"] not in READABLE_FORMATS or isinstance(record["format"], bool):
        shown = repr(record["format"])[:20]
        raise JournalError(
            f"{path}: journal format {shown} is not one this version reads (it reads format {FORMAT_VERSION})."
        )
    try:
        encryption = crypto.Encryption.from_record(record["encryption"]) if "encryption" in record else None
    except ValueError as error:
        raise JournalError(f"{path}: {error}.") from None
    try:
        created = number_or_none(record["created"])
        speed = number_or_none(record.get("speed", 1.0))
        text = record.get("script_text", "")
        header = JournalHeader(
            format=int(record["format"]),
            session_id=_text(record["session_id"]),
            script_id=_text(record["script_id"]),
            script_hash=_text(record.get("script_hash", "")),
            script_path=_text(record.get("script_path", "")),
            created=created if created is not None else math.nan,
            speed=speed if speed is not None else math.nan,
            rehearsal=record.get("rehearsal", False) is True,
            encryption=encryption,
            script_text=text if isinstance(text, str) else "",
            digest=digest_of(line),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise JournalError(f"{path}: the journal header is incomplete ({error}).") from None
    if not EARLIEST <= header.created <= LATEST:
        raise JournalError(f"{path}: the journal header's creation time is damaged.")
    if not 0 < header.speed <= MAX_SPEED:
        raise JournalError(f"{path}: the journal header's speed is damaged (it must be above 0, at most 3600).")
    return header


def sealed_script(line: bytes) -> str:
    """The sealed script text an encrypted header carries ("" when it has none)."""
    record = record_or_none(line)
    token = record.get("script_sealed", "") if record is not None else ""
    return token if isinstance(token, str) else ""


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a name is not text")
    return value


# -- events -----------------------------------------------------------------------------------

_FIELDS: dict[type[Event], tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in EVENT_TYPES.values()
}


def encode_event(event: Event, seq: int | None = None) -> bytes:
    """One journal line: the record of events.to_record, compact, "kind" first, then its
    sequence number "n" last (format 2)."""
    record: dict[str, Any] = {"kind": event.KIND}
    for name in _FIELDS[type(event)]:
        record[name] = getattr(event, name)
    if seq is not None:
        record["n"] = seq
    return line_of(record)


Check = typing.Callable[[Any], bool]


def _is_number(value: Any) -> bool:
    if type(value) is float:
        return math.isfinite(value)  # 1e999 reads as infinity
    return number_or_none(value) is not None


def _check_for(annotation: Any) -> Check:
    """A check of a JSON value against a field's type, from the type itself."""
    if annotation is float:
        return _is_number
    if annotation is bool:
        return lambda value: isinstance(value, bool)
    if annotation is int:
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if annotation is str:
        return lambda value: isinstance(value, str)
    if typing.get_origin(annotation) is Literal:
        allowed = frozenset(typing.get_args(annotation))
        return lambda value: isinstance(value, str) and value in allowed
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        parts = [_check_for(part) for part in typing.get_args(annotation) if part is not type(None)]
        return lambda value: value is None or any(check(value) for check in parts)
    if typing.get_origin(annotation) in (tuple, list):
        item = _check_for(next(iter(typing.get_args(annotation)), Any))
        return lambda value: isinstance(value, list) and len(value) <= 10_000 and all(item(v) for v in value)
    # A type this reader has no rule for yet: any JSON value of its own kind, containers aside.
    return lambda value: not isinstance(value, (dict, list))


# The common field types, checked by the exact type of the JSON value (replay reads every line).
_NONE = type(None)
_SIMPLE: dict[Any, frozenset[type]] = {
    float: frozenset({int, float}),
    int: frozenset({int}),
    str: frozenset({str}),
    bool: frozenset({bool}),
    int | None: frozenset({int, _NONE}),
    float | None: frozenset({int, float, _NONE}),
    str | None: frozenset({str, _NONE}),
}
_CHECKS: dict[type[Event], tuple[tuple[str, frozenset[type] | None, Check], ...]] = {
    cls: tuple(
        (name, _SIMPLE.get(kind), _check_for(kind))
        for name, kind in typing.get_type_hints(cls).items()
        if name in _FIELDS[cls]
    )
    for cls in EVENT_TYPES.values()
}


# Fields without a default, besides `at` (checked first): a record must hold them to build.
_REQUIRED: dict[type[Event], tuple[str, ...]] = {
    cls: tuple(
        f.name
        for f in dataclasses.fields(cls)
        if f.name != "at" and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    for cls in EVENT_TYPES.values()
}

_TUPLES: dict[type[Event], tuple[str, ...]] = {
    cls: tuple(name for name, kind in typing.get_type_hints(cls).items() if typing.get_origin(kind) is tuple)
    for cls in EVENT_TYPES.values()
}


def decode_record(record: Any) -> tuple[Event, int | None]:
    """The event a parsed line records, and its sequence number (None in format 1).

    Raises UnknownEvent naming the first thing wrong: a kind this version does not know, a
    field it does not have, a value of the wrong type or outside what a session can hold.
    """
    cls, values, seq = checked_record(record)
    return cls(**values), seq  # a field an older journal lacks takes its default


def checked_record(record: Any) -> tuple[type[Event], dict[str, Any], int | None]:
    """Every check `decode_record` makes, without building the event: its class, its field
    values (JSON arrays already tuples) and its sequence number. A reader that keeps only some
    kinds judges every line with this and builds only the events it keeps (`cls(**values)`,
    which cannot fail once this has passed). Raises UnknownEvent as `decode_record` does."""
    if type(record) is dict:
        kind = record.get("kind")
        if type(kind) is str:
            judged = _BY_SHAPE.judge(record, kind)
            if judged is not None:
                return judged
    return _checked_in_full(record)


def _checked_in_full(record: Any) -> tuple[type[Event], dict[str, Any], int | None]:
    """checked_record for any record: says what is wrong with it."""
    if not isinstance(record, dict):
        raise UnknownEvent("not a JSON object")
    kind = record.get("kind")
    cls = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise UnknownEvent(f"unknown event kind {str(kind)[:40]!r}")
    if "at" not in record:
        raise UnknownEvent(f"{cls.KIND}: no time")
    seq = record.get("n")
    if seq is not None and (not isinstance(seq, int) or isinstance(seq, bool) or not 0 < seq < 2**53):
        raise UnknownEvent(f"{cls.KIND}: its sequence number is damaged")
    fields = _FIELDS[cls]
    if len(record) != len(fields) + 1 + (seq is not None):  # a field missing (older journals) or added
        extra = set(record) - set(fields) - {"kind", "n"}
        if extra:
            raise UnknownEvent(f"{cls.KIND}: unexpected fields {sorted(str(name)[:40] for name in extra)[:5]}")
    values = {name: record[name] for name in fields if name in record}
    for name, simple, check in _CHECKS[cls]:
        if name not in values:
            continue
        value = values[name]
        kind = type(value)
        if simple is not None and kind in simple and (kind is not float or math.isfinite(value)):
            continue
        if simple is None and check(value):
            continue
        if kind is float and not math.isfinite(value):
            raise UnknownEvent(f"{cls.KIND}: {name} is too large to be a time or a reading")
        raise UnknownEvent(f"{cls.KIND}: {name} has the wrong type ({kind.__name__})")
    for name in _TUPLES[cls]:
        if isinstance(values.get(name), list):
            values[name] = tuple(values[name])  # JSON has arrays; the event holds tuples
    for name, low, high in _CLASS_RANGES[cls]:
        value = values.get(name)
        if value is None or isinstance(value, bool) or (value == 0 and name in _ZERO_IS_UNSET):
            continue
        if not low <= value <= high:
            raise UnknownEvent(f"{cls.KIND}: {name} is out of range ({str(value)[:24]})")
    for name in _REQUIRED[cls]:
        if name not in values:
            raise UnknownEvent(f"{cls.KIND}: no {name}")
    return cls, values, seq


# Field name -> (low, high): what a session can hold, whatever the event.
_RANGES: dict[str, tuple[float, float]] = {
    "at": (EARLIEST, LATEST),
    "given_at": (EARLIEST, LATEST),
    "occurred_at": (EARLIEST, LATEST),
    "moment": (EARLIEST, LATEST),
    "speed": (1e-9, MAX_SPEED),
    "seconds": (-24 * 3600.0, 24 * 3600.0),
    "amount": (0.0, 1e6),
    "after": (0.0, 7 * 24 * 3600.0),
    "offset": (-LATEST, LATEST),
    "step_reached": (0, 1_000_000),
    **{name: (float(low), float(high)) for name, (_, low, high) in VITALS.items()},
}


_ZERO_IS_UNSET = frozenset({"given_at", "occurred_at"})  # a time of 0 there means "not given"
_CLASS_RANGES: dict[type[Event], tuple[tuple[str, float, float], ...]] = {
    cls: tuple((name, *_RANGES[name]) for name in fields if name in _RANGES) for cls, fields in _FIELDS.items()
}


def decode_line(line: bytes, key: crypto.JournalKey | None = None) -> Event:
    """The event one journal line records (without its newline), checked as replay checks it.

    Raises ValueError (UnknownEvent and crypto.SealedLineError are ones) naming what is wrong.
    `key` opens the lines of an encrypted journal (see journal_key). Times are not checked
    against a header here: reading.LineReader does that.
    """
    if key is not None:
        line = key.open_line(line)
    return decode_record(load_line(line))[0]


def journal_key(header: JournalHeader, path: Path) -> crypto.JournalKey | None:
    """The key that opens the journal's lines (None for a plain journal), bound to its header.
    Raises JournalError when the passphrase is missing or wrong."""
    if header.encryption is None:
        return None
    try:
        key = crypto.journal_key(header.encryption, header.session_id)
    except crypto.PassphraseError as error:
        raise JournalError(f"{path}: {error}") from None
    return key.bound_to(header.digest) if header.numbered else key


def opened_header(header: JournalHeader, line: bytes, key: crypto.JournalKey | None, path: Path) -> JournalHeader:
    """`header` with the script text an encrypted format-2 header seals, opened with `key`."""
    token = sealed_script(line) if key is not None and header.numbered else ""
    if not token or key is None:
        return header
    try:
        return dataclasses.replace(header, script_text=key.open_text(token))
    except ValueError:
        raise JournalError(f"{path}: the script kept in the journal's header does not open with its key.") from None


_BY_SHAPE = ShapeJudge(
    {cls: frozenset(fields) | {"kind", "n"} for cls, fields in _FIELDS.items()},
    {cls: {name: (simple, check) for name, simple, check in checks} for cls, checks in _CHECKS.items()},
    _REQUIRED,
    {
        cls: tuple((name, low, high, name in _ZERO_IS_UNSET) for name, low, high in ranges)
        for cls, ranges in _CLASS_RANGES.items()
    },
    _TUPLES,
)


def shape_judge() -> ShapeJudge:
    """The judge `checked_record` asks first, for a reader that parses lines itself."""
    return _BY_SHAPE
