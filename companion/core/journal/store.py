"""The folder of session journals: create one, list them, find the unfinished ones.

A journal is one append-only JSON-lines file per session, flushed and fsync'd per event: line 1
is a header (records.py), every later line an event record. Folder 0700, files 0600. Writing
one is writer.py, reading one reading.py, encryption crypto.py; this module also gathers their
public names, so `companion.core.journal.store` is the one import a caller needs.

Encryption is chosen when the store is made (`JournalStore(root, encrypt=True)`): every journal
it creates seals its events with the passphrase.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from companion import paths
from companion.core.clock import Clock
from companion.core.events import Event
from companion.core.journal import crypto
from companion.core.journal.reading import (
    JournalContents,
    LineReader,
    SessionSummary,
    read_journal,
    summarise,
    time_span,
)
from companion.core.journal.records import (
    FORMAT_VERSION,
    READABLE_FORMATS,
    JournalError,
    JournalHeader,
    decode_line,
    encode_event,
    header_line,
    journal_key,
    parse_header,
)
from companion.core.journal.writer import JournalWriter
from companion.core.scripts.script import SessionScript

__all__ = [
    "FORMAT_VERSION",
    "READABLE_FORMATS",
    "SUFFIX",
    "JournalContents",
    "JournalError",
    "JournalHeader",
    "JournalStore",
    "JournalWriter",
    "LineReader",
    "SessionSummary",
    "decode_line",
    "encode_event",
    "header_line",
    "is_session_id",
    "journal_key",
    "parse_header",
    "read_journal",
    "summarise",
    "time_span",
]

SUFFIX = ".jsonl"


class JournalStore:
    """The folder of session journals: create, list, find unfinished ones."""

    def __init__(self, root: Path | None = None, *, encrypt: bool = False) -> None:
        self.root = Path(root) if root is not None else paths.journals_dir()
        self.encrypt = encrypt  # journals created by this store seal their events
        self.problems: list[str] = []  # journals the last listing could not read

    def path_for(self, session_id: str) -> Path:
        if not is_session_id(session_id):
            raise JournalError(f"{session_id[:80]!r} is not a session id.")
        return self.root / f"{session_id}{SUFFIX}"

    def create(
        self,
        script: SessionScript,
        client_code: str = "",
        rehearsal: bool = False,
        speed: float = 1.0,
        clock: Clock | None = None,
        encrypt: bool | None = None,
        opening: Sequence[Event] = (),
    ) -> tuple[str, JournalWriter]:
        """A new journal for a session of `script`: (session id, writer with the header written,
        and the `opening` events after it, in the same write and the same wait for the disk).

        Ids read `20261126-1430-im-standard` (local time); a second session in the same minute
        gets `-2`, and so on. `client_code` is recorded by the session's first event, not here.
        `encrypt` (default: the store's choice) seals every event with the passphrase; without
        a passphrase that raises JournalError. The script's text is kept in the header.
        """
        if encrypt is None:
            encrypt = self.encrypt
        text = _script_text(script)
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
                    script_text=text,
                )
                try:
                    return session_id, JournalWriter.create(path, header, key, opening)
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


def is_session_id(text: str) -> bool:
    """Whether `text` can name a journal (and a report) inside its folder: letters, digits,
    '-', '_' and '.', not starting with '.', at most 200 characters."""
    return bool(_SESSION_ID.fullmatch(text))


_SESSION_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}")


def _script_text(script: SessionScript) -> str:
    """The script's text as it was checked (its file, if that still hashes to the same)."""
    if script.source is None or not script.text_hash:
        return ""
    try:
        data = Path(script.source).read_bytes()
    except OSError:
        return ""
    if hashlib.sha256(data).hexdigest() != script.text_hash:
        return ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return ""


def _safe(text: str) -> str:
    cleaned = "".join(c if (c.isascii() and c.isalnum()) or c in "-_" else "-" for c in text)
    return cleaned.strip("-") or "session"
