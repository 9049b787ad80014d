"""The client's screen: a read-only, full-screen view that follows a live session's journal.

It reads the journal the console writes (JournalTail: one stat() every half second, only new
complete lines read) and shows what `client_view` lets through: the phase's client words, the
running exercise, or a nearly dark screen whose colour drifts very slowly. It writes nothing
and holds no key but quit.

Which session: the one named, or else the latest unfinished one a console is writing now
(follow.Follower, shared with the web page's server). With none it waits calmly and picks up a
session when one starts; after a session ends it says so and, when no session was named, waits
for the next one. While it shows a session it says so in a status file beside the journal
(status.py), which the console reads.
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

from companion.core.client_view import ENDED, WAITING, ClientView
from companion.core.journal.store import JournalStore
from companion.core.journal.tail import JournalTail
from companion.display.follow import (
    POLL_SECONDS,
    DisplayTarget,
    ExerciseClock,
    Follower,
    SessionTime,
    step_dots,
)
from companion.display.status import ScreenStatus
from companion.ui.theme import DARK_ROOM
from companion.ui.widgets.pacer import BreathingPacer
from companion.ui.widgets.step_prompt import StepPrompt

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
        self.follower = Follower(session, stores, extra_dirs=extra_dirs, wall=wall)
        self.status = ScreenStatus("terminal")
        self.view = ClientView("waiting")  # the view on screen
        self._exercise_key: tuple[object, ...] | None = None

    @property
    def tail(self) -> JournalTail | None:
        return self.follower.tail

    @property
    def session_time(self) -> SessionTime:
        return self.follower.session_time

    @property
    def target(self) -> DisplayTarget:
        return self.follower.target

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
        problem = self.follower.start()
        if problem:
            self.query_one("#status", Static).update(problem)
        self.poll()
        self.set_interval(POLL_SECONDS, self.poll)
        self.set_interval(AMBIENT_STEP_SECONDS, self._drift)

    # -- following --------------------------------------------------------------------------

    def poll(self) -> None:
        """Read what is new in the journal and show the view."""
        self._show(self.follower.poll())
        self.status.update(self.follower.journal, 1)

    def on_unmount(self) -> None:
        self.status.update(None, 0)

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
                    prompt.show(e.text, *step_dots(e))
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
            box.mount(StepPrompt(e.text, *step_dots(e)))
            self.call_after_refresh(self._show_time_left)
        else:
            box.mount(Static(e.text or e.exercise.title, id="exercise-words", markup=False))

    def _drift(self) -> None:
        self.screen.styles.background = ambient_colour(self.wall())


def make_display(
    session: str | None = None,
    *,
    extra_dirs: Iterable[Path] = (),
    stores: list[JournalStore] | None = None,
) -> ClientDisplay:
    """The one factory for the display, used by the command and the tests."""
    return ClientDisplay(session, extra_dirs=extra_dirs, stores=stores)
