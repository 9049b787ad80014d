"""compute_state over a whole session under a fake clock: phases, reminders, pauses, doses."""

from __future__ import annotations

import pytest
from script_kit import three_hour_script

from companion.core.events import (
    ChecklistTicked,
    DistressMarked,
    DoseGiven,
    ExerciseFinished,
    ExerciseStarted,
    NoteAdded,
    Paused,
    PhaseAdjusted,
    PhaseStarted,
    ReminderAcknowledged,
    Resumed,
    SessionEnded,
    SessionStarted,
    VitalsRecorded,
)
from companion.core.scripts.script import Phase, Reminder, Safety, SessionScript
from companion.core.timeline import MIN_PLANNED, compute_state

T0 = 1_800_000_000.0
M = 60.0


def at(offset: float) -> float:
    return T0 + offset


def ids(statuses) -> list[str]:
    return [status.reminder.id for status in statuses]


class Session:
    """Events appended by offset from T0; `state(offset)` computes the state then."""

    def __init__(self, script: SessionScript | None = None) -> None:
        self.script = script or three_hour_script()
        self.events: list = []

    def add(self, offset: float, event_type, **fields) -> None:
        self.events.append(event_type(at=at(offset), **fields))

    def state(self, offset: float):
        return compute_state(self.script, self.events, at(offset))


def started(script: SessionScript | None = None) -> Session:
    session = Session(script)
    session.add(0, SessionStarted, script_id="test-3h")
    session.add(0, PhaseStarted, phase_id="arrival", move="start")
    return session


