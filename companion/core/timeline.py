"""SessionState = compute_state(script, events, now): a pure function, the clock injected.

Nothing else holds session state: the console, the client display, the report and a resume
all recompute it from the journal's events and the time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from companion.core.assessment_state import AssessmentResult, Notice
from companion.core.clinical_record import CLINICAL_EVENTS, AdverseEntry, clinical_views
from companion.core.events import (
    ChecklistTicked,
    DischargeChecked,
    DistressMarked,
    DoseGiven,
    Event,
    ExerciseFinished,
    ExerciseStarted,
    MedicineAnswered,
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
from companion.core.scripts.script import Phase, Reminder, SessionScript
from companion.core.vitals import VitalsReading, vitals_flags

# Shortening never takes a phase's plan below this (or below the script's own duration, if
# that is shorter): a phase of a few seconds is always a slip of the key.
MIN_PLANNED = 60.0


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
    move: str = ""  # how the phase was entered: start, next, back, jump or auto


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
    doses: tuple[DoseGiven, ...] = ()  # every dose recorded; `dose` is the latest
    problems: tuple[str, ...] = ()  # events that could not apply to this script, in plain words
    assessments: tuple[AssessmentResult, ...] = ()  # in the order started; open ones have no finish
    notices: tuple[Notice, ...] = ()  # raised by answers (PHQ-9 item 9); they stay
    medicines: dict[str, MedicineAnswered] = field(default_factory=dict)  # medicine id -> latest answer
    adverse_events: tuple[AdverseEntry, ...] = ()
    discharge_checks: tuple[DischargeChecked, ...] = ()

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
    - Assessments, medicines, adverse events and discharge checks are paperwork: kept whenever
      they are written, ended or not (assessment_state and clinical_record read them).

    Further decisions, so every reader of a journal agrees:
    - Every stay in a phase is a fresh visit: going back to a phase starts its clock and its
      plan again from the phase's duration. A reminder that became due in an earlier visit
      stays due (until acknowledged); one acknowledged is never shown again.
    - A phase move ends a pause: the new phase's clock runs from its start.
    - PhaseAdjusted applies to the phase it names only while that phase is current (a late
      adjustment of a phase already left is ignored). The plan never goes below MIN_PLANNED
      seconds (or the script's duration, if shorter). Shortening a phase below the time already
      spent in it is allowed: an auto phase then moves on at once, a manual one shows overrun.
    - An `at:` reminder is due when the phase's clock (pauses excluded) reaches `at`; its due
      time is the visit's start plus `at` plus the paused time before that moment. A phase
      left before then does not fire it. Upcoming `at:` reminders of later phases are planned
      from the current phase's planned end and the durations in between.
    - The latest DoseGiven is the dose (a later entry corrects an earlier one); all are kept
      in `doses`.
    - Events carry their own time; an event stamped earlier than the one before it is taken
      to happen at the same moment (time never runs backwards in a replay).
    - After SessionEnded the clocks stop at the end time and nothing is upcoming; phase moves,
      pauses and adjustments are ignored, while notes, vitals, ticks and acknowledgements
      written afterwards (the paperwork) are kept.
    - Before SessionStarted the state is the plan as if the session started at `now`.
    """
    if not script.phases:
        raise ValueError(f"the session script {script.id!r} needs at least one phase")
    walk = _Walk(script)
    for event in events:
        walk.apply(event)
    return walk.state(now)


def _due_key(status: ReminderStatus) -> tuple[bool, float, str]:
    """Soonest first; those waiting for a dose after every one with a time, in the order they
    will fall once it is given."""
    if status.due_at is not None:
        return (False, status.due_at, status.reminder.id)
    return (
        True,
        status.reminder.after_dose if status.reminder.after_dose is not None else math.inf,
        status.reminder.id,
    )


