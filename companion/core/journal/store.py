"""The journal: one append-only JSON-lines file per session, flushed and fsync'd per event.

Line 1 is a header {"format": 1, "session_id", "script_id", "script_hash", "script_path",
"created", "speed", "rehearsal"}; every later line is an event record (events.to_record).
Directory 0700, files 0600. Replay tolerates a torn last line (a crash mid-write) and says so.

An encrypted journal (crypto.py) says so in its header ("encryption": {...}) and holds one
sealed line per event; reading, appending, listing and following it work the same once the
passphrase is known, and fail with a plain JournalError when it is not.

A session must go on when the disk does not: `JournalWriter.append` never raises. A record it
cannot make durable waits, in order, in memory; every later append (or `retry()`) writes the
waiting records first, and `last_error` says in a plain sentence what went wrong.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import os
import stat
import time
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from companion import paths
from companion.core.journal import crypto

try:
    import fcntl
except ImportError:  # not POSIX: journals are still written, just not locked against a second window
    fcntl = None  # type: ignore[assignment]
from dataclasses import dataclass

from companion.core.clock import Clock
from companion.core.events import EVENT_TYPES, Event, SessionEnded, SessionStarted, UnknownEvent, from_record
from companion.core.scripts.script import SessionScript

_log = logging.getLogger("companion.journal")  # event kinds and reasons only, never their contents

FORMAT_VERSION = 1
SUFFIX = ".jsonl"
# How a SessionEnded record begins: compact as encode_event writes it, or with json.dumps'
# default spacing. Inside a note's text the quotes would be escaped, so a note cannot match.
_ENDED_MARKS = (b'{"kind":"session_ended"', b'{"kind": "session_ended"')


class JournalError(Exception):
    """A journal that cannot be read or opened; the message is a plain sentence naming it."""


@dataclass(frozen=True)
class JournalHeader:
    format: int
    session_id: str
    script_id: str
    script_hash: str
    script_path: str
    created: float
    speed: float = 1.0
    rehearsal: bool = False
    encryption: crypto.Encryption | None = None  # set when the events are sealed (crypto.py)

    @property
    def encrypted(self) -> bool:
        return self.encryption is not None


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
    def duration(self) -> float | None:
        """Seconds from the start to the last event recorded (None before the session started)."""
        if self.started_at is None or self.last_event_at is None:
            return None
        return max(0.0, self.last_event_at - self.started_at)


# -- encoding ---------------------------------------------------------------------------------

_FIELDS: dict[type[Event], tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in EVENT_TYPES.values()
}


def encode_event(event: Event) -> bytes:
    """One journal line: the record of events.to_record, compact, "kind" first."""
    record: dict[str, Any] = {"kind": event.KIND}
    for name in _FIELDS[type(event)]:
        record[name] = getattr(event, name)
    return _line(record)


def _line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, separators=(",", ":"), ensure_ascii=False, allow_nan=False) + "\n").encode()


_NUMBER = frozenset({int, float})
_ALLOWED_TYPES = {  # field annotation -> JSON value types a journal may hold for it
    "float": _NUMBER,
    "str": frozenset({str}),
    "bool": frozenset({bool}),
    "int": frozenset({int}),
    "int | None": frozenset({int, type(None)}),
    "PhaseMove": frozenset({str}),
    "ExerciseMove": frozenset({str}),
}
_CHECKS: dict[type[Event], tuple[tuple[str, frozenset[type]], ...]] = {
    cls: tuple((f.name, _ALLOWED_TYPES[str(f.type)]) for f in dataclasses.fields(cls) if str(f.type) in _ALLOWED_TYPES)
    for cls in EVENT_TYPES.values()
}


def _decode_event(record: Any) -> Event:
    """events.from_record, plus a check of every value's type: a hand-edited or damaged line
    must be skipped with a message, not reach the timeline and fail there."""
    if not isinstance(record, dict):
        raise UnknownEvent("not a JSON object")
    cls = EVENT_TYPES.get(record.get("kind"))  # type: ignore[arg-type]
    if cls is None:
        raise UnknownEvent(f"unknown event kind {record.get('kind')!r}")
    if "at" not in record:
        raise UnknownEvent(f"{cls.KIND}: no time")
    if len(record) != len(_FIELDS[cls]) + 1:
        from_record(record)  # raises UnknownEvent naming any unexpected field
    values = {name: record[name] for name in _FIELDS[cls] if name in record}
    for name, allowed in _CHECKS[cls]:
        value = values.get(name, None)
        if type(value) not in allowed and name in values:
            raise UnknownEvent(f"{cls.KIND}: {name} has the wrong type ({type(value).__name__})")
    try:
        return cls(**values)  # a field an older journal lacks takes its default
    except TypeError as error:
        raise UnknownEvent(f"{cls.KIND}: {error}") from None


def decode_line(line: bytes, key: crypto.JournalKey | None = None) -> Event:
    """The event one journal line records (without its newline), type-checked as replay does.

    Raises ValueError (UnknownEvent and crypto.SealedLineError are ones) naming what is wrong.
    For readers that follow a journal as it grows, such as the client display. `key` opens the
    lines of an encrypted journal (see journal_key).
    """
    if key is not None:
        line = key.open_line(line)
    return _decode_event(json.loads(line, parse_constant=_refuse_constant))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a time or a reading")


def header_record(header: JournalHeader) -> dict[str, Any]:
    record = {f.name: getattr(header, f.name) for f in dataclasses.fields(header) if f.name != "encryption"}
    if header.encryption is not None:
        record["encryption"] = header.encryption.record()
    return record


def journal_key(header: JournalHeader, path: Path) -> crypto.JournalKey | None:
    """The key that opens the journal's lines (None for a plain journal). Raises JournalError
    when the passphrase is missing or wrong."""
    if header.encryption is None:
        return None
    try:
        return crypto.journal_key(header.encryption, header.session_id)
    except crypto.PassphraseError as error:
        raise JournalError(f"{path}: {error}") from None


def _parse_header(line: bytes, path: Path) -> JournalHeader:
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if not isinstance(record, dict) or "format" not in record:
        raise JournalError(f"{path}: the first line is not a session journal header.")
    if record["format"] != FORMAT_VERSION:
        raise JournalError(
            f"{path}: journal format {record['format']!r} is not one this version reads "
            f"(it reads format {FORMAT_VERSION})."
        )
    try:
        encryption = crypto.Encryption.from_record(record["encryption"]) if "encryption" in record else None
    except ValueError as error:
        raise JournalError(f"{path}: {error}.") from None
    try:
        return JournalHeader(
            format=int(record["format"]),
            session_id=str(record["session_id"]),
            script_id=str(record["script_id"]),
            script_hash=str(record.get("script_hash", "")),
            script_path=str(record.get("script_path", "")),
            created=float(record["created"]),
            speed=float(record.get("speed", 1.0)),
            rehearsal=bool(record.get("rehearsal", False)),
            encryption=encryption,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise JournalError(f"{path}: the journal header is incomplete ({error}).") from None


# -- reading ----------------------------------------------------------------------------------


def _open_regular(path: Path) -> BinaryIO:
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


def _read_regular(path: Path) -> bytes:
    with _open_regular(path) as stream:
        try:
            return stream.read()
        except OSError as error:
            raise JournalError(f"{path} could not be read ({error.strerror or error}).") from None


def read_journal(path: Path) -> JournalContents:
    """Every event in the journal at `path`. Raises JournalError when the header is unreadable."""
    path = Path(path)
    data = _read_regular(path)
    lines = data.split(b"\n")
    # A file ending in "\n" splits into [..., b""]; anything else in the last slot is a line
    # the writer never finished.
    tail = lines.pop()
    torn = bool(tail)
    if not lines:
        if not tail:
            raise JournalError(f"{path} is empty: it has no journal header.")
        raise JournalError(f"{path}: the journal header was never completely written.")
    header = _parse_header(lines[0], path)
    key = journal_key(header, path)
    events: list[Event] = []
    problems: list[str] = []
    last = len(lines) - 1
    for number, line in enumerate(lines[1:], start=2):
        try:
            events.append(decode_line(line, key))
        except (ValueError, UnknownEvent) as error:
            if number - 1 == last and not torn:
                torn = True  # the last line is garbage: a crash mid-write
                continue
            reason = str(error) if isinstance(error, (UnknownEvent, crypto.SealedLineError)) else "not valid JSON"
            problems.append(f"line {number} could not be read and was skipped ({reason})")
    if torn:
        problems.append("the last line was incomplete (the program stopped while writing it) and was ignored")
    return JournalContents(header, tuple(events), torn, tuple(problems))


# -- writing ----------------------------------------------------------------------------------


def _describe(error: OSError) -> str:
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EACCES: "permission was refused",
        errno.EPERM: "permission was refused",
        errno.EROFS: "the disk is read-only",
        errno.EIO: "the disk reported an input/output error",
        errno.ENOENT: "its folder no longer exists",
        errno.ENOTDIR: "a file stands where its folder should be",
    }
    return reasons.get(error.errno or 0, error.strerror or str(error))


class JournalWriter:
    """Appends records to one journal file; each append is written, flushed and fsync'd.

    `append` returns True once the record is durable on disk. On any OSError it keeps the record
    in `pending` (in order), sets `last_error`, and returns False; it never raises.
    """

    def __init__(
        self,
        path: Path,
        fd: int | None,
        size: int,
        pending: list[bytes] | None = None,
        key: crypto.JournalKey | None = None,
    ) -> None:
        self.path = Path(path)
        self._key = key  # seals each event line of an encrypted journal
        self._fd = fd
        self._size = size  # bytes known durable: the file is truncated back to this after a failure
        self._pending: list[bytes] = pending or []
        self.last_error: str | None = None
        self.closed = False

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, header: JournalHeader, key: crypto.JournalKey | None = None) -> JournalWriter:
        """A new journal at `path` starting with `header`. Never raises for disk trouble:
        the header waits in `pending` like any record (see `retry`). Raises FileExistsError
        when `path` already exists. An encrypted header needs the `key` its check was made with."""
        writer = cls(path, None, 0, [_line(header_record(header))], key=key)
        try:
            writer._fd = writer._open_new()
        except FileExistsError:
            raise  # a name already taken is the caller's business, not disk trouble
        except (OSError, JournalError):
            pass  # retry() below says why, and later appends keep trying
        writer.retry()
        return writer

    @classmethod
    def open_existing(cls, path: Path) -> JournalWriter:
        """Reopen a journal to append to it (a resume). A torn last line is cut off first.

        Raises JournalError when the file cannot be opened or another process is writing it.
        """
        path = Path(path)
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CLOEXEC | os.O_NONBLOCK)
        except OSError as error:
            raise JournalError(f"{path} could not be opened for writing: {_describe(error)}.") from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise JournalError(f"{path} is not a regular file, so it is not a journal.")
            _lock(fd, path)
            data = _read_all(fd)
            good = data.rfind(b"\n") + 1
            if good == 0:
                raise JournalError(f"{path}: the journal header was never completely written.")
            key = journal_key(_parse_header(data[: data.find(b"\n")], path), path)
            if good < len(data):
                os.ftruncate(fd, good)
                os.fsync(fd)
            os.fchmod(fd, 0o600)
        except OSError as error:
            os.close(fd)
            raise JournalError(f"{path} could not be prepared for writing: {_describe(error)}.") from None
        except JournalError:
            os.close(fd)
            raise
        return cls(path, fd, good, key=key)

    # -- writing ----------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Records (the header included, if it is still waiting) not yet durable on disk."""
        return len(self._pending)

    def append(self, event: Event) -> bool:
        """Write `event` after any waiting records; True when all of them are durable."""
        line = encode_event(event)
        _log.debug("%s: %s", self.path.name, type(event).__name__)
        self._pending.append(self._key.seal_line(line) if self._key is not None else line)
        return self.retry()

    def retry(self) -> bool:
        """Try again to write the waiting records, in order. True when nothing is waiting."""
        if not self._pending:
            return True
        if self.closed:
            self.last_error = f"The journal {self.path} is closed; {self.pending} record(s) were not written."
            return False
        try:
            if self._fd is None:
                self._fd = self._open_new()
            else:
                self._cut_to_durable()
            data = b"".join(self._pending)
            _write_all(self._fd, data)
            os.fsync(self._fd)
        except (OSError, JournalError) as error:
            reason = _describe(error) if isinstance(error, OSError) else str(error)
            if self.last_error is None:
                _log.warning("%s could not be written (%s); %d record(s) held", self.path, reason, self.pending)
            else:
                _log.debug("%s: retry failed (%s); %d record(s) held", self.path.name, reason, self.pending)
            self.last_error = (
                f"The journal {self.path} could not be written ({reason}); "
                f"{self.pending} record(s) are kept in memory and will be written when it works again."
            )
            return False
        self._size += len(data)
        if self.last_error is not None:
            _log.warning("%s written again; %d held record(s) are safe", self.path, len(self._pending))
        self._pending.clear()
        self.last_error = None
        return True

    def close(self) -> bool:
        """Try a last time to write what waits, then close. True when nothing was left unwritten
        (the caller should say so plainly otherwise). Safe to call twice."""
        if self.closed:
            return not self._pending
        written = self.retry()
        self.closed = True
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None
        return written

    def _open_new(self) -> int:
        paths.ensure_private_dir(self.path.parent)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o600)
        try:
            os.fchmod(fd, 0o600)  # the umask may have taken bits away; make sure of exactly 0600
            _lock(fd, self.path)
            _fsync_dir(self.path.parent)  # the file's name is durable too
        except (OSError, JournalError):
            os.close(fd)
            self.path.unlink(missing_ok=True)
            raise
        return fd

    def _cut_to_durable(self) -> None:
        # A failed write may have left part of a line behind: remove it before writing again,
        # or the next record would be glued to the fragment.
        assert self._fd is not None
        if os.fstat(self._fd).st_size != self._size:
            os.ftruncate(self._fd, self._size)


