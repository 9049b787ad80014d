"""Following a journal another process is writing: read only what is new, only when it changed.

`poll()` costs one stat() while nothing changed. When the file grew it reads the new bytes and
takes the complete lines; a line still being written stays unread until its newline arrives.
A file that shrank or was replaced (a resume cuts a torn last line before it appends) is read
again from the start, so a reader never keeps an event the journal no longer holds.
An encrypted journal is followed the same way once the passphrase is known; without it,
`problem` says so and no event is read.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from companion.core.events import Event
from companion.core.journal import crypto
from companion.core.journal.store import FORMAT_VERSION, JournalError, JournalHeader, decode_line, journal_key


class JournalTail:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.header: JournalHeader | None = None
        self.events: list[Event] = []
        self.skipped = 0  # lines that were not events (never shown; the report names them)
        self.missing = False  # the file is not there (yet, or any more)
        self.problem: str | None = None  # a plain sentence when the journal cannot be opened
        self._key: crypto.JournalKey | None = None
        self._offset = 0
        self._identity: tuple[int, int] | None = None
        self._stamp: tuple[int, int] | None = None

    def poll(self) -> bool:
        """Read what was appended since the last call. True when the events or header changed."""
        try:
            status = os.stat(self.path)
        except OSError:
            self.missing = True
            return False
        if not stat.S_ISREG(status.st_mode):  # a FIFO would block the display for ever
            self.missing = True
            self.problem = f"{self.path} is not a regular file, so it is not a journal."
            return False
        self.missing = False
        identity = (status.st_dev, status.st_ino)
        stamp = (status.st_size, status.st_mtime_ns)
        reset = identity != self._identity or status.st_size < self._offset
        if not reset and stamp == self._stamp:
            return False
        if reset:
            changed = bool(self.events) or self.header is not None
            self._identity, self._offset = identity, 0
            self.header, self.events, self.skipped = None, [], 0
            self._key, self.problem = None, None
        else:
            changed = False
        self._stamp = stamp
        try:
            with open(self.path, "rb") as stream:
                stream.seek(self._offset)
                data = stream.read()
        except OSError:
            return changed
        complete = data[: data.rfind(b"\n") + 1]
        self._offset += len(complete)
        for line in complete.splitlines():
            changed = self._take(line) or changed
        return changed

    def _take(self, line: bytes) -> bool:
        if self.header is None:
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            self.header = _header(record)
            if self.header is None:
                self.skipped += 1
            elif self.header.encrypted:
                try:
                    self._key = journal_key(self.header, self.path)
                except JournalError as error:
                    self.problem = str(error)
            return self.header is not None
        if self.problem is not None:
            self.skipped += 1
            return False
        try:
            self.events.append(decode_line(line, self._key))
        except ValueError:  # UnknownEvent is one
            self.skipped += 1
            return False
        return True


def _header(record: object) -> JournalHeader | None:
    if not isinstance(record, dict) or record.get("format") != FORMAT_VERSION:
        return None
    try:
        encryption = crypto.Encryption.from_record(record["encryption"]) if "encryption" in record else None
        return JournalHeader(
            format=FORMAT_VERSION,
            session_id=str(record["session_id"]),
            script_id=str(record["script_id"]),
            script_hash=str(record.get("script_hash", "")),
            script_path=str(record.get("script_path", "")),
            created=float(record["created"]),
            speed=float(record.get("speed", 1.0)),
            rehearsal=bool(record.get("rehearsal", False)),
            encryption=encryption,
        )
    except (KeyError, TypeError, ValueError):
        return None
