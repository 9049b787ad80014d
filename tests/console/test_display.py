"""The client display follows a live journal and shows only what is meant for the client.

The session is written by a real LiveSession on a FakeClock; the display polls the same journal
file in the test's data folder, with its wall clock tied to the same FakeClock.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from companion.core.client_view import ENDED, WAITING
from companion.core.events import (
    DoseGiven,
    ExerciseFinished,
    ExerciseStarted,
    NoteAdded,
    SessionEnded,
    VitalsRecorded,
)
from companion.core.journal.store import JournalStore
from companion.core.scripts.library import load_library
from companion.core.session import LiveSession
from companion.display.terminal import ClientDisplay
from companion.ui.widgets.pacer import BreathingPacer
from companion.ui.widgets.step_prompt import StepPrompt, TimeLeftLine

SECRETS = ("K-SECRET-77", "PRIVATE NOTE", "187", "LOT-HIDDEN", "63 mg", "Review intention")


@pytest.fixture
def demo():
    return load_library().session("demo")


def _screen_text(app: ClientDisplay) -> str:
    return " ".join(app.export_screenshot().replace("&#160;", " ").split())


# The display polls on real timers: on a busy machine they fire late, so every wait below gives
# at least this long before it says the words never came (the session's own clock is faked).
PATIENCE = 20.0


async def _shows(pilot, app: ClientDisplay, text: str, within: float = 1.0) -> bool:
    """True once `text` is on the screen, looking every 0.1 s for `within` seconds (PATIENCE at least)."""
    deadline = time.monotonic() + max(within, PATIENCE)
    while time.monotonic() < deadline:
        await pilot.pause(0.1)
        if text in _screen_text(app):
            return True
    return False


async def _time_left_is(pilot, app: ClientDisplay, fraction: float, within: float = 3.0) -> bool:
    deadline = time.monotonic() + max(within, PATIENCE)
    while time.monotonic() < deadline:
        await pilot.pause(0.1)
        lines = app.query(TimeLeftLine)
        if lines and lines.first().fraction == pytest.approx(fraction, abs=0.02):
            return True
    return False


def _start(demo, clock, client_code="K-SECRET-77") -> LiveSession:
    return LiveSession.start(demo, JournalStore(), clock, client_code=client_code)


async def test_waits_calmly_then_follows_a_session_that_starts(demo, clock):
    app = ClientDisplay(wall=clock.now)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        assert WAITING in _screen_text(app)
        session = _start(demo, clock)
        assert await _shows(pilot, app, demo.phases[0].client)
        session.close()


async def test_each_new_phase_shows_within_a_second(demo, clock):
    session = _start(demo, clock)
    app = ClientDisplay(wall=clock.now)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await _shows(pilot, app, "Welcome. This is a short demonstration.")
        clock.advance(30)
        session.jump("journey")
        assert await _shows(pilot, app, "Let the music play.")
        assert "Welcome" not in _screen_text(app)
    session.close()


async def test_an_auto_phase_moves_on_without_an_event(demo, clock):
    session = _start(demo, clock)
    session.jump("dosing")  # advance: auto, 1 minute
    app = ClientDisplay(wall=clock.now)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await _shows(pilot, app, "Resting.")
        clock.advance(61)
        assert await _shows(pilot, app, "Let the music play.")
    session.close()


async def test_never_shows_client_code_notes_vitals_doses_or_the_guide(demo, clock):
    session = _start(demo, clock)
    app = ClientDisplay(wall=clock.now)
    async with app.run_test(size=(100, 30)) as pilot:
        session.record(NoteAdded(clock.now(), text="PRIVATE NOTE about the family"))
        session.record(VitalsRecorded(clock.now(), systolic=187, diastolic=99, heart_rate=120))
        session.record(DoseGiven(clock.now(), amount=63, unit="mg", route="IM", given_at=clock.now(), lot="LOT-HIDDEN"))
        assert await _shows(pilot, app, "Welcome. This is a short demonstration.")
        await pilot.pause(0.6)  # past a poll that read all of the above
        assert len(app.tail.events) >= 5
        seen = _screen_text(app)
        for secret in SECRETS:
            assert secret not in seen
        assert demo.phases[0].guide[:20] not in seen
    session.close()


async def test_says_calmly_when_the_session_ends(demo, clock):
    session = _start(demo, clock)
    app = ClientDisplay(wall=clock.now)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await _shows(pilot, app, "Welcome.")
        session.record(SessionEnded(clock.now()))
        assert await _shows(pilot, app, ENDED)
        assert "Welcome." not in _screen_text(app)
    session.close()


async def test_survives_the_session_resumed_in_a_new_process(demo, clock):
    session = _start(demo, clock)
    session_id, path = session.session_id, session.writer.path
    app = ClientDisplay(wall=clock.now)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await _shows(pilot, app, "Welcome.")
        session.close()
        with open(path, "ab") as journal:  # the crash: half a line
            journal.write(b'{"kind":"note_added","at":1800000100.0,"text":"PRIV')
        await pilot.pause(0.6)
        assert "Welcome." in _screen_text(app)
        clock.advance(120)
        resumed = LiveSession.resume(demo, JournalStore(), session_id, clock_factory=lambda speed, at: clock)
        resumed.jump("journey")
        assert await _shows(pilot, app, "Let the music play.")
        resumed.record(SessionEnded(clock.now()))
        assert await _shows(pilot, app, ENDED)
        resumed.close()


async def test_a_named_session_is_followed_even_when_another_starts(demo, clock):
    first = _start(demo, clock)
    app = ClientDisplay(first.session_id, wall=clock.now)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await _shows(pilot, app, "Welcome.")
        clock.advance(60)
        second = _start(demo, clock, client_code="other")
        second.jump("journey")
        await pilot.pause(0.7)
        assert "Welcome." in _screen_text(app)
        assert app.tail.path == first.writer.path
        second.close()
    first.close()


async def test_after_an_end_the_next_session_is_picked_up(demo, clock):
    first = _start(demo, clock)
    app = ClientDisplay(wall=clock.now)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await _shows(pilot, app, "Welcome.")
        first.record(SessionEnded(clock.now()))
        assert await _shows(pilot, app, ENDED)
        clock.advance(600)
        second = _start(demo, clock)
        second.jump("journey")
        assert await _shows(pilot, app, "Let the music play.")
        second.close()
    first.close()


async def test_a_steps_exercise_shows_its_words_step_by_step(demo, clock):
    session = _start(demo, clock)
    session.jump("journey")
    app = ClientDisplay(wall=clock.now)
    exercise = load_library().exercise("five-senses")
    async with app.run_test(size=(90, 30)) as pilot:
        assert await _shows(pilot, app, "Let the music play.")
        session.record(ExerciseStarted(clock.now(), exercise_id="five-senses"))
        assert await _shows(pilot, app, exercise.intro[:30])
        assert len(app.query(StepPrompt)) == 1
        assert "Let the music play." not in _screen_text(app)
        clock.advance(8.5)  # past the intro
        assert await _shows(pilot, app, exercise.steps[0].say)
        session.record(ExerciseFinished(clock.now(), exercise_id="five-senses", step_reached=1, completed=False))
        assert await _shows(pilot, app, "Let the music play.")
        assert len(app.query(StepPrompt)) == 0
    session.close()


async def test_the_therapists_skip_and_pause_reach_the_client_display(demo, clock):
    session = _start(demo, clock)
    session.jump("journey")
    app = ClientDisplay(wall=clock.now)
    exercise = load_library().exercise("five-senses")
    async with app.run_test(size=(90, 30)) as pilot:
        session.record(ExerciseStarted(clock.now(), exercise_id="five-senses"))
        assert await _shows(pilot, app, exercise.intro[:30])
        clock.advance(1)
        session.exercise_moved("five-senses", "forward", 1.0)  # skipped the intro at once
        assert await _shows(pilot, app, exercise.steps[0].say, within=3.0)
        clock.advance(10)
        session.exercise_moved("five-senses", "pause", 11.0)  # held 10 s into the first step
        held = 1 - 10 / exercise.steps[0].seconds
        assert await _time_left_is(pilot, app, held)
        clock.advance(60)  # a minute later the client still sees the first step, held
        await pilot.pause(1.2)  # two polls
        assert exercise.steps[0].say in _screen_text(app)
        assert app.query_one(TimeLeftLine).fraction == pytest.approx(held, abs=0.02)
        session.exercise_moved("five-senses", "resume", 71.0)
        clock.advance(exercise.steps[0].seconds - 10 + 0.5)  # the rest of the step, after the hold
        assert await _shows(pilot, app, exercise.steps[1].say[:30], within=3.0)
    session.close()


async def test_a_breathing_exercise_shows_the_pacer(demo, clock):
    session = _start(demo, clock)
    session.jump("journey")
    app = ClientDisplay(wall=clock.now)
    async with app.run_test(size=(90, 30)) as pilot:
        session.record(ExerciseStarted(clock.now(), exercise_id="box-breathing"))
        clock.advance(8.5)  # past the intro
        assert await _shows(pilot, app, "Breathe in")
        pacers = app.query(BreathingPacer)
        assert len(pacers) == 1
        pacer = pacers.first()
        assert pacer.clock.now() == clock.now()  # paced by the exercise's own clock (real seconds)
        assert pacer.started_at == pytest.approx(clock.now() - 0.5)  # the breathing began after the 8 s intro
        assert "Breathe in" in _screen_text(app)
    session.close()


async def test_a_session_that_does_not_exist_is_waited_for(clock):
    app = ClientDisplay("20270101-0900-nothing", wall=clock.now)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert WAITING in _screen_text(app)


async def test_polling_is_cheap_when_nothing_changes(demo, clock, monkeypatch):
    session = _start(demo, clock)
    app = ClientDisplay(wall=clock.now)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await _shows(pilot, app, "Welcome.")
        reads = []
        import builtins

        real_open = builtins.open

        def counting_open(file, *args, **kwargs):
            reads.append(str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", counting_open)
        await asyncio.sleep(1.2)  # two or three polls with nothing new
        monkeypatch.setattr(builtins, "open", real_open)
        assert [r for r in reads if r.endswith(".jsonl")] == []
    session.close()


async def test_follows_a_rehearsal_kept_in_its_own_folder(demo, clock, tmp_path):
    rehearsals = JournalStore(tmp_path / "rehearsals")
    session = LiveSession.start(demo, rehearsals, clock, rehearsal=True, speed=60.0)
    app = ClientDisplay(wall=clock.now, stores=[JournalStore(), rehearsals])
    async with app.run_test(size=(80, 24)) as pilot:
        assert await _shows(pilot, app, "Welcome.")
        assert app.session_time.header.speed == 60.0
    session.close()


async def test_the_outro_of_an_exercise_shows_every_step_done(demo, clock):
    from companion.ui.widgets.step_prompt import StepDots

    session = _start(demo, clock)
    session.jump("journey")
    exercise = load_library().exercise("five-senses")
    session.record(ExerciseStarted(clock.now(), exercise_id="five-senses"))
    clock.advance(8 + exercise.length + 1)  # into the outro
    app = ClientDisplay(wall=clock.now)
    async with app.run_test(size=(90, 30)) as pilot:
        assert await _shows(pilot, app, exercise.outro[:30])
        await pilot.pause(0.6)  # a later poll must not take the dots back
        assert app.query_one(StepDots).marks == ["done"] * len(exercise.steps)
    session.close()


async def test_an_abandoned_rehearsal_is_not_shown_unless_named(demo, clock, tmp_path):
    rehearsals = JournalStore(tmp_path / "rehearsals")
    abandoned = LiveSession.start(demo, rehearsals, clock, rehearsal=True, speed=60.0)
    abandoned.close()  # quit with q: unfinished, but no console writes it any more
    app = ClientDisplay(wall=clock.now, stores=[JournalStore(), rehearsals])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.7)  # past a poll that looked for sessions
        assert WAITING in _screen_text(app) and app.tail is None
    named = ClientDisplay(str(abandoned.writer.path), wall=clock.now, stores=[JournalStore(), rehearsals])
    async with named.run_test(size=(80, 24)) as pilot:
        assert await _shows(pilot, named, "Welcome.")


async def test_a_rehearsal_left_while_followed_gives_way_to_waiting(demo, clock, tmp_path):
    rehearsals = JournalStore(tmp_path / "rehearsals")
    session = LiveSession.start(demo, rehearsals, clock, rehearsal=True, speed=60.0)
    app = ClientDisplay(wall=clock.now, stores=[JournalStore(), rehearsals])
    async with app.run_test(size=(80, 24)) as pilot:
        assert await _shows(pilot, app, "Welcome.")
        session.close()
        assert await _shows(pilot, app, WAITING, within=15.0)  # looked at every 5 s


async def test_a_session_whose_console_is_gone_is_not_picked_up(demo, clock):
    crashed = _start(demo, clock)
    crashed.close()
    app = ClientDisplay(wall=clock.now)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.7)
        assert WAITING in _screen_text(app)
        resumed = LiveSession.resume(demo, JournalStore(), crashed.session_id, clock_factory=lambda speed, at: clock)
        assert await _shows(pilot, app, "Welcome.", within=10.0)  # a resume brings it back
        resumed.close()


async def test_the_console_can_tell_a_terminal_display_follows_its_session(demo, clock):
    from companion.display.status import screens_following

    session = _start(demo, clock)
    assert screens_following(session.writer.path) == 0
    app = ClientDisplay(wall=clock.now)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await _shows(pilot, app, "Welcome.")
        assert screens_following(session.writer.path) == 1
        status = next(session.writer.path.parent.glob("*.screen-*.json"))
        assert status.stat().st_mode & 0o777 == 0o600
        assert "K-SECRET" not in status.read_text()
    assert screens_following(session.writer.path) == 0
    session.close()
