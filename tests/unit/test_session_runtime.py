"""LiveSession: journal first, state from the events, resume at the right time."""

from __future__ import annotations

import errno
import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from script_kit import three_hour_script

from companion.core.clock import FakeClock
from companion.core.events import (
    NoteAdded,
    PhaseStarted,
    SessionStarted,
)
from companion.core.journal.store import JournalError, JournalStore, read_journal
from companion.core.session import LiveSession
from companion.core.timeline import compute_state


def fixed(clock):
    return lambda speed, start: clock


def test_start_journals_the_start_and_the_first_phase(clock):
    store = JournalStore()
    session = LiveSession.start(three_hour_script(), store, clock, client_code="K-12")
    contents = read_journal(store.path_for(session.session_id))
    assert [type(e) for e in contents.events] == [SessionStarted, PhaseStarted]
    assert contents.events[0].client_code == "K-12" and contents.events[1].move == "start"
    assert contents.header.script_hash == "abc" and session.write_problem is None
    state = session.state()
    assert state.phase.id == "arrival" and state.started_at == clock.now()


def test_the_header_the_start_and_the_first_phase_are_made_durable_together(clock, monkeypatch):
    """One wait for the disk for the header and both opening events (it is the slow part of a
    start), after the one that makes the new file's name durable."""
    synced = []
    fsync = os.fsync

    def counted(fd):
        synced.append(os.fstat(fd).st_size if not os.path.isdir(f"/proc/self/fd/{fd}") else "folder")
        fsync(fd)

    monkeypatch.setattr(os, "fsync", counted)
    store = JournalStore()
    session = LiveSession.start(three_hour_script(), store, clock)
    lines = store.path_for(session.session_id).read_bytes().splitlines(keepends=True)
    assert len(lines) == 3 and session.write_problem is None
    assert synced == ["folder", len(lines[0]) + len(lines[1]) + len(lines[2])]


def test_helpers_record_what_the_therapist_does(clock):
    store = JournalStore()
    s = LiveSession.start(three_hour_script(), store, clock)
    clock.advance(60)
    s.tick("Blood pressure taken")
    s.record_vitals(systolic=185, diastolic=80, heart_rate=70, spo2=98)
    s.add_note("Arrived early")
    assert s.previous_phase() is None  # nothing before the first phase
    s.next_phase()
    assert s.state().phase.id == "dosing"
    s.give_dose(50, "mg", given_at=clock.now() - 30, lot="L1")
    s.pause()
    assert s.pause() is None  # already paused: nothing recorded
    clock.advance(100)
    s.resume_clock()
    s.adjust(120)
    s.jump("journey")
    clock.advance(10)
    s.previous_phase()
    clock.advance(10)
    s.exercise_started("box-breathing")
    s.exercise_finished("box-breathing", step=3, completed=False)
    s.mark_distress("tearful")
    s.acknowledge("journey.bp")
    s.jump("discharge")
    assert s.next_phase() is None  # the last phase
    s.end()
    assert s.end() is None
    state = s.state()
    assert state.ended and state.phase.id == "discharge"
    assert state.checklist["arrival"] == frozenset({"Blood pressure taken"})
    assert state.vitals[0].flags == ("Systolic 185 is above this protocol's 180",)
    assert state.dose.route == "IM" and state.dose.lot == "L1" and state.since_dose == 150
    assert [v.phase_id for v in state.history] == ["arrival", "dosing", "journey", "onset", "discharge"]
    assert state.history[1].planned == 5 * 60 + 120 and state.history[1].active == 0
    assert state.distress == (clock.now(),) and state.exercise_running is None
    assert "journey.bp" in state.acknowledged
    with pytest.raises(KeyError):
        s.jump("nowhere")
    assert read_journal(store.path_for(s.session_id)).events == s.events


def test_resume_replays_to_the_same_state(clock):
    store = JournalStore()
    s = LiveSession.start(three_hour_script(), store, clock)
    clock.advance(300)
    s.add_note("before the crash")
    s.next_phase()
    clock.advance(50)
    live = s.state()
    s.close()
    resumed = LiveSession.resume(three_hour_script(), store, s.session_id, clock_factory=fixed(clock))
    assert resumed.state() == live
    assert not resumed.script_changed and not resumed.torn and resumed.problems == ()
    clock.advance(10)
    assert resumed.add_note("after")
    assert read_journal(store.path_for(s.session_id)).events[-1].text == "after"


def test_resume_says_when_the_script_changed_or_the_journal_was_torn(clock):
    store = JournalStore()
    s = LiveSession.start(three_hour_script(), store, clock)
    s.close()
    with open(store.path_for(s.session_id), "ab") as f:
        f.write(b'{"kind":"note_')
    resumed = LiveSession.resume(three_hour_script(text_hash="other"), store, s.session_id, clock_factory=fixed(clock))
    assert resumed.script_changed and resumed.torn
    assert any("incomplete" in p for p in resumed.problems)


