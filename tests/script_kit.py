"""The session scripts the tests are built on, in one place.

- `three_hour_script`: the timeline's whole session (manual and auto phases, `at:` and
  `after_dose:` reminders), for the core's tests;
- `console_script`: a shorter intramuscular session with music, a chimed reminder and an
  exercise, for the console's tests;
- `REPORT_SCRIPT` and `REPORT_EXERCISES`: what the fixture journals in
  `tests/fixtures/journals/` were recorded with (changing them changes the expected reports).

Times start at T0, 2027-01-15 08:00:00 UTC.
"""

from __future__ import annotations

from companion.core.scripts.exercises import BreathPattern, GroundingExercise, Step
from companion.core.scripts.script import Phase, Reminder, Safety, SessionScript

T0 = 1_800_000_000.0  # 2027-01-15 08:00:00 UTC
MIN = 60.0


def three_hour_script(**overrides) -> SessionScript:
    """A three-hour session: manual and auto phases, `at:` and `after_dose:` reminders."""
    phases = (
        Phase(
            "arrival",
            "Arrival",
            15 * MIN,
            checklist=("Blood pressure taken", "Eyeshades ready"),
            vitals=True,
            reminders=(Reminder("arrival.0", "Consent signed", at=10 * MIN),),
        ),
        Phase("dosing", "Dosing", 5 * MIN, dose=True),
        Phase(
            "onset", "Onset", 10 * MIN, advance="auto", reminders=(Reminder("onset.0", "Quiet check-in", at=5 * MIN),)
        ),
        Phase(
            "journey",
            "Journey",
            60 * MIN,
            advance="auto",
            reminders=(
                Reminder("journey.0", "Music check", at=20 * MIN),
                Reminder("journey.bp", "Blood pressure check", after_dose=40 * MIN),
            ),
        ),
        Phase(
            "return",
            "Return",
            30 * MIN,
            advance="auto",
            reminders=(Reminder("return.0", "Vitals", after_dose=90 * MIN),),
        ),
        Phase(
            "integration", "Integration", 40 * MIN, reminders=(Reminder("integration.0", "Offer water", at=30 * MIN),)
        ),
        Phase("discharge", "Discharge", 20 * MIN, reminders=(Reminder("discharge.0", "Ride home", at=15 * MIN),)),
    )
    fields = dict(
        id="test-3h",
        title="Three hours",
        route="IM",
        phases=phases,
        safety=Safety(systolic_max=180, diastolic_max=110, heart_rate_max=120, heart_rate_min=50, spo2_min=92),
        text_hash="abc",
    )
    fields.update(overrides)
    return SessionScript(**fields)


def console_script(script_id: str = "test-im") -> SessionScript:
    return SessionScript(
        id=script_id,
        title="Intramuscular test session",
        route="IM",
        phases=(
            Phase(
                id="arrival",
                title="Arrival and intention",
                duration=900,
                guide="Review intention and consent.",
                music="settling",
                volume=0.35,
                checklist=("Blood pressure taken", "Eyeshades ready"),
                vitals=True,
            ),
            Phase(id="dosing", title="Dosing", duration=300, dose=True, music="journey", volume=0.5),
            Phase(
                id="journey",
                title="Journey",
                duration=2700,
                music="journey",
                volume=0.45,
                reminders=(Reminder(id="journey.bp", text="Blood pressure check", after_dose=2400, chime="soft-bell"),),
                exercises=("five-senses",),
            ),
            Phase(id="settle", title="Settling", duration=600, advance="auto", music="settling"),
            Phase(id="integration", title="Integration", duration=1800, music=None, exercises=("five-senses",)),
        ),
        safety=Safety(
            systolic_max=160, diastolic_max=100, heart_rate_max=120, spo2_min=92, source="the example protocol"
        ),
        text_hash="abc",
    )


REPORT_SCRIPT = SessionScript(
    id="report-fixture",
    title="Intramuscular ketamine, fixture session",
    route="IM",
    safety=Safety(systolic_max=160, diastolic_max=100, heart_rate_max=110, spo2_min=92, source="fixture practice"),
    phases=(
        Phase(
            id="arrival",
            title="Arrival and intention",
            duration=15 * MIN,
            client="Settle in. There is nothing you need to do.",
            checklist=("Blood pressure taken", "Eyeshades and headphones ready", "Consent reviewed"),
            vitals=True,
        ),
        Phase(id="dosing", title="Dosing", duration=5 * MIN, dose=True, client="Breathe gently."),
        Phase(
            id="journey",
            title="Journey",
            duration=45 * MIN,
            client="Let the music carry you.",
            reminders=(
                Reminder(id="journey.0", text="Blood pressure check", after_dose=40 * MIN),
                Reminder(id="journey.1", text="Visual check", at=15 * MIN),
            ),
        ),
        Phase(
            id="integration",
            title="Integration",
            duration=30 * MIN,
            client="Take your time coming back.",
            exercises=("five-senses", "box-breathing"),
            reminders=(Reminder(id="integration.0", text="Offer water", at=10 * MIN),),
            checklist=("Final vitals", "Ride home confirmed"),
        ),
    ),
    text_hash="fixture",
)

REPORT_EXERCISES = {
    "five-senses": GroundingExercise(
        id="five-senses",
        title="5-4-3-2-1 senses",
        kind="steps",
        steps=(Step("Notice five things you can see.", 40), Step("Notice four things you can touch.", 40)),
    ),
    "box-breathing": GroundingExercise(
        id="box-breathing",
        title="Box breathing",
        kind="breathing",
        pattern=BreathPattern(4, 4, 4, 4),
        rounds=6,
    ),
}