def test_the_whole_three_hour_session_to_the_second():
    s = started()
    # Arrival (manual, 15 min) with a two-minute pause: the 10-minute reminder moves to 12 min.
    state = s.state(0)
    assert (state.phase.id, state.phase_elapsed, state.phase_remaining) == ("arrival", 0, 15 * M)
    assert state.next_phase.id == "dosing" and state.next_phase_at == at(15 * M)
    s.add(300, Paused)
    state = s.state(400)
    assert state.paused and state.phase_elapsed == 300 and state.total_elapsed == 400
    assert state.next_phase_at == at(400 + 600)  # the pause pushes the plan out
    s.add(420, Resumed)
    state = s.state(719)
    assert not state.paused and state.phase_elapsed == 599
    assert ids(state.reminders_due) == []
    assert state.reminders_upcoming[0].reminder.id == "arrival.0"
    assert state.reminders_upcoming[0].due_at == at(720)
    state = s.state(720)
    assert ids(state.reminders_due) == ["arrival.0"] and state.reminders_due[0].due_at == at(720)
    # Due stays due until acknowledged.
    assert ids(s.state(1000).reminders_due) == ["arrival.0"]
    s.add(1000, ReminderAcknowledged, reminder_id="arrival.0")
    assert ids(s.state(1000).reminders_due) == []
    # Manual phase: the plan ends at 17 min (15 + 2 paused), then overrun counts up.
    state = s.state(1020)
    assert state.phase.id == "arrival" and state.phase_remaining == 0 and state.overrun == 0
    state = s.state(1080)
    assert state.phase.id == "arrival" and state.overrun == 60 and state.next_phase_at == at(1080)

    # Dosing at 18 min; the dose entered at 20 min was given at 19 min.
    s.add(1080, PhaseStarted, phase_id="dosing", move="next")
    state = s.state(1100)
    assert state.phase.id == "dosing" and state.phase_elapsed == 20 and state.since_dose is None
    bp = next(r for r in state.reminders_upcoming if r.reminder.id == "journey.bp")
    assert bp.due_at is None  # after_dose reminders wait for the dose
    s.add(1200, DoseGiven, amount=50, unit="mg", route="IM", given_at=at(1140))
    state = s.state(1200)
    assert state.dose.amount == 50 and state.since_dose == 60
    bp = next(r for r in state.reminders_upcoming if r.reminder.id == "journey.bp")
    assert bp.due_at == at(1140 + 40 * M)

    # Onset (auto, 10 min) from 23 min: its 5-minute reminder, then the move to Journey at 33 min
    # with no event at all.
    s.add(1380, PhaseStarted, phase_id="onset", move="next")
    state = s.state(1500)
    journey_music = next(r for r in state.reminders_upcoming if r.reminder.id == "journey.0")
    assert journey_music.due_at == at(1980 + 20 * M)  # planned from the onset's planned end
    assert ids(s.state(1679).reminders_due) == []
    assert ids(s.state(1680).reminders_due) == ["onset.0"]
    assert s.state(1979.5).phase.id == "onset"
    state = s.state(1980)
    assert state.phase.id == "journey" and state.phase_started_at == at(1980) and state.phase_elapsed == 0
    assert state.history[-2].phase_id == "onset" and state.history[-2].ended_at == at(1980)
    assert state.history[-1].move == "auto"
    # Still due: onset's reminder was never acknowledged.
    assert ids(state.reminders_due) == ["onset.0"]

    # Journey (auto, 60 min) extended by 10 minutes: it ends at 33 + 70 = 103 min.
    s.add(2100, PhaseAdjusted, phase_id="journey", seconds=10 * M)
    state = s.state(2100)
    assert state.phase_planned == 70 * M and state.next_phase_at == at(1980 + 70 * M)
    assert ids(s.state(3179).reminders_due) == ["onset.0"]
    assert ids(s.state(3180).reminders_due) == ["onset.0", "journey.0"]
    assert ids(s.state(3539).reminders_due) == ["onset.0", "journey.0"]
    state = s.state(3540)  # 40 min after the dose, whatever the phase
    assert ids(state.reminders_due) == ["onset.0", "journey.0", "journey.bp"]
    assert state.since_dose == 40 * M
    assert s.state(6179).phase.id == "journey"
    state = s.state(6180)
    assert state.phase.id == "return" and state.phase_remaining == 30 * M
    # Return (auto, 30 min): the 90-minute after-dose reminder at 1140 + 5400.
    assert "return.0" not in ids(s.state(6539).reminders_due)
    assert "return.0" in ids(s.state(6540).reminders_due)
    assert s.state(7979).phase.id == "return"
    state = s.state(7980)
    assert state.phase.id == "integration" and state.overrun == 0

    # Integration (manual): two minutes in, back to Return, which is a fresh 30-minute visit
    # and moves on again by itself.
    s.add(8100, PhaseStarted, phase_id="return", move="back")
    state = s.state(8100)
    assert state.phase.id == "return" and state.phase_elapsed == 0 and state.phase_planned == 30 * M
    assert s.state(9899).phase.id == "return"
    state = s.state(9900)
    assert state.phase.id == "integration" and state.phase_started_at == at(9900)
    assert [v.phase_id for v in state.history] == [
        "arrival",
        "dosing",
        "onset",
        "journey",
        "return",
        "integration",
        "return",
        "integration",
    ]
    assert ids(s.state(11699).reminders_due)[-1] != "integration.0"
    assert ids(s.state(11700).reminders_due)[-1] == "integration.0"

    # Discharge: the last phase; its reminder; then the end.
    s.add(12000, PhaseStarted, phase_id="discharge", move="next")
    state = s.state(12000)
    assert state.next_phase is None and state.next_phase_at is None
    assert ids(s.state(12899).reminders_due)[-1] != "discharge.0"
    assert ids(s.state(12900).reminders_due)[-1] == "discharge.0"
    state = s.state(13200 + 60)
    assert state.phase.id == "discharge" and state.overrun == 60  # the last phase never auto-ends
    s.add(13300, SessionEnded)
    state = s.state(20000)
    assert state.ended and state.ended_at == at(13300)
    assert state.total_elapsed == 13300 and state.since_dose == 13300 - 1140
    assert state.phase_elapsed == 1300 and state.reminders_upcoming == ()
    assert state.history[-1].ended_at == at(13300)


