"""Following a journal another process is writing: read only what is new, only when it changed.

`poll()` costs one stat() while nothing changed. When the file grew it reads the new bytes and
takes the complete lines; a line still being written stays unread until its newline arrives.
A file that shrank or was replaced (a resume cuts a torn last line before it appends) is read
again from the start, so a reader never keeps an event the journal no longer holds.
An encrypted journal is followed the same way once the passphrase is known; without it,
`problem` says so and no event is read. Lines are judged as replay judges them (records.py,
reading.LineReader): a repeated numbered line is not counted twice.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from companion.core.events import Event
from companion.core.journal.reading import LineReader
from companion.core.journal.records import JournalError, JournalHeader, journal_key, opened_header, parse_header


class JournalTail:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.header: JournalHeader | None = None
        self.events: list[Event] = []
        self.skipped = 0  # lines that were not events (never shown; the report names them)
        self.missing = False  # the file is not there (yet, or any more)
        self.problem: str | None = None  # a plain sentence when the journal cannot be opened
        self._reader: LineReader | None = None
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
            self._reader, self.problem = None, None
        else:
            changed = False
        self._stamp = stamp
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            with os.fdopen(fd, "rb") as stream:
                if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                    return changed
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
                self.header = parse_header(line, self.path)
            except JournalError:
                self.skipped += 1
                return False
            try:
                key = journal_key(self.header, self.path)
                self.header = opened_header(self.header, line, key, self.path)
            except JournalError as error:
                self.problem = str(error)
            else:
                self._reader = LineReader(self.header, key)
            return True
        if self.problem is not None or self._reader is None:
            self.skipped += 1
            return False
        try:
            event = self._reader.follow(line)
        except ValueError:  # UnknownEvent and SealedLineError are ones
            self.skipped += 1
            return False
        if event is None:
            self.skipped += 1  # a repeated line
            return False
        self.events.append(event)
        return True
