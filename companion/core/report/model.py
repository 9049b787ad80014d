"""What a session report says, gathered from a journal (and its script, when it can be found).

`build_report` turns the journal's events into a `SessionReport`: plain facts with wall-clock
times, in the order a clinical note lists them. The renderers (report_md, report_html,
report_json) only lay these facts out; none of them looks at events.

Without the script the report still holds everything the events carry; what only the script
knows (phase titles and plans, reminders, vitals thresholds) is left out and `gaps` says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import tzinfo

from companion.core.assessment_state import AssessmentResult, Notice, assessment_results, notices
from companion.core.clinical_record import AdverseEntry, adverse_events
from companion.core.events import (
    ChecklistTicked,
    DistressMarked,
    DoseGiven,
    Event,
    ExerciseFinished,
    ExerciseMoved,
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
from companion.core.journal.store import JournalContents
from companion.core.report.clinical import DischargeLine, MedicineLine, discharge_line, medicine_lines
from companion.core.report.gaps import journal_gaps
from companion.core.report.lines import DoseLine as DoseLine  # re-exported: reports import them from here
from companion.core.report.lines import Times as Times
from companion.core.report.music_log import describe as describe_music
from companion.core.report.music_log import music_changes
from companion.core.scripts.exercises import GroundingExercise
from companion.core.scripts.script import Safety, SessionScript
from companion.core.timeline import SessionState, compute_state

ReminderOutcome = str  # "acknowledged" | "missed" | "not reached"


@dataclass(frozen=True)
class VitalsLine:
    at: float
    systolic: int | None
    diastolic: int | None
    heart_rate: int | None
    spo2: int | None
    note: str
    flags: tuple[str, ...]
    respiratory_rate: int | None = None


@dataclass(frozen=True)
class PhaseLine:
    phase_id: str
    title: str
    started_at: float
    ended_at: float | None  # None: the journal stops inside this phase
    planned: float | None  # None without the script; the plan as it stood at the end of the visit
    active: float  # seconds in the phase, paused time excluded
    scripted: float | None = None  # the script's own duration, before + and -
    changes: tuple[float, ...] = ()  # each + or - during the visit, in seconds, in order


@dataclass(frozen=True)
class PauseLine:
    started_at: float
    ended_at: float | None


@dataclass(frozen=True)
class ReminderLine:
    reminder_id: str
    phase_id: str
    text: str
    due_at: float | None
    acknowledged_at: float | None
    outcome: ReminderOutcome


@dataclass(frozen=True)
class ExerciseLine:
    exercise_id: str
    title: str
    started_at: float
    finished_at: float | None
    completed: bool | None  # None: no finish was recorded
    step_reached: int
    counts: str  # what step_reached counts: "steps", "rounds", or "" when the exercise is unknown
    skipped: int = 0  # times the therapist moved it on before its time
    paused: int = 0  # times the therapist held it


@dataclass(frozen=True)
class TimedText:
    at: float
    text: str


@dataclass(frozen=True)
class MusicEntry(TimedText):
    """A line of the music log: its words, and the change as the journal has it (MusicChanged)."""

    change: str = ""
    playlist: str = ""
    value: float = 0.0
    layer: str = ""


@dataclass(frozen=True)
class ChecklistLine:
    phase_id: str
    phase_title: str
    item: str
    done: bool
    at: float | None  # when it was last ticked or unticked


@dataclass(frozen=True)
class SessionReport:
    session_id: str
    client_code: str
    script_id: str
    script_title: str
    script_found: bool
    route: str
    rehearsal: bool
    speed: float
    started_at: float | None
    ended_at: float | None
    last_event_at: float | None
    finished: bool
    journal_torn: bool
    gaps: tuple[str, ...]  # plain sentences about what the report cannot tell
    doses: tuple[DoseLine, ...]
    vitals: tuple[VitalsLine, ...]
    safety: Safety | None
    phases: tuple[PhaseLine, ...]
    pauses: tuple[PauseLine, ...]
    reminders: tuple[ReminderLine, ...]
    exercises: tuple[ExerciseLine, ...]
    distress: tuple[TimedText, ...]
    notes: tuple[TimedText, ...]
    checklist: tuple[ChecklistLine, ...]
    generated_at: float
    times: Times
    assessments: tuple[AssessmentResult, ...] = ()
    notices: tuple[Notice, ...] = ()
    medicines: tuple[MedicineLine, ...] = ()
    adverse_events: tuple[AdverseEntry, ...] = ()
    discharge: DischargeLine | None = None
    music: tuple[MusicEntry, ...] = ()  # the music log: every change to what was heard

    @property
    def dose_at(self) -> float | None:
        """When the dose was given, as the console counts it: the last entry corrects earlier ones."""
        return self.doses[-1].given_at if self.doses else None

    @property
    def day(self) -> float | None:
        """The moment whose date heads the report."""
        return self.started_at if self.started_at is not None else self.last_event_at


def build_report(
    contents: JournalContents,
    script: SessionScript | None,
    *,
    exercises: Mapping[str, GroundingExercise] | None = None,
    generated_at: float,
    tz: tzinfo | None = None,
) -> SessionReport:
    events = sorted(contents.events, key=lambda event: event.at)
    times = Times(tz)
    started = next((e for e in events if isinstance(e, SessionStarted)), None)
    ended = next((e for e in events if isinstance(e, SessionEnded)), None)
    last_at = events[-1].at if events else None
    end_at = ended.at if ended else last_at
    header = contents.header

    state = None
    if script is not None and started is not None and end_at is not None:
        state = compute_state(script, events, end_at)

    doses = tuple(
        DoseLine(e.amount, e.unit, e.route, e.lot, e.given_at or e.at, e.at) for e in events if isinstance(e, DoseGiven)
    )
    route = script.route if script is not None else ""
    if not route and doses:
        route = doses[0].route

    return SessionReport(
        session_id=header.session_id,
        client_code=started.client_code if started else "",
        script_id=header.script_id or (started.script_id if started else ""),
        script_title=script.title if script is not None else "",
        script_found=script is not None,
        route=route,
        rehearsal=header.rehearsal or bool(started and started.rehearsal),
        speed=started.speed if started and started.speed != 1.0 else header.speed,
        started_at=started.at if started else None,
        ended_at=ended.at if ended else None,
        last_event_at=last_at,
        finished=ended is not None,
        journal_torn=contents.torn,
        gaps=journal_gaps(contents, script, started, ended, last_at, times),
        doses=doses,
        vitals=_vitals(events, state),
        safety=script.safety if script is not None and _has_thresholds(script.safety) else None,
        phases=_phases(events, script, state, end_at),
        pauses=_pauses(events),
        reminders=_reminders(events, script, state),
        exercises=_exercises(events, exercises or {}),
        distress=tuple(TimedText(e.at, e.note) for e in events if isinstance(e, DistressMarked)),
        notes=tuple(TimedText(e.at, e.text) for e in events if isinstance(e, NoteAdded)),
        checklist=_checklist(events, script),
        generated_at=generated_at,
        times=times,
        assessments=(results := assessment_results(events)),
        notices=notices(results),
        medicines=medicine_lines(events, script),
        adverse_events=adverse_events(events),
        discharge=discharge_line(events, script, state),
        music=tuple(
            MusicEntry(e.at, describe_music(e), e.change, e.playlist, e.value, e.layer) for e in music_changes(events)
        ),
    )


def _has_thresholds(safety: Safety) -> bool:
    return any(
        value is not None
        for value in (
            safety.systolic_max,
            safety.diastolic_max,
            safety.heart_rate_max,
            safety.heart_rate_min,
            safety.spo2_min,
        )
    )


def _vitals(events: list[Event], state: SessionState | None) -> tuple[VitalsLine, ...]:
    if state is not None:
        return tuple(
            VitalsLine(v.at, v.systolic, v.diastolic, v.heart_rate, v.spo2, v.note, tuple(v.flags), v.respiratory_rate)
            for v in state.vitals
        )
    return tuple(
        VitalsLine(e.at, e.systolic, e.diastolic, e.heart_rate, e.spo2, e.note, (), e.respiratory_rate)
        for e in events
        if isinstance(e, VitalsRecorded)
    )


def _phases(
    events: list[Event], script: SessionScript | None, state: SessionState | None, end_at: float | None
) -> tuple[PhaseLine, ...]:
    if state is not None and script is not None:
        lines = []
        for visit in state.history:
            title = visit.phase_id
            try:
                title = script.phases[script.phase_index(visit.phase_id)].title
            except KeyError:
                pass
            scripted = None
            try:
                scripted = script.phases[script.phase_index(visit.phase_id)].duration
            except KeyError:
                pass
            changes = tuple(
                e.seconds
                for e in events
                if isinstance(e, PhaseAdjusted)
                and e.phase_id == visit.phase_id
                and visit.started_at <= e.at
                and (visit.ended_at is None or e.at < visit.ended_at)
            )
            lines.append(
                PhaseLine(
                    visit.phase_id,
                    title,
                    visit.started_at,
                    visit.ended_at,
                    visit.planned,
                    visit.active,
                    scripted,
                    changes,
                )
            )
        return tuple(lines)
    return _phases_from_events(events, end_at)


def _phases_from_events(events: list[Event], end_at: float | None) -> tuple[PhaseLine, ...]:
    """Phase stays as far as the events show them (auto-advances leave no event without the script)."""
    starts: list[tuple[str, float]] = []
    session_start = next((e.at for e in events if isinstance(e, SessionStarted)), None)
    moves = [e for e in events if isinstance(e, PhaseStarted)]
    if session_start is not None and not (moves and moves[0].at <= session_start):
        starts.append(("", session_start))  # SessionStarted opens the first phase, unnamed here
    for move in moves:
        if starts and starts[-1][0] == move.phase_id:
            continue
        starts.append((move.phase_id, move.at))
    pauses = _pauses(events)
    lines = []
    for index, (phase_id, began) in enumerate(starts):
        finish = starts[index + 1][1] if index + 1 < len(starts) else None
        if finish is None and end_at is not None and any(isinstance(e, SessionEnded) for e in events):
            finish = end_at
        until = finish if finish is not None else (end_at if end_at is not None else began)
        active = max(0.0, until - began - _paused_within(pauses, began, until))
        lines.append(PhaseLine(phase_id, phase_id or "First phase", began, finish, None, active))
    return tuple(lines)


def _paused_within(pauses: tuple[PauseLine, ...], start: float, end: float) -> float:
    total = 0.0
    for pause in pauses:
        stop = pause.ended_at if pause.ended_at is not None else end
        total += max(0.0, min(stop, end) - max(pause.started_at, start))
    return total


def _pauses(events: list[Event]) -> tuple[PauseLine, ...]:
    pauses: list[PauseLine] = []
    open_at: float | None = None
    for event in events:
        if isinstance(event, Paused) and open_at is None:
            open_at = event.at
        elif isinstance(event, Resumed) and open_at is not None:
            pauses.append(PauseLine(open_at, event.at))
            open_at = None
        elif isinstance(event, SessionEnded) and open_at is not None:
            pauses.append(PauseLine(open_at, event.at))
            open_at = None
    if open_at is not None:
        pauses.append(PauseLine(open_at, None))
    return tuple(pauses)


def _reminders(
    events: list[Event], script: SessionScript | None, state: SessionState | None
) -> tuple[ReminderLine, ...]:
    acknowledgements = {
        e.reminder_id: (index, e.at) for index, e in enumerate(events) if isinstance(e, ReminderAcknowledged)
    }
    if script is None or state is None:
        return tuple(
            ReminderLine(reminder_id, "", "", None, at, "acknowledged")
            for reminder_id, (_, at) in acknowledgements.items()
        )
    due = {status.reminder.id: status for status in state.reminders_due}
    lines = []
    for phase in script.phases:
        for reminder in phase.reminders:
            if reminder.id in acknowledgements:
                index, acknowledged_at = acknowledgements[reminder.id]
                lines.append(
                    ReminderLine(
                        reminder.id,
                        phase.id,
                        reminder.text,
                        _due_before(script, events[:index], reminder.id, acknowledged_at),
                        acknowledged_at,
                        "acknowledged",
                    )
                )
            elif reminder.id in due:
                lines.append(
                    ReminderLine(reminder.id, phase.id, reminder.text, due[reminder.id].due_at, None, "missed")
                )
            else:
                # Not reached: its time is still known when it counts from a dose already given.
                would_be = None
                if reminder.after_dose is not None and state.dose is not None:
                    would_be = state.dose.given_at + reminder.after_dose
                lines.append(ReminderLine(reminder.id, phase.id, reminder.text, would_be, None, "not reached"))
    lines.sort(key=lambda line: (line.due_at is None, line.due_at or 0.0))
    return tuple(lines)


def _due_before(script: SessionScript, events: list[Event], reminder_id: str, at: float) -> float | None:
    """When an acknowledged reminder was due: the timeline as it stood when it was acknowledged."""
    state = compute_state(script, events, at)
    for status in (*state.reminders_due, *state.reminders_upcoming):
        if status.reminder.id == reminder_id:
            return status.due_at
    return None


def _exercises(events: list[Event], known: Mapping[str, GroundingExercise]) -> tuple[ExerciseLine, ...]:
    lines: list[ExerciseLine] = []
    running: dict[str, int] = {}  # exercise id -> index of its open line
    for event in events:
        if isinstance(event, ExerciseStarted):
            exercise = known.get(event.exercise_id)
            title = exercise.title if exercise is not None else event.exercise_id
            counts = "" if exercise is None else ("rounds" if exercise.kind == "breathing" else "steps")
            running[event.exercise_id] = len(lines)
            lines.append(ExerciseLine(event.exercise_id, title, event.at, None, None, 0, counts))
        elif isinstance(event, ExerciseMoved) and event.exercise_id in running and event.move in ("forward", "pause"):
            index = running[event.exercise_id]
            line = lines[index]
            lines[index] = replace(
                line, skipped=line.skipped + (event.move == "forward"), paused=line.paused + (event.move == "pause")
            )
        elif isinstance(event, ExerciseFinished) and event.exercise_id in running:
            index = running.pop(event.exercise_id)
            lines[index] = replace(
                lines[index], finished_at=event.at, completed=event.completed, step_reached=event.step_reached
            )
    return tuple(lines)


def _checklist(events: list[Event], script: SessionScript | None) -> tuple[ChecklistLine, ...]:
    ticks: dict[tuple[str, str], ChecklistTicked] = {}
    for event in events:
        if isinstance(event, ChecklistTicked):
            ticks[(event.phase_id, event.item)] = event
    titles = {phase.id: phase.title for phase in script.phases} if script is not None else {}
    lines: list[ChecklistLine] = []
    seen: set[tuple[str, str]] = set()
    if script is not None:
        for phase in script.phases:
            for item in phase.checklist:
                tick = ticks.get((phase.id, item))
                lines.append(
                    ChecklistLine(phase.id, phase.title, item, bool(tick and tick.done), tick.at if tick else None)
                )
                seen.add((phase.id, item))
    for key, tick in ticks.items():
        if key not in seen:  # items the journal holds that the script (now) lacks
            lines.append(
                ChecklistLine(tick.phase_id, titles.get(tick.phase_id, tick.phase_id), tick.item, tick.done, tick.at)
            )
    return tuple(lines)