def test_auto_phases_chain_with_no_events_at_all():
    script = three_hour_script()
    events = [SessionStarted(at=T0), PhaseStarted(at=T0, phase_id="onset", move="jump")]
    state = compute_state(script, events, at(10 * M + 60 * M + 30 * M + 5))
    assert state.phase.id == "integration" and state.phase_elapsed == 5
    assert [v.phase_id for v in state.history] == ["onset", "journey", "return", "integration"]
    assert [v.ended_at for v in state.history[:-1]] == [at(600), at(4200), at(6000)]


def test_a_pause_holds_an_auto_phase_and_pushes_everything_out():
    s = started()
    s.add(0, PhaseStarted, phase_id="onset", move="jump")
    s.add(100, Paused)
    state = s.state(5000)
    assert state.phase.id == "onset" and state.phase_elapsed == 100 and state.paused
    assert state.next_phase_at == at(5000 + 500)
    assert state.reminders_upcoming[0].reminder.id == "onset.0"
    assert state.reminders_upcoming[0].due_at == at(5000 + 200)
    s.add(5000, Resumed)
    state = s.state(5200)
    assert ids(state.reminders_due) == ["onset.0"] and state.reminders_due[0].due_at == at(5200)
    assert s.state(5499).phase.id == "onset" and s.state(5500).phase.id == "journey"


def test_pause_during_the_phase_clock_reminder_time_includes_paused_spans():
    s = started()
    s.add(100, Paused)
    s.add(160, Resumed)
    s.add(200, Paused)
    s.add(260, Resumed)
    state = s.state(2000)
    assert state.reminders_due[0].due_at == at(600 + 120)


def test_phase_started_for_the_current_phase_is_a_no_op():
    s = started()
    s.add(0, PhaseStarted, phase_id="onset", move="jump")
    s.add(700, PhaseStarted, phase_id="journey", move="auto")  # journaled after the fact
    state = s.state(800)
    assert state.phase.id == "journey" and state.phase_started_at == at(600) and state.phase_elapsed == 200
    # Arrival lasted no time at all, so it is no visit.
    assert [(v.phase_id, v.move) for v in state.history] == [("onset", "jump"), ("journey", "auto")]


def test_a_move_ends_a_pause():
    s = started()
    s.add(100, Paused)
    s.add(200, PhaseStarted, phase_id="dosing", move="next")
    state = s.state(260)
    assert not state.paused and state.phase.id == "dosing" and state.phase_elapsed == 60
    assert state.history[0].active == 100


def test_shortening_has_a_floor_and_can_end_an_auto_phase_at_once():
    s = started()
    s.add(0, PhaseAdjusted, phase_id="arrival", seconds=-100 * M)
    assert s.state(0).phase_planned == MIN_PLANNED
    s.add(0, PhaseStarted, phase_id="journey", move="jump")
    s.add(1200, PhaseAdjusted, phase_id="journey", seconds=-50 * M)  # plan 10 min, 20 min spent
    state = s.state(1200)
    assert state.phase.id == "return" and state.phase_started_at == at(1200)
    assert state.history[-2].planned == 10 * M and state.history[-2].active == 20 * M


def test_a_shortened_manual_phase_overruns_and_a_stale_adjustment_is_ignored():
    s = started()
    s.add(600, PhaseAdjusted, phase_id="arrival", seconds=-10 * M)
    state = s.state(600)
    assert state.phase_planned == 5 * M and state.overrun == 5 * M and state.phase_remaining == 0
    s.add(700, PhaseAdjusted, phase_id="dosing", seconds=5 * M)  # not the current phase
    assert s.state(700).phase_planned == 5 * M


def test_extension_moves_later_at_reminders_but_not_after_dose_ones():
    s = started()
    s.add(10, DoseGiven, amount=1, given_at=at(0))
    before = {r.reminder.id: r.due_at for r in s.state(20).reminders_upcoming}
    s.add(20, PhaseAdjusted, phase_id="arrival", seconds=5 * M)
    after = {r.reminder.id: r.due_at for r in s.state(20).reminders_upcoming}
    assert after["journey.0"] - before["journey.0"] == 5 * M
    assert after["discharge.0"] - before["discharge.0"] == 5 * M
    assert after["journey.bp"] == before["journey.bp"] == at(40 * M)


