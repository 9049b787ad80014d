"""Following one session's journal for a client's screen: which session, its clock, its view.

The terminal display and the web page's server both use `Follower`, so they pick the same
session, keep the same clock and show the same `client_view`. It reads the journal through
JournalTail (one stat() per poll while nothing changed) and writes nothing.

Which session: the one named; or else the newest unfinished one that a console is writing right
now (its journal is locked by the writer: `journal_in_use`). An abandoned rehearsal (quit with
`q`) or a session whose console is gone is not picked up by a display opened afterwards; a
rehearsal followed when its console leaves is let go, and the screen waits again. A real session
followed when its console stops stays on screen: the console may be resumed at once.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from companion import paths
from companion.core.client_view import ClientView, ExerciseView, client_view
from companion.core.journal.in_use import open_elsewhere
from companion.core.journal.store import JournalError, JournalHeader, JournalStore
from companion.core.journal.tail import JournalTail
from companion.core.scripts.lookup import ScriptLookup, find_script

POLL_SECONDS = 0.5  # a new event shows within a second
LOOK_SECONDS = 5.0  # how often to look again for a session while none is followed
STALE_AFTER = 12 * 3600.0  # an unfinished journal untouched this long is a crash, not a session

try:
    import fcntl
except ImportError:  # not POSIX: every unfinished journal counts as in use
    fcntl = None  # type: ignore[assignment]


def journal_in_use(path: Path) -> bool:
    """True while a console holds the journal's write lock (JournalWriter takes it with flock).

    On Linux /proc/locks is read, so looking never takes the lock itself, even for a moment
    (a console opening the journal just then could be refused). Where /proc/locks is missing,
    or does not name files on this disk as stat() does (checked once per folder with a lock of
    our own), a shared lock is tried and released at once (`core.journal.in_use`).
    """
    try:
        status = os.stat(path)
    except OSError:
        return False
    table = _lock_table() if _proc_locks_name_files_in(path.parent) else None
    if table is None:
        return open_elsewhere(path) if fcntl is not None else True  # no locks at all: assume it is
    return _lock_line(status) in table


def _lock_line(status: os.stat_result) -> str:
    return f"{os.major(status.st_dev):02x}:{os.minor(status.st_dev):02x}:{status.st_ino} "


def _lock_table() -> str | None:
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            return "\n".join(line for line in locks.read().splitlines() if " FLOCK " in line)
    except OSError:
        return None


_PROC_LOCKS_WORK: dict[Path, bool] = {}


def _proc_locks_name_files_in(folder: Path) -> bool:
    known = _PROC_LOCKS_WORK.get(folder)
    if known is not None:
        return known
    works = False
    probe = folder / f".screen-lock-check-{os.getpid()}"
    if fcntl is not None:
        try:
            fd = os.open(probe, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError:
            return False  # not cached: the folder may not exist yet
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            table = _lock_table()
            works = table is not None and _lock_line(os.fstat(fd)) in table
        except OSError:
            works = False
        finally:
            os.close(fd)
            probe.unlink(missing_ok=True)
    _PROC_LOCKS_WORK[folder] = works
    return works


def step_dots(e: ExerciseView) -> tuple[int | None, int]:
    """(index, total) of the dots: none done in the intro, all done in the outro; a breathing
    exercise has no dots (its rounds show on the pacer)."""
    total = e.step_total if e.exercise.kind == "steps" else 0
    index = {"step": e.step_index, "outro": total}.get(e.stage)
    return index, total


class DisplayTarget:
    """Which journal to follow: the one named, or the latest running unfinished one in `stores`."""

    def __init__(self, session: str | None, stores: list[JournalStore]) -> None:
        self.named = session
        self.stores = stores
        self._folder_stamps: tuple[int | None, ...] | None = None
        self._looked_at = -math.inf

    def named_path(self) -> Path:
        """The named session's journal: a file path, or an id in the first store that has it."""
        assert self.named is not None
        candidate = Path(self.named).expanduser()
        if candidate.is_file():
            return candidate
        paths_for = [store.path_for(self.named) for store in self.stores]
        return next((path for path in paths_for if path.is_file()), paths_for[0])

    def newer_than(self, header: JournalHeader | None, *, periodic: bool) -> Path | None:
        """A running unfinished session started after `header`'s, or None.

        One stat() of the journals folder when nothing was created there; with `periodic` it also
        looks again every LOOK_SECONDS, for an old journal that a resume brought back to life.
        """
        stamps = tuple(_folder_stamp(store.root) for store in self.stores)
        if stamps == self._folder_stamps and not (periodic and time.monotonic() - self._looked_at >= LOOK_SECONDS):
            return None
        self._folder_stamps, self._looked_at = stamps, time.monotonic()
        now = time.time()  # file times are the computer's, whatever clock the session runs on
        unfinished = [summary for store in self.stores if store.root.is_dir() for summary in store.unfinished()]
        unfinished.sort(key=lambda summary: (summary.created, summary.session_id), reverse=True)
        for summary in unfinished:  # newest first
            if header is not None and (summary.created, summary.session_id) <= (header.created, header.session_id):
                return None
            try:
                fresh = now - summary.path.stat().st_mtime < STALE_AFTER
            except OSError:
                continue
            if fresh and journal_in_use(summary.path):
                return summary.path
        return None


