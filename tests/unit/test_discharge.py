"""The discharge gate: what a script's requirements still lack, and the clinical record's readers."""

from __future__ import annotations

from dataclasses import replace

from console_kit import START
from script_kit import console_script

from companion.core import discharge
from companion.core.events import (
    AdverseEventRecorded,
    AssessmentAnswered,
    AssessmentFinished,
    AssessmentStarted,
    ChecklistTicked,
    DoseGiven,
    MedicineAnswered,
    SessionStarted,
    VitalsRecorded,
)
from companion.core.scripts.script import Discharge
from companion.core.timeline import compute_state

MIN = 60.0
RULES = Discharge(
    minimum=120 * MIN,
    readings=("blood_pressure", "respiratory_rate"),
    recent=30 * MIN,
    assessments=("moaa-s",),
    checklist=("Eyeshades ready",),
)
SCRIPT = replace(console_script(), discharge=RULES)


def at(minutes: float) -> float:
    return START + minutes * MIN


def gate(events, minutes):
    return discharge.check(compute_state(SCRIPT, events, at(minutes)), {"moaa-s": "MOAA/S"})


def test_everything_is_missing_before_the_dose_and_nothing_once_it_is_all_done():
    started = [SessionStarted(at(0), script_id=SCRIPT.id)]
    before = gate(started, 10)
    assert before.missing[0].startswith("No dose is recorded") and before.minimum_left is None
    events = [
        *started,
        VitalsRecorded(at(5), systolic=120, diastolic=80, respiratory_rate=14),  # before the dose: not counted
        DoseGiven(at(15), amount=56, given_at=at(15)),
        AssessmentStarted(at(100), run="moaa-s#1", assessment_id="moaa-s", title="MOAA/S"),
        AssessmentAnswered(at(100), run="moaa-s#1", item_id="response", answer="Responds readily", score=5),
        AssessmentFinished(at(101), run="moaa-s#1", score=5, band="Awake"),
        ChecklistTicked(at(102), phase_id="arrival", item="Eyeshades ready"),
    ]
    midway = gate(events, 75)
    assert midway.minimum_left == 60 * MIN
    assert midway.missing == (
        "Minimum observation of 2 h since the dose: 1 h still to go",
        "No blood pressure recorded since the dose",
        "No respiratory rate recorded since the dose",
    )
    events.append(VitalsRecorded(at(110), systolic=124, diastolic=78, respiratory_rate=15))
    assert gate(events, 136).clear
    stale = gate(events, 145)  # the readings are now older than `recent`
    assert stale.missing == ("No blood pressure in the last 30 min", "No respiratory rate in the last 30 min")


def test_a_script_without_discharge_rules_has_nothing_to_check():
    plain = console_script()
    check = discharge.check(compute_state(plain, [SessionStarted(at(0), script_id=plain.id)], at(5)))
    assert check.clear and check.minimum_left is None


def test_the_state_holds_the_clinical_record_as_the_journal_gives_it():
    events = [
        SessionStarted(at(0), script_id=SCRIPT.id),
        MedicineAnswered(at(1), medicine_id="opioids", name="Opioids", taking="no"),
        MedicineAnswered(at(2), medicine_id="opioids", name="Opioids", taking="yes"),  # a later answer replaces it
        AdverseEventRecorded(at(3), entry_id="ae-1", what="Nausea", occurred_at=at(3), severity="mild"),
        AdverseEventRecorded(
            at(4), entry_id="ae-1", what="Nausea", occurred_at=at(3), severity="moderate", correction=True
        ),
        AssessmentStarted(at(5), run="phq-9#1", assessment_id="phq-9", title="PHQ-9"),
        AssessmentAnswered(at(6), run="phq-9#1", item_id="q9", answer="Several days", score=1, notice="PHQ-9 item 9"),
    ]
    state = compute_state(SCRIPT, events, at(10))
    assert state.medicines["opioids"].taking == "yes"
    (entry,) = state.adverse_events
    assert entry.corrected and entry.current.severity == "moderate" and entry.versions[0].severity == "mild"
    (form,) = state.assessments
    assert form.open and [notice.text for notice in state.notices] == ["PHQ-9 item 9"]
