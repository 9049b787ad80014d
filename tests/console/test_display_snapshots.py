"""Screenshots of the client's screen: a phase's words, a step of an exercise, the end.

The session is journaled on a FakeClock and the display's wall clock is the same FakeClock, so
the ambient colour and the exercise's place are the same on every run.
"""

from __future__ import annotations

import time

import pytest

from companion.core.clock import FakeClock
from companion.core.events import ExerciseStarted, NoteAdded, SessionEnded, VitalsRecorded
from companion.core.journal.store import JournalStore
from companion.core.scripts.library import load_library
from companion.core.session import LiveSession
from companion.display.terminal import ClientDisplay

SIZES = [(80, 24), (120, 36)]


@pytest.fixture
def live():
    clock = FakeClock()
    session = LiveSession.start(load_library().session("demo"), JournalStore(), clock, client_code="K-SNAP")
    session.record(NoteAdded(clock.now(), text="never on the client's screen"))
    session.record(VitalsRecorded(clock.now(), systolic=150, diastolic=95))
    yield session, clock
    session.close()


async def _settle(pilot):
    app = pilot.app
    deadline = time.monotonic() + 20  # until the journal has been read and the view is up
    while time.monotonic() < deadline:
        await pilot.pause(0.1)
        if app.tail is not None and app.tail.events and app.view.mode != "waiting":
            break
    await pilot.pause(0.7)  # and one more poll, so nothing is left to change


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_phase_words(snap_compare, live, size):
    session, clock = live
    assert snap_compare(ClientDisplay(wall=clock.now), terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_step_of_five_senses(snap_compare, live, size):
    session, clock = live
    session.jump("journey")
    session.record(ExerciseStarted(clock.now(), exercise_id="five-senses"))
    clock.advance(8 + 40 + 10)  # past the intro and the first step, into the second
    assert snap_compare(ClientDisplay(wall=clock.now), terminal_size=size, run_before=_settle)


def test_the_end(snap_compare, live):
    session, clock = live
    session.record(SessionEnded(clock.now()))
    display = ClientDisplay(session.session_id, wall=clock.now)
    assert snap_compare(display, terminal_size=(80, 24), run_before=_settle)