def test_a_reminder_acknowledged_early_never_fires_and_a_skipped_one_does_not_fire():
    s = started()
    s.add(10, ReminderAcknowledged, reminder_id="arrival.0")
    s.add(20, PhaseStarted, phase_id="onset", move="jump")  # dosing skipped; arrival left at 20 s
    state = s.state(5000)
    assert "arrival.0" not in ids(state.reminders_due + state.reminders_upcoming)
    assert state.acknowledged == {"arrival.0": at(10)}


def test_going_back_keeps_a_due_reminder_due_at_its_first_time():
    s = started()
    s.add(700, PhaseStarted, phase_id="dosing", move="next")
    s.add(800, PhaseStarted, phase_id="arrival", move="back")
    state = s.state(900)
    assert ids(state.reminders_due) == ["arrival.0"] and state.reminders_due[0].due_at == at(600)
    assert state.phase_elapsed == 100


def test_a_later_dose_entry_corrects_the_first():
    s = started()
    s.add(100, DoseGiven, amount=50, given_at=at(100))
    s.add(200, DoseGiven, amount=50, given_at=at(50))
    state = s.state(300)
    assert state.since_dose == 250 and len(state.doses) == 2


def test_vitals_are_flagged_against_the_protocol_numbers_without_advice():
    s = started()
    s.add(10, VitalsRecorded, systolic=182, diastolic=90, heart_rate=45, spo2=91)
    s.add(20, VitalsRecorded, systolic=180, diastolic=111, heart_rate=121)
    s.add(30, VitalsRecorded, systolic=120, diastolic=80, heart_rate=70, spo2=98, note="calm")
    first, second, third = s.state(40).vitals
    assert first.flags == (
        "Systolic 182 is above this protocol's 180",
        "Heart rate 45 is below this protocol's 50",
        "SpO2 91 is below this protocol's 92",
    )
    assert second.flags == (
        "Diastolic 111 is above this protocol's 110",
        "Heart rate 121 is above this protocol's 120",
    )
    assert third.flags == () and third.note == "calm"


def test_no_thresholds_no_flags():
    s = started(three_hour_script(safety=Safety()))
    s.add(10, VitalsRecorded, systolic=250, heart_rate=20, spo2=70)
    assert s.state(10).vitals[0].flags == ()


def test_checklist_notes_exercises_distress():
    s = started()
    s.add(5, ChecklistTicked, phase_id="arrival", item="Blood pressure taken")
    s.add(6, ChecklistTicked, phase_id="arrival", item="Eyeshades ready")
    assert s.state(6).checklist_complete
    s.add(7, ChecklistTicked, phase_id="arrival", item="Eyeshades ready", done=False)
    state = s.state(7)
    assert not state.checklist_complete and state.checklist == {"arrival": frozenset({"Blood pressure taken"})}
    s.add(8, NoteAdded, text="Client arrived calm")
    s.add(9, ExerciseStarted, exercise_id="box-breathing")
    assert s.state(9).exercise_running == "box-breathing"
    s.add(99, ExerciseFinished, exercise_id="box-breathing", step_reached=6)
    s.add(100, DistressMarked, note="tearful")
    state = s.state(100)
    assert state.exercise_running is None and len(state.exercises) == 2
    assert [n.text for n in state.notes] == ["Client arrived calm"]
    assert state.distress == (at(100),)


def test_after_the_end_paperwork_is_kept_and_the_clock_is_still():
    s = started()
    s.add(600, SessionEnded)
    s.add(700, PhaseStarted, phase_id="dosing", move="next")
    s.add(710, NoteAdded, text="Follow-up booked")
    state = s.state(5000)
    assert state.phase.id == "arrival" and state.phase_elapsed == 600 and state.total_elapsed == 600
    assert [n.text for n in state.notes] == ["Follow-up booked"]
    assert ids(state.reminders_due) == ["arrival.0"]  # still unacknowledged, for the report


def test_before_the_start_the_state_is_the_plan_from_now():
    state = compute_state(three_hour_script(), [], at(0))
    assert state.started_at is None and state.phase.id == "arrival" and state.total_elapsed == 0
    assert state.next_phase_at == at(15 * M)


