"""The client's screen: a read-only, full-screen view that follows a live session's journal.

It reads the journal the console writes (JournalTail: one stat() every half second, only new
complete lines read) and shows what `client_view` lets through: the phase's client words, the
running exercise, or a nearly dark screen whose colour drifts very slowly. It writes nothing
and holds no key but quit.

Which session: the one named, or else the latest unfinished one that is still being written
(DisplayTarget). With none it waits calmly and picks up a session when one starts; after a
session ends it says so and, when no session was named, waits for the next one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from textual.app import App, ComposeResult
from textual.color import Color
from textual.containers import Container, Vertical
from textual.css.query import NoMatches
from textual.widgets import Static

from companion import paths
from companion.core.client_view import ENDED, WAITING, ClientView, ExerciseView, client_view
from companion.core.journal.store import JournalError, JournalHeader, JournalStore
from companion.core.journal.tail import JournalTail
from companion.core.scripts.lookup import ScriptLookup, find_script
from companion.ui.theme import DARK_ROOM
from companion.ui.widgets.pacer import BreathingPacer
from companion.ui.widgets.step_prompt import StepPrompt

POLL_SECONDS = 0.5  # a new event shows within a second
LOOK_SECONDS = 5.0  # how often to look again for a session while none is followed
STALE_AFTER = 12 * 3600.0  # an unfinished journal untouched this long is a crash, not a session
AMBIENT_STEP_SECONDS = 2.0
AMBIENT_PERIOD_SECONDS = 20 * 60.0  # one slow round of colour


def ambient_colour(seconds: float) -> Color:
    """The calm screen's colour at `seconds`: a deep blue-green drifting towards violet and back.

    Lightness stays between 5 % and 8 %, so the screen is nearly dark and the drift is felt
    more than seen; one round takes AMBIENT_PERIOD_SECONDS, so nothing ever flashes.
    """
    phase = 2 * math.pi * seconds / AMBIENT_PERIOD_SECONDS
    hue = (200 + 50 * math.sin(phase)) / 360
    lightness = 0.065 + 0.015 * math.sin(phase / 2)
    return Color.from_hsl(hue, 0.35, lightness)


class DisplayTarget:
    """Which journal to follow: the one named, or the latest live unfinished one in `stores`."""

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
        """A live unfinished session started after `header`'s, or None.

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
            if fresh:
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


