"""Shared pieces for the console tests: a small script, a library around it, an app factory."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from script_kit import T0, console_script

from companion.audio.player import SilentPlayer
from companion.core.clock import FakeClock
from companion.core.journal.store import JournalStore
from companion.core.scripts.exercises import GroundingExercise, Step
from companion.core.scripts.playlists import Chime, Playlist, Track
from companion.core.scripts.script import SessionScript
from companion.ui.app import make_app

START = T0  # 2027-01-15 08:00:00 UTC


@dataclass
class FakeLibrary:
    sessions: dict[str, SessionScript]
    exercises: dict = field(default_factory=dict)
    playlists: dict[str, Playlist] = field(default_factory=dict)
    chimes: dict[str, Chime] = field(default_factory=dict)
    problems: list = field(default_factory=list)
    assessments: dict = field(default_factory=dict)

    def assessment_problems(self) -> list:
        return []

    def session(self, ref: str) -> SessionScript:
        try:
            return self.sessions[ref]
        except KeyError:
            raise LookupError(f"no session script {ref!r}") from None


def make_library(*scripts: SessionScript, problems: list | None = None) -> FakeLibrary:
    scripts = scripts or (console_script(),)
    track = Track(path=Path("/nonexistent/pad.ogg"), title="Slow pad", seconds=600)
    senses = GroundingExercise(
        id="five-senses",
        title="5-4-3-2-1 senses",
        kind="steps",
        steps=(Step("Notice five things you can see.", 40), Step("Notice four things you can touch.", 40)),
    )
    return FakeLibrary(
        sessions={s.id: s for s in scripts},
        exercises={senses.id: senses},
        playlists={
            "settling": Playlist(id="settling", title="Settling pads", tracks=(track,)),
            "journey": Playlist(id="journey", title="Journey", tracks=(track,)),
        },
        chimes={"soft-bell": Chime(id="soft-bell", path=Path("/nonexistent/bell.ogg"))},
        problems=problems or [],
    )


def console(tmp_path: Path, clock: FakeClock | None = None, player: SilentPlayer | None = None, **kwargs):
    """A console on the test script, a FakeClock and a SilentPlayer, journals under tmp_path."""
    clock = clock or FakeClock(START)
    player = player or SilentPlayer()
    library = kwargs.pop("library", None) or make_library()
    kwargs.setdefault("script", library.sessions.get("test-im"))
    kwargs.setdefault("client_code", "K-7")
    store = kwargs.pop("store", None) or JournalStore(tmp_path / "journals")
    app = make_app(library, store=store, clock=clock, player=player, **kwargs)
    return app, clock, player, store


async def settled(pilot) -> None:
    """Wait until the session screen's panels, mounted just after its first frame, are there."""
    from companion.ui.screens.session import SessionScreen

    await until(pilot, lambda: not isinstance(pilot.app.screen, SessionScreen) or pilot.app.screen._complete)


async def until(pilot, condition, limit: float = 30.0) -> None:
    """Let the app run until `condition()` holds; a generous limit, for a machine under load."""
    import time

    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        await pilot.pause(0.02)


def patience(limit: float = 30.0) -> Iterator[None]:
    """Loop for up to `limit` seconds of wall time: a wait that breaks on its condition, with a
    generous limit for a machine under load (never a count of polls, which a busy machine
    spends before the app has moved)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        yield
