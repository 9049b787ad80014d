"""Which exercise the distress key opens."""

from __future__ import annotations

import dataclasses

from script_kit import console_script

from companion.core.clock import FakeClock
from companion.core.journal.store import JournalStore
from companion.core.session import LiveSession
from companion.ui.exercises_link import first_for


def state_in(tmp_path, phase_id, script=None):
    session = LiveSession.start(script or console_script(), JournalStore(tmp_path), FakeClock())
    session.jump(phase_id)
    return session.state()


def test_the_phase_own_first_exercise_comes_first(tmp_path):
    assert first_for(state_in(tmp_path, "journey"), ["box-breathing", "five-senses"]) == "five-senses"


def test_a_phase_without_exercises_borrows_the_script_first_one(tmp_path):
    script = console_script()
    phases = list(script.phases)
    phases[2] = dataclasses.replace(phases[2], exercises=("orienting",))
    phases[4] = dataclasses.replace(phases[4], exercises=("box-breathing",))
    script = dataclasses.replace(script, phases=tuple(phases))
    state = state_in(tmp_path, "arrival", script)
    assert first_for(state, ["box-breathing", "five-senses", "orienting"]) == "orienting"


def test_then_the_senses_then_whatever_the_library_has(tmp_path):
    state = state_in(tmp_path, "arrival")
    assert first_for(state, ["box-breathing", "five-senses"]) == "five-senses"
    assert first_for(state, ["box-breathing"]) == "box-breathing"
    assert first_for(state, []) is None
