"""SessionState = compute_state(script, events, now): a pure function, the clock injected.

Nothing else holds session state: the console, the client display, the report and a resume
all recompute it from the journal's events and the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from companion.core.events import DoseGiven, Event, ExerciseFinished, ExerciseStarted, NoteAdded
from companion.core.script import Phase, Reminder, SessionScript


@dataclass(frozen=True)
class VitalsReading:
    at: float
    systolic: int | None
    diastolic: int | None
    heart_rate: int | None
    spo2: int | None
    note: str
    flags: tuple[str, ...]  # calm advisories naming the protocol's number, e.g.
    # "Systolic 182 is above this protocol's 180"


@dataclass(frozen=True)
class ReminderStatus:
    reminder: Reminder
    phase_id: str
    due_at: float | None  # session time it is (or, planned, will be) due; None: not yet known
    # (an after_dose reminder before any dose)
    acknowledged_at: float | None = None


@dataclass(frozen=True)
class PhaseVisit:
    """One stay in a phase, for the timeline bar and the report."""

    phase_id: str
    started_at: float
    ended_at: float | None  # None while current
    planned: float  # the phase's duration plus adjustments made during this visit
    active: float  # seconds in the phase, paused time excluded (up to now while current)


@dataclass(frozen=True)
class SessionState:
    script: SessionScript
    now: float
    started_at: float | None  # None before SessionStarted
    phase_index: int
    phase: Phase
    phase_started_at: float
    phase_elapsed: float  # paused time excluded
    phase_planned: float  # duration + extensions - shortenings
    phase_remaining: float  # >= 0
    overrun: float  # > 0 when a manual phase runs past its plan
    paused: bool
    total_elapsed: float  # wall time since the session started
    dose: DoseGiven | None
    since_dose: float | None  # now - dose.given_at
    reminders_due: tuple[ReminderStatus, ...]  # due and not acknowledged, oldest first
    reminders_upcoming: tuple[ReminderStatus, ...]  # not yet due, soonest first
    next_phase: Phase | None
    next_phase_at: float | None  # planned start of the next phase (pauses push it out)
    checklist: dict[str, frozenset[str]]  # phase id -> items ticked
    vitals: tuple[VitalsReading, ...]
    notes: tuple[NoteAdded, ...]
    exercises: tuple[ExerciseStarted | ExerciseFinished, ...]
    exercise_running: str | None  # id of an exercise started and not finished
    distress: tuple[float, ...]  # times distress was marked
    ended: bool
    ended_at: float | None
    history: tuple[PhaseVisit, ...] = field(default=())
    acknowledged: dict[str, float] = field(default_factory=dict)  # reminder id -> when

    @property
    def checklist_complete(self) -> bool:
        return set(self.phase.checklist) <= self.checklist.get(self.phase.id, frozenset())


def compute_state(script: SessionScript, events: list[Event] | tuple[Event, ...], now: float) -> SessionState:
    """The state of a session after `events`, at session time `now`.

    Rules:
    - SessionStarted starts the first phase (unless a PhaseStarted follows at the same time).
    - PhaseStarted moves to the named phase (next / back / jump); a PhaseStarted naming the
      phase that is already current is a no-op (an auto-advance journaled after the fact).
    - Auto-advance phases move on at their planned end (pauses excluded) even with no event,
      both between events and up to `now`. The last phase never auto-ends.
    - Paused / Resumed stop and restart the phase clock; wall time, total elapsed and time since
      dose keep running.
    - PhaseAdjusted changes the current phase's plan; later phases and their `at:` reminders
      move with it. `after_dose:` reminders stay fixed to the dose time.
    - A reminder is due once its time has passed and stays due until acknowledged.
    - Vitals are flagged against script.safety.
    """
    raise NotImplementedError
