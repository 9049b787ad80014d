"""The journal: one append-only JSON-lines file per session, flushed and fsync'd per event.

Line 1 is a header {"format": 1, "session_id", "script_id", "script_hash", "script_path",
"created"}; every later line is an event record (events.to_record). Directory 0700,
files 0600. Replay tolerates a torn last line (a crash mid-write) and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from companion.core.events import Event

FORMAT_VERSION = 1


@dataclass(frozen=True)
class JournalHeader:
    format: int
    session_id: str
    script_id: str
    script_hash: str
    script_path: str
    created: float


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
