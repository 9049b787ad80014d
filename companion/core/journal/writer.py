"""Writing one journal: each record written, flushed and fsync'd, and never lost to the disk.

A session must go on when the disk does not: `JournalWriter.append` never raises. A record it
cannot make durable waits, in order, in memory; every later append (or `retry()`) writes the
waiting records first, and `last_error` says in a plain sentence what went wrong.

The writer keeps every line it has made durable. If the file at its path is no longer the one
it holds (deleted, its folder removed, replaced), the writer says so and writes the whole
journal again at the path, as soon as the path can be written. `spill(path)` writes the whole
journal to another place, for a close that cannot reach the journal's own.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from companion import paths
from companion.core.events import Event
from companion.core.journal import crypto
from companion.core.journal.records import (
    JournalError,
    JournalHeader,
    decode_record,
    digest_of,
    encode_event,
    header_line,
    journal_key,
    load_line,
    parse_header,
)

_log = logging.getLogger("companion.journal")  # event kinds and reasons only, never their contents

try:
    import fcntl
except ImportError:  # not POSIX: journals are still written, just not locked against a second window
    fcntl = None  # type: ignore[assignment]


def describe(error: OSError) -> str:
    """An OSError in the words of someone who is not a programmer."""
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EFBIG: "the file has reached the size this system allows",
        errno.EACCES: "permission was refused",
        errno.EPERM: "permission was refused",
        errno.EROFS: "the disk is read-only",
        errno.EIO: "the disk reported an input/output error",
        errno.ENOENT: "its folder no longer exists",
        errno.ENOTDIR: "a file stands where its folder should be",
        errno.EEXIST: "another file now stands at its place",
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
        written: list[bytes],
        pending: list[bytes] | None = None,
        key: crypto.JournalKey | None = None,
        next_seq: int | None = 1,
    ) -> None:
        self.path = Path(path)
        self._key = key  # seals each event line of an encrypted journal
        self._fd = fd
        self._written = written  # every line durable at the path, the header first
        self._size = sum(len(line) for line in written)
        self._pending: list[bytes] = pending or []
        self._seq = next_seq  # the next event's number; None: a format-1 journal, unnumbered
        self.last_error: str | None = None
        self.reason: str | None = None  # why the last write failed, in a few plain words
        self.lost = False  # set when the file at the path was found not to be the journal
        self.closed = False

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def create(
        cls, path: Path, header: JournalHeader, key: crypto.JournalKey | None = None, opening: Sequence[Event] = ()
    ) -> JournalWriter:
        """A new journal at `path` starting with `header`, then the `opening` events, all in one
        write made durable at once. Never raises for disk trouble: the header waits in `pending`
        like any record (see `retry`). Raises FileExistsError when `path` already exists. An
        encrypted header needs the `key` its check was made with."""
        line = header_line(header, key)
        if key is not None and header.numbered:
            key = key.bound_to(digest_of(line))
        writer = cls(path, None, [], [line], key=key, next_seq=1 if header.numbered else None)
        try:
            writer._fd = writer._open_new()
        except FileExistsError:
            raise  # a name already taken is the caller's business, not disk trouble
        except (OSError, JournalError):
            pass  # the append below says why, and later appends keep trying
        writer.append(*opening)
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
            raise JournalError(f"{path} could not be opened for writing: {describe(error)}.") from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise JournalError(f"{path} is not a regular file, so it is not a journal.")
            _lock(fd, path)
            data = _read_all(fd)
            good = data.rfind(b"\n") + 1
            if good == 0:
                raise JournalError(f"{path}: the journal header was never completely written.")
            header = parse_header(data[: data.find(b"\n")], path)
            key = journal_key(header, path)
            if good < len(data):
                os.ftruncate(fd, good)
                os.fsync(fd)
            os.fchmod(fd, 0o600)
            paths.tighten_dir(path.parent)
        except OSError as error:
            os.close(fd)
            raise JournalError(f"{path} could not be prepared for writing: {describe(error)}.") from None
        except JournalError:
            os.close(fd)
            raise
        written = data[:good].splitlines(keepends=True)
        next_seq = _next_seq(written[1:], key) if header.numbered else None
        return cls(path, fd, written, key=key, next_seq=next_seq)

    # -- writing ----------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Records (the header included, if it is still waiting) not yet durable on disk."""
        return len(self._pending)

    def append(self, *events: Event) -> bool:
        """Write `events`, in order, after any waiting records, in one write made durable at once;
        True when all of them are durable."""
        for event in events:
            seq = self._seq
            if seq is not None:
                self._seq = seq + 1
            line = encode_event(event, seq)
            _log.debug("%s: %s", self.path.name, type(event).__name__)
            self._pending.append(self._key.seal_line(line, seq) if self._key is not None else line)
        return self.retry()

    def retry(self) -> bool:
        """Write the waiting records, in order, after checking the file at the path is still
        the journal. True when nothing is waiting. Cheap when all is well (two stat calls)."""
        if self.closed:
            if self._pending:
                self.last_error = f"The journal {self.path} is closed; {self.pending} record(s) were not written."
            return not self._pending
        self._notice_a_lost_file()
        if not self._pending:
            return True
        try:
            if self._fd is None:
                self._fd = self._open_new()
            else:
                self._cut_to_durable()
            data = b"".join(self._pending)
            _write_all(self._fd, data)
            os.fsync(self._fd)
        except (OSError, JournalError) as error:
            reason = describe(error) if isinstance(error, OSError) else str(error)
            if self.last_error is None:
                _log.warning("%s could not be written (%s); %d record(s) held", self.path, reason, self.pending)
            else:
                _log.debug("%s: retry failed (%s); %d record(s) held", self.path.name, reason, self.pending)
            self.reason = reason
            self.last_error = (
                f"The journal {self.path} could not be written ({reason}); "
                f"{self.pending} record(s) are kept in memory and will be written when it works again."
            )
            return False
        self._size += len(data)
        if self.last_error is not None:
            _log.warning("%s written again; %d held record(s) are safe", self.path, len(self._pending))
        self._written.extend(self._pending)
        self._pending.clear()
        self.last_error = self.reason = None
        return True

    def close(self) -> bool:
        """Try a last time to write what waits, then close. True when nothing was left unwritten
        (the caller should say so plainly otherwise, and may `spill` it). Safe to call twice."""
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

    def spill(self, target: Path) -> str | None:
        """Write the whole journal (what is on disk and what waits) to `target`, a new file
        readable by the owner only, fsync'd. None when it is durable there, else a sentence."""
        target = Path(target).expanduser()
        try:
            paths.ensure_private_dir(target.parent)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except OSError as error:
            return f"{target} could not be written ({describe(error)})."
        try:
            os.fchmod(fd, 0o600)
            _write_all(fd, b"".join(self._written + self._pending))
            os.fsync(fd)
        except OSError as error:
            target.unlink(missing_ok=True)  # a partial copy would only mislead
            return f"{target} could not be written ({describe(error)})."
        finally:
            os.close(fd)
        try:
            _fsync_dir(target.parent)
        except OSError:
            pass  # the file itself is durable; only its name might not be
        return None

    def _notice_a_lost_file(self) -> None:
        """If the file at the path is not the one held open, queue the whole journal again."""
        if self._fd is None or not self._written:
            return
        try:
            held = os.fstat(self._fd)
        except OSError:
            return
        try:
            there = os.stat(self.path)
            same = (there.st_dev, there.st_ino) == (held.st_dev, held.st_ino) and held.st_nlink > 0
        except (FileNotFoundError, NotADirectoryError):
            same = False
        except OSError:
            return  # the folder cannot be looked at just now: the next call looks again
        if same:
            return
        try:
            os.close(self._fd)
        except OSError:
            pass
        self._fd, self._size = None, 0
        self._pending[:0] = self._written
        self._written = []
        _log.warning("%s is no longer the file being written: writing the whole journal again", self.path)
        self.lost = True

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


def _next_seq(lines: list[bytes], key: crypto.JournalKey | None) -> int:
    """One more than the highest sequence number among the event lines already written."""
    highest = 0
    for line in lines:
        try:
            plain = key.open_line(line.rstrip(b"\n")) if key is not None else line
            _, seq = decode_record(load_line(plain.rstrip(b"\n")))
        except ValueError:
            continue
        highest = max(highest, seq or 0)
    return highest + 1


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
