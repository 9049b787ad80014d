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
    """Something that happened in a session, at `at` (wall-clock UTC seconds, the session's clock)."""

    KIND: ClassVar[str] = ""
    at: float


@dataclass(frozen=True)
class SessionStarted(Event):
    """A session of `script_id` began (a rehearsal runs its clock `speed` times faster)."""

    KIND: ClassVar[str] = "session_started"
    script_id: str = ""
    client_code: str = ""
    rehearsal: bool = False
    speed: float = 1.0


@dataclass(frozen=True)
class PhaseStarted(Event):
    """A phase began: at the start, by a key (`next`, `back`, `jump`) or when it ran out (`auto`)."""

    KIND: ClassVar[str] = "phase_started"
    phase_id: str = ""
    move: PhaseMove = "next"


@dataclass(frozen=True)
class Paused(Event):
    """The phase clock was held: the phase's time stands still until Resumed (wall time goes on)."""

    KIND: ClassVar[str] = "paused"


@dataclass(frozen=True)
class Resumed(Event):
    """The phase clock runs again after a Paused."""

    KIND: ClassVar[str] = "resumed"


@dataclass(frozen=True)
class PhaseAdjusted(Event):
    """The current phase extended (positive seconds) or shortened (negative)."""

    KIND: ClassVar[str] = "phase_adjusted"
    phase_id: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class DoseGiven(Event):
    """The dose as the therapist entered it; the time since it is counted from `given_at`."""

    KIND: ClassVar[str] = "dose_given"
    amount: float = 0.0
    unit: str = "mg"
    route: str = ""
    given_at: float = 0.0  # when the dose was given; may be earlier than `at`
    lot: str = ""


@dataclass(frozen=True)
class VitalsRecorded(Event):
    """One set of readings as entered (any of them may be missing), with the therapist's note."""

    KIND: ClassVar[str] = "vitals_recorded"
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None
    note: str = ""
    respiratory_rate: int | None = None  # breaths per minute


@dataclass(frozen=True)
class NoteAdded(Event):
    """A note the therapist typed."""

    KIND: ClassVar[str] = "note_added"
    text: str = ""


@dataclass(frozen=True)
class ChecklistTicked(Event):
    """An item of a phase's checklist ticked, or unticked."""

    KIND: ClassVar[str] = "checklist_ticked"
    phase_id: str = ""
    item: str = ""
    done: bool = True  # False unticks


@dataclass(frozen=True)
class ReminderAcknowledged(Event):
    """A due reminder seen and put away by the therapist."""

    KIND: ClassVar[str] = "reminder_acknowledged"
    reminder_id: str = ""


@dataclass(frozen=True)
class ExerciseStarted(Event):
    """A grounding exercise began, on the console and the client's screen."""

    KIND: ClassVar[str] = "exercise_started"
    exercise_id: str = ""


@dataclass(frozen=True)
class ExerciseFinished(Event):
    """A grounding exercise ended, done or left early, after `step_reached` steps or rounds."""

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
    """The therapist marked a moment of distress (the music fades out gently)."""

    KIND: ClassVar[str] = "distress_marked"
    note: str = ""


@dataclass(frozen=True)
class SessionEnded(Event):
    """The session was ended by the therapist."""

    KIND: ClassVar[str] = "session_ended"


@dataclass(frozen=True)
class AssessmentStarted(Event):
    """An assessment's form opened: `run` names this filling-in of it within the session."""

    KIND: ClassVar[str] = "assessment_started"
    run: str = ""  # "<assessment id>#<n>", unique in the session
    assessment_id: str = ""
    title: str = ""
    reminder_id: str = ""  # the reminder it was opened from, if any
    terms: str = ""  # the instrument's copyright or terms of use, kept with the record