def _lock(fd: int, path: Path) -> None:
    if fcntl is None:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise JournalError(f"{path} is being written by another companion window.") from None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, "nothing was written")
        view = view[written:]


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- the store --------------------------------------------------------------------------------


class JournalStore:
    """The folder of session journals: create, list, find unfinished ones."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else paths.journals_dir()
        self.problems: list[str] = []  # journals the last listing could not read

    def path_for(self, session_id: str) -> Path:
        if not session_id or "/" in session_id or session_id.startswith("."):
            raise JournalError(f"{session_id!r} is not a session id.")
        return self.root / f"{session_id}{SUFFIX}"

    def create(
        self,
        script: SessionScript,
        client_code: str = "",
        rehearsal: bool = False,
        speed: float = 1.0,
        clock: Clock | None = None,
        encrypt: bool | None = None,
    ) -> tuple[str, JournalWriter]:
        """A new journal for a session of `script`: (session id, writer with the header written).

        Ids read `20261126-1430-im-standard` (local time); a second session in the same minute
        gets `-2`, and so on. `client_code` is recorded by the session's first event, not here.
        `encrypt` (default: crypto.encrypt_new_journals()) seals every event with the passphrase;
        without a passphrase that raises JournalError.
        """
        if encrypt is None:
            encrypt = crypto.encrypt_new_journals()
        created = clock.now() if clock is not None else time.time()
        stem = f"{datetime.fromtimestamp(created).strftime('%Y%m%d-%H%M')}-{_safe(script.id)}"
        try:
            paths.ensure_private_dir(self.root)
        except OSError:
            pass  # the writer reports it, and keeps trying
        number = 1
        while True:
            session_id = stem if number == 1 else f"{stem}-{number}"
            path = self.path_for(session_id)
            if not path.exists():
                encryption, key = _new_key(session_id) if encrypt else (None, None)
                header = JournalHeader(
                    format=FORMAT_VERSION,
                    session_id=session_id,
                    script_id=script.id,
                    script_hash=script.text_hash,
                    script_path=str(script.source or ""),
                    created=created,
                    speed=speed,
                    rehearsal=rehearsal,
                    encryption=encryption,
                )
                try:
                    return session_id, JournalWriter.create(path, header, key)
                except FileExistsError:
                    pass  # another process took the name between the check and the create
            number += 1

    def list_sessions(self) -> list[SessionSummary]:
        """Every session in the store, newest first. Unreadable journals are named in `problems`."""
        self.problems = []
        summaries = []
        try:
            candidates = sorted(self.root.glob(f"*{SUFFIX}"))
        except OSError:
            candidates = []
        for path in candidates:
            try:
                summaries.append(summarise(path))
            except JournalError as error:
                self.problems.append(str(error))
        summaries.sort(key=lambda s: (s.created, s.session_id), reverse=True)
        return summaries

    def unfinished(self) -> list[SessionSummary]:
        return [summary for summary in self.list_sessions() if not summary.finished]

    def latest_unfinished(self) -> SessionSummary | None:
        unfinished = self.unfinished()
        return unfinished[0] if unfinished else None


def _new_key(session_id: str) -> tuple[crypto.Encryption, crypto.JournalKey]:
    try:
        return crypto.new_journal_key(session_id)
    except crypto.PassphraseError as error:
        raise JournalError(f"The journal cannot be encrypted: {error}") from None


def _safe(text: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in text)
    return cleaned.strip("-") or "session"


_WINDOW = 64 * 1024  # bytes read from each end of a journal to list it


def summarise(path: Path) -> SessionSummary:
    """The listing line of one journal, without decoding every event.

    The header and the first event (at the head) give the start and the client code; the last
    complete line gives the last event's time; a SessionEnded record anywhere marks the session
    finished. Only the head and the tail are read, unless the tail shows no end (then the whole
    file is searched: paperwork written after the end can be long).
    """
    path = Path(path)
    try:
        with _open_regular(path) as f:
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
        raise JournalError(f"{path}: the first line is not a session journal header.")
    header = _parse_header(head[:first_end], path)
    if header.encrypted:  # sealed lines say nothing without the key: read them all
        return _summary_of(read_journal(path), path)
    started_at: float | None = None
    client_code = ""
    second_end = head.find(b"\n", first_end + 1)
    if second_end > 0:
        record = _record_or_none(head[first_end + 1 : second_end])
        if record is not None and record.get("kind") == "session_started":
            started_at = _float_or_none(record.get("at"))
            client_code = str(record.get("client_code", ""))
    # In the tail window the first line may be cut by the window's edge: only what follows the
    # window's first newline is whole. In a whole file, everything after the header.
    complete = tail[: tail.rfind(b"\n") + 1]
    boundary = first_end if whole else complete.find(b"\n")
    last_event_at = _last_time(complete, boundary)
    finished = any(mark in complete for mark in _ENDED_MARKS)
    if not whole and (last_event_at is None or not finished):
        everything = _read_regular(path)
        everything = everything[: everything.rfind(b"\n") + 1]
        finished = any(mark in everything for mark in _ENDED_MARKS)
        if last_event_at is None:
            last_event_at = _last_time(everything, everything.find(b"\n"))
    return SessionSummary(
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


def _last_time(complete: bytes, boundary: int) -> float | None:
    """`at` of the last readable record in `complete` (whole lines) after index `boundary`."""
    end = len(complete) - 1
    while end > boundary:
        start = complete.rfind(b"\n", 0, end) + 1
        record = _record_or_none(complete[start:end])
        if record is not None and "kind" in record:
            return _float_or_none(record.get("at"))
        end = start - 1
    return None


def _record_or_none(line: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _float_or_none(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