def test_resume_refuses_another_scripts_journal(clock):
    store = JournalStore()
    s = LiveSession.start(three_hour_script(), store, clock)
    s.close()
    with pytest.raises(JournalError, match="'test-3h', not 'other'"):
        LiveSession.resume(three_hour_script(id="other"), store, s.session_id)


def test_a_rehearsal_resumes_at_its_virtual_time():
    store = JournalStore()
    created = time.time() - 10  # ten real seconds ago, at sixty times
    start_clock = FakeClock(created)
    s = LiveSession.start(three_hour_script(), store, start_clock, rehearsal=True, speed=60)
    s.close()
    seen = []
    resumed = LiveSession.resume(
        three_hour_script(),
        store,
        s.session_id,
        clock_factory=lambda speed, at: seen.append((speed, at)) or FakeClock(at),
    )
    speed, at = seen[0]
    assert speed == 60 and 600 <= at - created < 600 + 60 * 5
    assert resumed.header.rehearsal
    # Without a factory the session runs on a monotonic clock at the journal's speed.
    resumed.close()
    again = LiveSession.resume(three_hour_script(), store, s.session_id)
    assert again.clock.speed == 60 and again.now() - created >= 600
    again.close()


def test_a_refused_write_is_named_and_the_session_goes_on(clock, monkeypatch):
    store = JournalStore()
    s = LiveSession.start(three_hour_script(), store, clock)
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    assert s.record(NoteAdded(at=clock.now(), text="kept")) is False
    assert s.state().notes[-1].text == "kept"
    assert "disk is full" in s.write_problem and s.session_id in s.write_problem
    monkeypatch.undo()
    assert s.retry_writes() and s.write_problem is None
    assert read_journal(store.path_for(s.session_id)).events[-1].text == "kept"
    assert s.close() is True


def test_closing_with_events_still_waiting_says_so(clock, monkeypatch):
    store = JournalStore()
    s = LiveSession.start(three_hour_script(), store, clock)
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "io")))
    s.add_note("not on disk")
    assert s.close() is False and "input/output error" in s.write_problem


# -- property: replay equals live -------------------------------------------------------------

OPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "next",
                "back",
                "jump",
                "pause",
                "resume",
                "adjust",
                "dose",
                "vitals",
                "note",
                "tick",
                "ack",
                "exercise",
                "finish",
                "distress",
                "end",
            ]
        ),
        st.integers(min_value=0, max_value=2400),  # seconds to wait first
        st.integers(min_value=-3000, max_value=3000),  # an argument
    ),
    max_size=30,
)


def _apply(s: LiveSession, clock: FakeClock, op: str, arg: int) -> None:
    phases = s.script.phases
    if op == "next":
        s.next_phase()
    elif op == "back":
        s.previous_phase()
    elif op == "jump":
        s.jump(phases[arg % len(phases)].id)
    elif op == "pause":
        s.pause()
    elif op == "resume":
        s.resume_clock()
    elif op == "adjust":
        s.adjust(arg)
    elif op == "dose":
        s.give_dose(arg % 100 + 0.5, given_at=clock.now() - abs(arg) / 7)
    elif op == "vitals":
        s.record_vitals(systolic=100 + arg % 100, heart_rate=40 + arg % 100, spo2=50 + arg % 51)
    elif op == "note":
        s.add_note(f'note ✓ {arg} "quoted"\n')
    elif op == "tick":
        s.tick(f"item {arg % 3}", done=arg % 2 == 0)
    elif op == "ack":
        reminders = [r.id for p in phases for r in p.reminders]
        s.acknowledge(reminders[arg % len(reminders)])
    elif op == "exercise":
        s.exercise_started(f"ex-{arg % 2}")
    elif op == "finish":
        s.exercise_finished(f"ex-{arg % 2}", step=abs(arg) % 7, completed=arg > 0)
    elif op == "distress":
        s.mark_distress()
    elif op == "end":
        s.end()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, tail=st.integers(min_value=0, max_value=20000), fraction=st.floats(0, 1))
def test_any_session_replayed_from_its_journal_equals_the_live_one(ops, tail, fraction, monkeypatch):
    # Durability is tested elsewhere; here fsync would only slow the examples down.
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    with tempfile.TemporaryDirectory() as folder:
        store = JournalStore(Path(folder))
        clock = FakeClock(1_800_000_000.0 + fraction)
        s = LiveSession.start(three_hour_script(), store, clock)
        for op, wait, arg in ops:
            clock.advance(wait + fraction)
            _apply(s, clock, op, arg)
        clock.advance(tail)
        live = s.state()
        s.close()
        replayed_events = read_journal(store.path_for(s.session_id)).events
        assert replayed_events == s.events
        assert compute_state(three_hour_script(), replayed_events, clock.now()) == live
        resumed = LiveSession.resume(three_hour_script(), store, s.session_id, clock_factory=fixed(clock))
        assert resumed.state() == live
        resumed.close()
        # Whatever happened, the phase arithmetic holds together.
        assert live.phase_remaining >= 0 and live.overrun >= 0 and live.phase_elapsed >= 0
        assert live.phase_planned >= min(60.0, live.phase.duration)
        assert not (live.overrun and live.phase_remaining)