class _Walk:
    """One pass over the events; the fields are the session as of `cursor`."""

    def __init__(self, script: SessionScript) -> None:
        self.script = script
        self.phases = script.phases
        self.last = len(script.phases) - 1
        self.started_at: float | None = None
        self.cursor: float | None = None  # time of the latest event applied
        self.index = 0
        self.visit_start: float | None = None
        self.visit_move = "start"
        self.active = 0.0  # phase clock of the current visit at `cursor`
        self.planned = script.phases[0].duration if script.phases else 0.0
        self.paused = False
        self.pause_started = 0.0
        self.pauses: list[tuple[float, float]] = []  # closed pauses of the current visit
        self.history: list[PhaseVisit] = []
        self.fired: dict[str, tuple[float, str, Reminder]] = {}  # id -> (due, phase id, reminder)
        self.acknowledged: dict[str, float] = {}
        self.doses: list[DoseGiven] = []
        self.checklist: dict[str, set[str]] = {}
        self.vitals: list[VitalsReading] = []
        self.notes: list[NoteAdded] = []
        self.exercises: list[ExerciseStarted | ExerciseFinished] = []
        self.exercise_running: str | None = None
        self.distress: list[float] = []
        self.ended_at: float | None = None
        self.problems: list[str] = []
        self.clinical: list[Event] = []  # assessments, medicines, adverse events, discharge checks

    # -- time -------------------------------------------------------------------------------

    def advance(self, t: float) -> None:
        """Run the clock from `cursor` to `t`, moving on from auto phases at their planned end."""
        if self.cursor is None:
            self.cursor = t
            return
        t = max(t, self.cursor)
        if self.ended_at is not None or self.visit_start is None:
            self.cursor = t
            return
        while not self.paused and self.index < self.last and self.phases[self.index].advance == "auto":
            end_at = self.cursor + max(0.0, self.planned - self.active)
            if end_at > t:
                break
            self.active = max(self.active, self.planned)
            self.cursor = end_at
            self.enter(self.index + 1, end_at, "auto")
        if not self.paused:
            self.active += t - self.cursor
        self.cursor = t

    def clock_at_active(self, seconds: float) -> float:
        """Session time at which the current visit's phase clock read `seconds`."""
        assert self.visit_start is not None
        t = self.visit_start
        left = seconds
        spans = list(self.pauses)
        if self.paused:
            spans.append((self.pause_started, math.inf))
        for begin, end in spans:
            if begin - t >= left:
                break
            left -= begin - t
            t = end
        return t + left

    def fire_visit_reminders(self) -> None:
        """Mark the current visit's `at:` reminders whose time its phase clock has reached."""
        phase = self.phases[self.index]
        for reminder in phase.reminders:
            if reminder.at is None or reminder.id in self.fired or reminder.id in self.acknowledged:
                continue
            if self.active >= reminder.at:
                self.fired[reminder.id] = (self.clock_at_active(reminder.at), phase.id, reminder)

    def enter(self, index: int, at: float, move: str) -> None:
        """Leave the current visit at `at` and start a fresh one in phase `index`."""
        if self.visit_start is not None:
            self.fire_visit_reminders()
            if at > self.visit_start or self.active > 0:
                self.history.append(
                    PhaseVisit(
                        self.phases[self.index].id,
                        self.visit_start,
                        at,
                        self.planned,
                        self.active,
                        self.visit_move,
                    )
                )
        self.index = index
        self.visit_start = at
        self.visit_move = move
        self.active = 0.0
        self.planned = self.phases[index].duration
        self.paused = False
        self.pauses = []

    # -- events -----------------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        t = event.at if self.cursor is None else max(event.at, self.cursor)
        self.advance(t)
        if isinstance(event, SessionStarted):
            if self.started_at is None and self.phases:
                self.started_at = t
                self.enter(0, t, "start")
        elif isinstance(event, PhaseStarted):
            self.apply_phase_started(event, t)
        elif isinstance(event, (Paused, Resumed, PhaseAdjusted)):
            if self.ended_at is None and self.visit_start is not None:
                self.apply_clock_change(event, t)
        elif isinstance(event, DoseGiven):
            self.doses.append(event)
        elif isinstance(event, VitalsRecorded):
            self.vitals.append(
                VitalsReading(
                    event.at,
                    event.systolic,
                    event.diastolic,
                    event.heart_rate,
                    event.spo2,
                    event.note,
                    vitals_flags(self.script.safety, event),
                    event.respiratory_rate,
                )
            )
        elif isinstance(event, NoteAdded):
            self.notes.append(event)
        elif isinstance(event, ChecklistTicked):
            phase_id = event.phase_id or self.phases[self.index].id
            ticked = self.checklist.setdefault(phase_id, set())
            if event.done:
                ticked.add(event.item)
            else:
                ticked.discard(event.item)
        elif isinstance(event, ReminderAcknowledged):
            self.acknowledged.setdefault(event.reminder_id, t)
        elif isinstance(event, ExerciseStarted):
            self.exercises.append(event)
            self.exercise_running = event.exercise_id
        elif isinstance(event, ExerciseFinished):
            self.exercises.append(event)
            if self.exercise_running == event.exercise_id:
                self.exercise_running = None
        elif isinstance(event, DistressMarked):
            self.distress.append(event.at)
        elif isinstance(event, SessionEnded):
            if self.ended_at is None:
                self.ended_at = t
        elif isinstance(event, CLINICAL_EVENTS):
            self.clinical.append(event)

    def apply_phase_started(self, event: PhaseStarted, t: float) -> None:
        if self.ended_at is not None:
            return
        try:
            index = self.script.phase_index(event.phase_id)
        except KeyError:
            self.problems.append(
                f"The journal moves to a phase {event.phase_id!r} this script does not have; that move was ignored."
            )
            return
        if self.visit_start is None:  # no SessionStarted: the first move starts the session
            self.started_at = t
            self.enter(index, t, event.move)
        elif index != self.index:
            self.enter(index, t, event.move)

    def apply_clock_change(self, event: Event, t: float) -> None:
        if isinstance(event, Paused):
            if not self.paused:
                self.paused = True
                self.pause_started = t
        elif isinstance(event, Resumed):
            if self.paused:
                self.pauses.append((self.pause_started, t))
                self.paused = False
        elif isinstance(event, PhaseAdjusted):
            phase = self.phases[self.index]
            if event.phase_id in ("", phase.id):
                floor = min(MIN_PLANNED, phase.duration)
                self.planned = max(self.planned + event.seconds, floor)

    # -- the result -------------------------------------------------------------------------

    def state(self, now: float) -> SessionState:
        script = self.script
        ended = self.ended_at is not None
        started = self.visit_start is not None
        if started:
            self.advance(now)
            self.fire_visit_reminders()
        end = self.ended_at if ended else max(now, self.cursor if self.cursor is not None else now)
        assert end is not None
        phase = self.phases[self.index]
        visit_start = self.visit_start if started else end
        assert visit_start is not None
        elapsed = self.active if started else 0.0
        remaining = max(0.0, self.planned - elapsed)
        # A paused auto phase shortened below its elapsed time waits, overrunning, for the resume.
        can_overrun = phase.advance == "manual" or self.index == self.last or self.paused
        overrun = max(0.0, elapsed - self.planned) if can_overrun else 0.0

        next_phase = self.phases[self.index + 1] if self.index < self.last else None
        next_phase_at = end + remaining if next_phase is not None and not ended else None

        dose = self.doses[-1] if self.doses else None
        since_dose = end - dose.given_at if dose is not None else None

        due: list[ReminderStatus] = [
            ReminderStatus(reminder, phase_id, due_at)
            for rid, (due_at, phase_id, reminder) in self.fired.items()
            if rid not in self.acknowledged
        ]
        upcoming: list[ReminderStatus] = []
        planned_start = next_phase_at
        for index, each in enumerate(self.phases):
            for reminder in each.reminders:
                if reminder.id in self.acknowledged or reminder.id in self.fired:
                    continue
                if reminder.after_dose is not None:
                    if dose is None:
                        if not ended:
                            upcoming.append(ReminderStatus(reminder, each.id, None))
                        continue
                    due_at = dose.given_at + reminder.after_dose
                    if due_at <= end:
                        due.append(ReminderStatus(reminder, each.id, due_at))
                    elif not ended:
                        upcoming.append(ReminderStatus(reminder, each.id, due_at))
                elif reminder.at is not None and not ended:
                    if index == self.index:
                        upcoming.append(ReminderStatus(reminder, each.id, end + reminder.at - elapsed))
                    elif index > self.index and planned_start is not None:
                        upcoming.append(ReminderStatus(reminder, each.id, planned_start + reminder.at))
            if index > self.index and planned_start is not None:
                planned_start += each.duration
        due.sort(key=_due_key)
        upcoming.sort(key=_due_key)

        history = list(self.history)
        if started:
            history.append(
                PhaseVisit(
                    phase.id,
                    visit_start,
                    self.ended_at,
                    self.planned,
                    elapsed,
                    self.visit_move,
                )
            )

        return SessionState(
            script=script,
            now=now,
            started_at=self.started_at,
            phase_index=self.index,
            phase=phase,
            phase_started_at=visit_start,
            phase_elapsed=elapsed,
            phase_planned=self.planned,
            phase_remaining=remaining,
            overrun=overrun,
            paused=self.paused and not ended,
            total_elapsed=end - self.started_at if self.started_at is not None else 0.0,
            dose=dose,
            since_dose=since_dose,
            reminders_due=tuple(due),
            reminders_upcoming=tuple(upcoming),
            next_phase=next_phase,
            next_phase_at=next_phase_at,
            checklist={phase_id: frozenset(items) for phase_id, items in self.checklist.items()},
            vitals=tuple(self.vitals),
            notes=tuple(self.notes),
            exercises=tuple(self.exercises),
            exercise_running=self.exercise_running,
            distress=tuple(self.distress),
            ended=ended,
            ended_at=self.ended_at,
            history=tuple(history),
            acknowledged=dict(self.acknowledged),
            doses=tuple(self.doses),
            problems=tuple(self.problems),
            **clinical_views(self.clinical),
        )