@dataclass(frozen=True)
class AssessmentAnswered(Event):
    """One item answered, journaled at once (a later answer to the same item replaces it). The
    words asked and answered are kept, so the record reads the same if the file changes."""

    KIND: ClassVar[str] = "assessment_answered"
    run: str = ""
    item_id: str = ""
    question: str = ""
    answer: str = ""  # the choice's label, a time as HH:MM, or the text typed
    score: int | None = None  # a choice's score
    moment: float | None = None  # a time item's answer, wall-clock seconds
    notice: str = ""  # the notice this answer raises (PHQ-9 item 9 above 0), in plain words


@dataclass(frozen=True)
class AssessmentFinished(Event):
    """An assessment's form closed, complete or not, with its total and band when it is scored."""

    KIND: ClassVar[str] = "assessment_finished"
    run: str = ""
    completed: bool = True  # False: closed before every item was answered
    score: int | None = None  # the total, when the assessment is scored and complete
    band: str = ""


@dataclass(frozen=True)
class MedicineAnswered(Event):
    """A concomitant medicine asked about (a later answer for the same medicine replaces it)."""

    KIND: ClassVar[str] = "medicine_answered"
    medicine_id: str = ""
    name: str = ""
    taking: str = ""  # "yes", "no" or "unknown"
    detail: str = ""


@dataclass(frozen=True)
class AdverseEventRecorded(Event):
    """An adverse event. It is never edited: a correction is a later record with the same
    `entry_id` and `correction` set, and the report shows both."""

    KIND: ClassVar[str] = "adverse_event_recorded"
    entry_id: str = ""  # "ae-1", "ae-2", ... in the session
    what: str = ""
    occurred_at: float = 0.0
    severity: str = ""  # "mild", "moderate" or "severe"
    serious: bool = False
    action: str = ""
    outcome: str = ""
    correction: bool = False


@dataclass(frozen=True)
class DischargeChecked(Event):
    """The discharge requirements checked as the clinician asked to end: what was missing, and
    whether the session was ended all the same."""

    KIND: ClassVar[str] = "discharge_checked"
    missing: tuple[str, ...] = ()
    ended: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "missing", tuple(self.missing))  # a journal gives a list


@dataclass(frozen=True)
class ClockStepped(Event):
    """The computer's wall clock moved by `offset` seconds against the session's own time
    (set by hand, a time server, a resume after the clock changed). The session keeps its own
    time; this records that the two now differ, for the report."""

    KIND: ClassVar[str] = "clock_stepped"
    offset: float = 0.0


@dataclass(frozen=True)
class MusicChanged(Event):
    """What is heard changed: `change` is "playlist" (a phase's music began, `value` its volume;
    playlist "" is silence), "volume", "depth" or "layer" (`value` 0..1; `layer` names it),
    "mute", "unmute", "fade" or "distress" (`value` the fade's seconds, 0 for the playlist's own).
    `playlist` is the playlist heard when it changed."""

    KIND: ClassVar[str] = "music_changed"
    change: str = ""
    playlist: str = ""
    value: float = 0.0
    layer: str = ""


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
        AssessmentStarted,
        AssessmentAnswered,
        AssessmentFinished,
        MedicineAnswered,
        AdverseEventRecorded,
        DischargeChecked,
        ClockStepped,
        MusicChanged,
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


@dataclass(frozen=True)
class ClientNotesChanged(Event):
    """The client's standing notes were saved as a new version during this session (the notes
    themselves live in the client's folder; see core/course/notes_store.py)."""

    KIND: ClassVar[str] = "client_notes_changed"
    version: int = 0
    fields: str = ""  # the fields that changed, comma-separated


EVENT_TYPES[ClientNotesChanged.KIND] = ClientNotesChanged


@dataclass(frozen=True)
class PhaseLengthsAdopted(Event):
    """The therapist chose to plan this session's phases as long as they ran in an earlier one:
    each phase named is adjusted to its length when it begins (a PhaseAdjusted, as by hand)."""

    KIND: ClassVar[str] = "phase_lengths_adopted"
    from_session: str = ""
    minutes: str = ""  # "arrival=22,dosing=5,journey=48": phase id = minutes, comma-separated


EVENT_TYPES[PhaseLengthsAdopted.KIND] = PhaseLengthsAdopted