def test_unknown_phase_is_reported_not_fatal():
    s = started()
    s.add(10, PhaseStarted, phase_id="gone", move="jump")
    state = s.state(20)
    assert state.phase.id == "arrival" and "'gone'" in state.problems[0]


def test_events_stamped_out_of_order_do_not_run_the_clock_backwards():
    s = started()
    s.add(100, Paused)
    s.add(50, Resumed)  # a clock that stepped back
    state = s.state(200)
    assert state.phase_elapsed == 200 - 0


@pytest.mark.parametrize("offset", [0, 899, 900, 1000])
def test_remaining_and_elapsed_add_up(offset):
    state = started().state(offset)
    assert state.phase_elapsed + state.phase_remaining - state.overrun == state.phase_planned


def test_ticking_once_a_second_every_boundary_and_reminder_lands_on_its_second():
    """What the console sees: the state once a second for 3 h 42 min, events at their seconds."""
    script = three_hour_script()
    schedule = [
        (0, SessionStarted(at=at(0), script_id="test-3h")),
        (0, PhaseStarted(at=at(0), phase_id="arrival", move="start")),
        (300, Paused(at=at(300))),
        (420, Resumed(at=at(420))),
        (1000, ReminderAcknowledged(at=at(1000), reminder_id="arrival.0")),
        (1080, PhaseStarted(at=at(1080), phase_id="dosing", move="next")),
        (1200, DoseGiven(at=at(1200), amount=50, given_at=at(1140))),
        (1380, PhaseStarted(at=at(1380), phase_id="onset", move="next")),
        (2100, PhaseAdjusted(at=at(2100), phase_id="journey", seconds=600)),
        (8100, PhaseStarted(at=at(8100), phase_id="return", move="back")),
        (12000, PhaseStarted(at=at(12000), phase_id="discharge", move="next")),
        (13300, SessionEnded(at=at(13300))),
    ]
    events: list = []
    phase_changes: list[tuple[int, str]] = []
    first_due: dict[str, int] = {}
    for second in range(0, 13400):
        while schedule and schedule[0][0] <= second:
            events.append(schedule.pop(0)[1])
        state = compute_state(script, events, at(second))
        if not phase_changes or phase_changes[-1][1] != state.phase.id:
            phase_changes.append((second, state.phase.id))
        for status in state.reminders_due:
            first_due.setdefault(status.reminder.id, second)
            assert status.due_at == at(first_due[status.reminder.id])
    assert phase_changes == [
        (0, "arrival"),
        (1080, "dosing"),
        (1380, "onset"),
        (1980, "journey"),
        (6180, "return"),
        (7980, "integration"),
        (8100, "return"),
        (9900, "integration"),
        (12000, "discharge"),
    ]
    assert first_due == {
        "arrival.0": 720,
        "onset.0": 1680,
        "journey.0": 3180,
        "journey.bp": 3540,
        "return.0": 6540,
        "integration.0": 11700,
        "discharge.0": 12900,
    }


def test_a_script_without_phases_is_refused_plainly():
    with pytest.raises(ValueError, match="at least one phase"):
        compute_state(three_hour_script(phases=()), [], at(0))


def test_reminders_waiting_for_the_dose_are_ordered_by_when_they_will_fall():
    script = SessionScript(
        id="order",
        title="Order",
        route="IM",
        phases=(
            Phase(
                id="arrival",
                title="Arrival",
                duration=600,
                reminders=(Reminder(id="arrival.bp", text="BP", at=300),),
            ),
            Phase(
                id="journey",
                title="Journey",
                duration=3600,
                dose=True,
                reminders=(
                    Reminder(id="journal-prompt", text="Journal", after_dose=3600),
                    Reminder(id="visual-check-15", text="Look", after_dose=900),
                ),
            ),
        ),
    )
    state = compute_state(script, [SessionStarted(at=0.0, script_id="order")], 10.0)
    assert [s.reminder.id for s in state.reminders_upcoming] == ["arrival.bp", "visual-check-15", "journal-prompt"]
