"""Everything that happens in a session is an event. Events are the only session state.

Each event carries `at`: wall-clock UTC seconds since the epoch, as given by the session's
clock (see clock.py), so they survive a restart. `to_record` / `from_record` turn them into
the JSON objects the journal stores: {"kind": "...", "at": ..., <fields>}.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

PhaseMove = Literal["start", "next", "back", "jump", "auto"]
ExerciseMove = Literal["forward", "back", "pause", "resume"]


@dataclass(frozen=True)
class Event:
    KIND: ClassVar[str] = ""
    at: float


@dataclass(frozen=True)
class SessionStarted(Event):
    KIND: ClassVar[str] = "session_started"
    script_id: str = ""
    client_code: str = ""
    rehearsal: bool = False
    speed: float = 1.0


@dataclass(frozen=True)
class PhaseStarted(Event):
    KIND: ClassVar[str] = "phase_started"
    phase_id: str = ""
    move: PhaseMove = "next"


@dataclass(frozen=True)
class Paused(Event):
    KIND: ClassVar[str] = "paused"


@dataclass(frozen=True)
class Resumed(Event):
    KIND: ClassVar[str] = "resumed"


@dataclass(frozen=True)
class PhaseAdjusted(Event):
    """The current phase extended (positive seconds) or shortened (negative)."""

    KIND: ClassVar[str] = "phase_adjusted"
    phase_id: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class DoseGiven(Event):
    KIND: ClassVar[str] = "dose_given"
    amount: float = 0.0
    unit: str = "mg"
    route: str = ""
    given_at: float = 0.0  # when the dose was given; may be earlier than `at`
    lot: str = ""


@dataclass(frozen=True)
class VitalsRecorded(Event):
    KIND: ClassVar[str] = "vitals_recorded"
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None
    note: str = ""


@dataclass(frozen=True)
class NoteAdded(Event):
    KIND: ClassVar[str] = "note_added"
    text: str = ""


@dataclass(frozen=True)
class ChecklistTicked(Event):
    KIND: ClassVar[str] = "checklist_ticked"
    phase_id: str = ""
    item: str = ""
    done: bool = True  # False unticks


@dataclass(frozen=True)
class ReminderAcknowledged(Event):
    KIND: ClassVar[str] = "reminder_acknowledged"
    reminder_id: str = ""


@dataclass(frozen=True)
class ExerciseStarted(Event):
    KIND: ClassVar[str] = "exercise_started"
    exercise_id: str = ""


@dataclass(frozen=True)
class ExerciseFinished(Event):
    KIND: ClassVar[str] = "exercise_finished"
    exercise_id: str = ""
    step_reached: int = 0  # steps or breathing rounds completed
    completed: bool = True  # False: ended early (abandoned)


@dataclass(frozen=True)
class ExerciseMoved(Event):
    """The therapist moved a running exercise on, back, or held it: `after` seconds into it, on
    the exercise's own clock (real seconds, even in a rehearsal), so a reader replays it exactly."""

    KIND: ClassVar[str] = "exercise_moved"
    exercise_id: str = ""
    move: ExerciseMove = "forward"
    after: float = 0.0


@dataclass(frozen=True)
class DistressMarked(Event):
    KIND: ClassVar[str] = "distress_marked"
    note: str = ""


@dataclass(frozen=True)
class SessionEnded(Event):
    KIND: ClassVar[str] = "session_ended"


EVENT_TYPES: dict[str, type[Event]] = {
    cls.KIND: cls
    for cls in (
        SessionStarted,
        PhaseStarted,
        Paused,
        Resumed,
        PhaseAdjusted,
        DoseGiven,
        VitalsRecorded,
        NoteAdded,
        ChecklistTicked,
        ReminderAcknowledged,
        ExerciseStarted,
        ExerciseFinished,
        ExerciseMoved,
        DistressMarked,
        SessionEnded,
    )
}


class UnknownEvent(ValueError):
    pass


def to_record(event: Event) -> dict[str, Any]:
    return {"kind": event.KIND, **dataclasses.asdict(event)}


def from_record(record: dict[str, Any]) -> Event:
    """The event a journal record describes. Raises UnknownEvent for anything else."""
    kind = record.get("kind")
    cls = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise UnknownEvent(f"unknown event kind {kind!r}")
    names = {f.name for f in dataclasses.fields(cls)}
    extra = set(record) - names - {"kind"}
    if extra:
        raise UnknownEvent(f"{kind}: unexpected fields {sorted(extra)}")
    try:
        return cls(**{k: v for k, v in record.items() if k != "kind"})
    except TypeError as error:
        raise UnknownEvent(f"{kind}: {error}") from None