class ClientDisplay(App[None]):
    """The client-facing view. `wall` is injectable so tests drive the time."""

    TITLE = "Session Companion"
    ENABLE_COMMAND_PALETTE = False  # nothing on the client's screen but the view
    CSS = """
    Screen { background: #0b1013; align: center middle; }
    #stage { width: 1fr; height: 1fr; align: center middle; background: transparent; }
    #client-text {
        width: 100%; max-width: 64; height: auto; padding: 1 4;
        content-align: center middle; text-align: center;
        color: #b3aca2; background: transparent;
    }
    #status { width: 100%; max-width: 64; height: auto; text-align: center; color: #6f6a63; background: transparent; }
    #exercise { width: 1fr; height: 1fr; display: none; background: transparent; }
    #exercise StepPrompt, #exercise BreathingPacer { background: transparent; }
    #exercise-words { width: 100%; height: auto; text-align: center; color: #b3aca2; padding: 1 4; }
    .-hidden { display: none; }
    """

    def __init__(
        self,
        session: str | None = None,
        *,
        extra_dirs: Iterable[Path] = (),
        wall: Callable[[], float] = time.time,
        stores: list[JournalStore] | None = None,
    ) -> None:
        super().__init__()
        self.wall = wall
        self.extra_dirs = list(extra_dirs)
        self.target = DisplayTarget(session, stores or [JournalStore(paths.journals_dir())])
        self.session_time = SessionTime(wall)
        self.tail: JournalTail | None = None
        self.lookup = ScriptLookup(None)
        self.view = ClientView("waiting")
        self._exercise_key: tuple[object, ...] | None = None

    # -- building ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="stage"):
            yield Static("", id="client-text", markup=False, classes="-hidden")
            yield Static(WAITING, id="status", markup=False)
            yield Container(id="exercise")

    def on_mount(self) -> None:
        self.register_theme(DARK_ROOM)
        self.theme = DARK_ROOM.name
        self.screen.styles.background = ambient_colour(self.wall())
        if self.target.named is not None:
            try:
                self._follow(self.target.named_path())
            except JournalError as error:
                self.query_one("#status", Static).update(str(error))
        self.poll()
        self.set_interval(POLL_SECONDS, self.poll)
        self.set_interval(AMBIENT_STEP_SECONDS, self._drift)

    # -- following --------------------------------------------------------------------------

    def _follow(self, path: Path) -> None:
        self.tail = JournalTail(path)
        self.lookup = ScriptLookup(None)
        self.session_time.header = None
        self.session_time.floor = 0.0

    def poll(self) -> None:
        """Read what is new, look for a (newer) session when none is named, show the view."""
        if self.target.named is None:
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
        self._show(self._current_view())

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

    # -- showing ----------------------------------------------------------------------------

    def _show(self, view: ClientView) -> None:
        if view.key != self.view.key:
            self.view = view
            text = self.query_one("#client-text", Static)
            status = self.query_one("#status", Static)
            exercise = self.query_one("#exercise", Container)
            words = view.text if view.mode == "session" else ""
            text.update(words)
            text.set_class(not words, "-hidden")
            message = {"waiting": WAITING, "ended": ENDED}.get(view.mode, "")
            status.update(message)
            status.set_class(not message, "-hidden")
            exercise.display = view.mode == "exercise"
            self._show_exercise(view)
        self._show_time_left()

    def _show_time_left(self) -> None:
        e = self.view.exercise
        if e is None:
            return
        elapsed = (
            e.held if e.held is not None else self.session_time.exercise_now(e.exercise_started_at) - e.stage_started_at
        )
        left = 1 - elapsed / e.stage_seconds if e.stage_seconds else None
        for prompt in self.query(StepPrompt):
            try:
                prompt.set_time_left(left)
            except NoMatches:
                pass  # its parts are not mounted yet; the call after the refresh reaches them

    def _show_exercise(self, view: ClientView) -> None:
        e = view.exercise
        key = None if e is None else (e.exercise.id, e.stage, e.stage_started_at)
        if key == self._exercise_key:
            if e is not None and e.stage != "breathing":
                for prompt in self.query(StepPrompt):
                    prompt.show(e.text, *_dots(e))
            if e is not None:
                for pacer in self.query(BreathingPacer):
                    pacer.follow(e.stage_started_at, e.held)  # held where the therapist paused
            return
        self._exercise_key = key
        box = self.query_one("#exercise", Container)
        box.remove_children()
        if e is None:
            return
        if e.stage == "breathing" and e.exercise.pattern is not None:
            pacer = BreathingPacer(
                e.exercise.pattern,
                e.exercise.rounds,
                started_at=e.stage_started_at,
                clock=ExerciseClock(self.session_time, e.exercise_started_at),
            )
            box.mount(pacer)
            if e.held is not None:
                self.call_after_refresh(pacer.follow, e.stage_started_at, e.held)
        elif e.stage != "breathing":
            box.mount(StepPrompt(e.text, *_dots(e)))
            self.call_after_refresh(self._show_time_left)
        else:
            box.mount(Static(e.text or e.exercise.title, id="exercise-words", markup=False))

    def _drift(self) -> None:
        self.screen.styles.background = ambient_colour(self.wall())


def _dots(e: ExerciseView) -> tuple[int | None, int]:
    """StepPrompt's (index, total): none yet in the intro, all done in the outro; a breathing
    exercise's intro and outro have no dots (its rounds show on the pacer)."""
    total = e.step_total if e.exercise.kind == "steps" else 0
    index = {"step": e.step_index, "outro": total}.get(e.stage)
    return index, total


def make_display(
    session: str | None = None,
    *,
    extra_dirs: Iterable[Path] = (),
    stores: list[JournalStore] | None = None,
) -> ClientDisplay:
    """The one factory for the display, used by the command and the tests."""
    return ClientDisplay(session, extra_dirs=extra_dirs, stores=stores)