def _folder_stamp(folder: Path) -> int | None:
    try:
        return folder.stat().st_mtime_ns
    except OSError:
        return None


class SessionTime:
    """The session's clock as the console runs it: wall time, or a rehearsal's faster time."""

    def __init__(self, wall: Callable[[], float]) -> None:
        self.wall = wall
        self.header: JournalHeader | None = None
        self.floor = 0.0  # the last event's time: the session's clock never reads earlier

    def now(self) -> float:
        wall = self.wall()
        if self.header is None or self.header.speed == 1:
            return max(wall, self.floor)
        return max(self.header.created + (wall - self.header.created) * self.header.speed, self.floor)

    def wall_at(self, at: float) -> float:
        """The computer's time when the session's clock read `at`."""
        if self.header is None or self.header.speed == 1:
            return at
        return self.header.created + (at - self.header.created) / self.header.speed

    def exercise_now(self, started_at: float) -> float:
        """Now on the clock of an exercise started at `started_at`: real seconds since then, as
        the therapist's exercise screen counts them, even in a rehearsal."""
        return started_at + max(0.0, self.wall() - self.wall_at(started_at))


class ExerciseClock:
    """The breathing pacer's clock for one exercise (see SessionTime.exercise_now)."""

    def __init__(self, session_time: SessionTime, started_at: float) -> None:
        self.session_time = session_time
        self.started_at = started_at

    def now(self) -> float:
        return self.session_time.exercise_now(self.started_at)


class Follower:
    """One client screen's reading of the sessions: `poll()` returns the view to show now."""

    def __init__(
        self,
        session: str | None,
        stores: list[JournalStore] | None = None,
        *,
        extra_dirs: Iterable[Path] = (),
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.extra_dirs = list(extra_dirs)
        self.target = DisplayTarget(session, stores or [JournalStore(paths.journals_dir())])
        self.session_time = SessionTime(wall)
        self.tail: JournalTail | None = None
        self.lookup = ScriptLookup(None)
        self.view = ClientView("waiting")
        self._checked_writer_at = time.monotonic()

    def start(self) -> str | None:
        """Open the named session's journal, if one was named; a plain sentence when it cannot be."""
        if self.target.named is None:
            return None
        try:
            self._follow(self.target.named_path())
        except JournalError as error:
            return str(error)
        return None

    def _follow(self, path: Path) -> None:
        self.tail = JournalTail(path)
        self.lookup = ScriptLookup(None)
        self.session_time.header = None
        self.session_time.floor = 0.0
        self._checked_writer_at = time.monotonic()

    def poll(self) -> ClientView:
        """Read what is new, look for a (newer) session when none is named; the view to show."""
        if self.target.named is None:
            self._let_an_abandoned_rehearsal_go()
            idle = self.tail is None or self.view.mode in ("waiting", "ended")
            newer = self.target.newer_than(self.tail.header if self.tail else None, periodic=idle)
            if newer is not None and (self.tail is None or newer != self.tail.path):
                self._follow(newer)
        if self.tail is not None and self.tail.poll():
            header = self.tail.header
            if header is not None and self.session_time.header != header:
                self.session_time.header = header
                self.lookup = find_script(header, self.extra_dirs)
            if self.tail.events:
                self.session_time.floor = max(event.at for event in self.tail.events[-3:])
        self.view = self._current_view()
        return self.view

    def _let_an_abandoned_rehearsal_go(self) -> None:
        tail = self.tail
        if tail is None or tail.header is None or not tail.header.rehearsal or self.view.mode == "ended":
            return
        if time.monotonic() - self._checked_writer_at < LOOK_SECONDS:
            return
        self._checked_writer_at = time.monotonic()
        if not journal_in_use(tail.path):
            self.tail = None
            self.session_time.header = None

    def _current_view(self) -> ClientView:
        if self.tail is None or self.tail.header is None:
            return ClientView("waiting")
        return client_view(
            self.lookup.script,
            self.tail.events,
            self.lookup.exercises,
            self.session_time.now(),
            self.session_time.exercise_now,
        )

    @property
    def journal(self) -> Path | None:
        """The journal being followed, once its header has been read."""
        return self.tail.path if self.tail is not None and self.tail.header is not None else None
