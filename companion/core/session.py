"""A live session: the script, the clock, the journal and the events, in one object.

Every change goes through `record`: the event is journaled (written, flushed, fsync'd) and
added to the events in memory, and `state()` recomputes the session from the events and the
clock (timeline.compute_state). Nothing else holds session state.

Auto-advance phases need not be journaled: compute_state moves on from them at their planned
end by itself, on replay as live. Journaling a PhaseStarted(move="auto") for the phase that is
already current is harmless (a no-op), so a UI may record one for the report if it likes.

When the disk refuses a write the session goes on: the event is kept in memory (the writer
keeps it pending and writes it at the next chance), the state includes it, and
`write_problem` says in a plain sentence what is wrong until the journal has caught up.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast, get_args

from companion import paths
from companion.core.clock import STEP, Clock, MonotonicClock, StepWatch
from companion.core.events import (
    ChecklistTicked,
    ClockStepped,
    DistressMarked,
    DoseGiven,
    Event,
    ExerciseFinished,
    ExerciseMove,
    ExerciseMoved,
    ExerciseStarted,
    MusicChanged,
    NoteAdded,
    Paused,
    PhaseAdjusted,
    PhaseMove,
    PhaseStarted,
    ReminderAcknowledged,
    Resumed,
    SessionEnded,
    SessionStarted,
    VitalsRecorded,
)
from companion.core.journal.store import JournalError, JournalHeader, JournalStore, JournalWriter, read_journal
from companion.core.scripts.script import SessionScript
from companion.core.timeline import SessionState, compute_state

E = TypeVar("E", bound=Event)

ClockFactory = Callable[[float, float], Clock]
"""(speed, session time to resume at) -> the clock a resumed session runs on."""


@dataclass(frozen=True)
class ResumeReport:
    """What a resume found, for the screen that offers it."""

    script_changed: bool  # the script's file differs from (or lacks) the text the session started with
    torn: bool  # the journal's last line was cut short by a crash and was dropped
    problems: tuple[str, ...]  # plain sentences from reading the journal and replaying it


class LiveSession:
    """One running session. Build it with `LiveSession.start` or `LiveSession.resume`."""

    def __init__(
        self,
        script: SessionScript,
        clock: Clock,
        session_id: str,
        writer: JournalWriter,
        events: list[Event] | None = None,
        header: JournalHeader | None = None,
        report: ResumeReport | None = None,
    ) -> None:
        self.script = script
        self.clock = clock
        self.session_id = session_id
        self.writer = writer
        self._events: list[Event] = events if events is not None else []
        self.header = header
        self.report = report or ResumeReport(False, False, ())
        # Only a real clock at speed 1 can be stepped against: a test's clock or a rehearsal's
        # runs away from the wall clock by design.
        real = isinstance(clock, MonotonicClock) and clock.speed == 1
        self.steps: StepWatch | None = StepWatch() if real else None
        self._to_say: list[str] = []  # sentences for the first check()
        self.spilled_to: tuple[Path, int] | None = None  # where the whole journal was last written, and its length

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        script: SessionScript,
        store: JournalStore,
        clock: Clock,
        client_code: str = "",
        rehearsal: bool = False,
        speed: float = 1.0,
    ) -> LiveSession:
        """A new journal, a SessionStarted and the first phase started, both at clock.now().

        The two events are written with the journal's header, in one write made durable at once:
        a start waits for the disk once, not three times.
        """
        now = clock.now()
        opening = (
            SessionStarted(at=now, script_id=script.id, client_code=client_code, rehearsal=rehearsal, speed=speed),
            PhaseStarted(at=now, phase_id=script.phases[0].id, move="start"),
        )
        session_id, writer = store.create(
            script, client_code=client_code, rehearsal=rehearsal, speed=speed, clock=clock, opening=opening
        )
        session = cls(script, clock, session_id, writer)
        session._events.extend(opening)  # as `record` would: they join the session, written or waiting
        return session

    @classmethod
    def resume(
        cls,
        script: SessionScript | None,
        store: JournalStore,
        session_id: str,
        clock_factory: ClockFactory | None = None,
    ) -> LiveSession:
        """Reopen a session from its journal, at the right (virtual) time.

        The session goes on with the script as planned: the copy its journal keeps (format 2),
        else `script` (the library's; None when the library has it no more). Raises
        JournalError (a plain sentence) when the journal cannot be read or opened, belongs to
        another script, or no script can be had. A rehearsal journal (speed != 1) resumes its
        virtual clock where it would be had it never stopped: created + (wall time since
        created) * speed.
        """
        from companion.core.scripts.lookup import planned_script

        path = store.path_for(session_id)
        contents = read_journal(path)
        header = contents.header
        library_script = script
        if script is not None and header.script_id != script.id:
            raise JournalError(f"{path} is a session of the script {header.script_id!r}, not {script.id!r}.")
        script = planned_script(header) or script
        if script is None:
            raise JournalError(
                f"The script {header.script_id!r} of session {header.session_id} is not in the library, "
                "and its journal keeps no copy of it."
            )
        writer = JournalWriter.open_existing(path)
        last_at = max((event.at for event in contents.events), default=header.created)
        virtual_now = max(header.created + (time.time() - header.created) * header.speed, last_at)
        factory = clock_factory or _monotonic_clock
        clock = factory(header.speed, virtual_now)
        events = list(contents.events)
        replay_problems = compute_state(script, events, clock.now()).problems
        report = ResumeReport(
            script_changed=library_script is None or header.script_hash != library_script.text_hash,
            torn=contents.torn,
            problems=contents.problems + replay_problems,
        )
        session = cls(script, clock, header.session_id, writer, events, header, report)
        behind = time.time() - last_at
        if session.steps is not None and behind < -STEP:
            # The wall clock now reads earlier than the session's last event: it was set back
            # while the console was closed. The session goes on from its own time.
            session.record(ClockStepped(at=session.now(), offset=behind))
            session._to_say.append(_step_sentence(behind))
        return session

    # -- the record -------------------------------------------------------------------------

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    @property
    def script_changed(self) -> bool:
        return self.report.script_changed

    @property
    def torn(self) -> bool:
        return self.report.torn

    @property
    def problems(self) -> tuple[str, ...]:
        return self.report.problems

    def now(self) -> float:
        return self.clock.now()

    def state(self) -> SessionState:
        return compute_state(self.script, self._events, self.clock.now())

    def record(self, event: Event) -> bool:
        """Journal `event`, then add it to the session. True when it is durable on disk.

        The event joins the session either way: a record the disk refused waits in the writer
        and is written, in order, at the next append or retry.
        """
        durable = self.writer.append(event)
        self._events.append(event)
        return durable

    @property
    def write_problem(self) -> str | None:
        """A plain sentence while some events are not yet on disk; None when all are."""
        return self.writer.last_error if self.writer.pending else None

    def retry_writes(self) -> bool:
        """Try the waiting events again (call it on a timer while write_problem is set)."""
        return self.writer.retry()

    def check(self) -> list[str]:
        """Once a tick: write what waits (and the whole journal again if its file was removed),
        and notice a step of the wall clock. Returns sentences to say once, calmly."""
        said, self._to_say = self._to_say, []
        self.writer.retry()
        if self.writer.lost:
            self.writer.lost = False
            where = self.writer.path
            if self.writer.pending:
                said.append(
                    f"The journal file {where} was removed while the session ran. Everything is kept in "
                    "memory and will be written there again as soon as it can."
                )
            else:
                said.append(
                    f"The journal file {where} was removed while the session ran; it has been written again in full."
                )
        now = self.clock.now()
        step = self.steps.check(now) if self.steps is not None else None
        if step is not None:
            self.record(ClockStepped(at=now, offset=step))
            said.append(_step_sentence(step))
        return said

    def close(self) -> bool:
        """Close the journal. False when some events could not be written (see write_problem)."""
        return self.writer.close()

    @property
    def unwritten(self) -> int:
        """Records the journal's own file does not hold yet (0 once they are on disk there)."""
        return self.writer.pending

    def write_elsewhere(self, target: Path) -> str | None:
        """Write the whole journal to `target` (a new owner-only file). None when done, else a
        sentence. The journal's own file keeps being retried until the session closes."""
        problem = self.writer.spill(target)
        if problem is None:
            self.spilled_to = (Path(target).expanduser(), len(self._events))
        return problem

    def rescue(self) -> str | None:
        """For a close that leaves records unwritten (a signal, a last failed retry): the whole
        journal written to an owner-only file in the cache folder (else the temporary folder).
        A sentence naming where, or saying it could not be done; None when nothing was left."""
        if not self.writer.pending:
            return None
        if self.spilled_to is not None and self.spilled_to[1] == len(self._events):
            return f"{self.writer.pending} record(s) are not in {self.writer.path}; the whole journal is in {self.spilled_to[0]}."
        stamp = time.strftime("%Y%m%d-%H%M%S")
        places = (
            paths.cache_dir() / "unwritten",
            Path(tempfile.gettempdir()) / f"session-companion-unwritten-{os.getuid()}",
        )
        for folder in places:
            target = folder / f"{self.session_id}-{stamp}.jsonl"
            if self.writer.spill(target) is None:
                return (
                    f"{self.writer.pending} record(s) could not be written to {self.writer.path}; "
                    f"the whole journal was written to {target} instead."
                )
        return f"{self.writer.pending} record(s) could not be written anywhere: {self.writer.last_error}"

    # -- what a therapist does (each returns the event recorded, or None if nothing to do) --

    def _move(self, index: int, move: PhaseMove) -> PhaseStarted | None:
        state = self.state()
        if state.ended or not 0 <= index < len(self.script.phases) or index == state.phase_index:
            return None
        event = PhaseStarted(at=self.now(), phase_id=self.script.phases[index].id, move=move)
        self.record(event)
        return event

    def next_phase(self) -> PhaseStarted | None:
        return self._move(self.state().phase_index + 1, "next")

    def previous_phase(self) -> PhaseStarted | None:
        return self._move(self.state().phase_index - 1, "back")

    def jump(self, phase_id: str) -> PhaseStarted | None:
        """Move to `phase_id`. Raises KeyError for a phase the script does not have."""
        return self._move(self.script.phase_index(phase_id), "jump")

    def pause(self) -> Paused | None:
        state = self.state()
        if state.paused or state.ended:
            return None
        return self._record(Paused(at=self.now()))

    def resume_clock(self) -> Resumed | None:
        if not self.state().paused:
            return None
        return self._record(Resumed(at=self.now()))

    def adjust(self, seconds: float) -> PhaseAdjusted | None:
        """Extend (positive) or shorten (negative) the current phase's plan."""
        state = self.state()
        if state.ended or not seconds:
            return None
        return self._record(PhaseAdjusted(at=self.now(), phase_id=state.phase.id, seconds=float(seconds)))

    def give_dose(
        self, amount: float, unit: str = "mg", route: str = "", given_at: float | None = None, lot: str = ""
    ) -> DoseGiven:
        now = self.now()
        return self._record(
            DoseGiven(
                at=now,
                amount=amount,
                unit=unit,
                route=route or self.script.route,
                given_at=now if given_at is None else given_at,
                lot=lot,
            )
        )

    def record_vitals(
        self,
        systolic: int | None = None,
        diastolic: int | None = None,
        heart_rate: int | None = None,
        spo2: int | None = None,
        note: str = "",
        *,
        respiratory_rate: int | None = None,
    ) -> VitalsRecorded:
        return self._record(
            VitalsRecorded(
                at=self.now(),
                systolic=systolic,
                diastolic=diastolic,
                heart_rate=heart_rate,
                spo2=spo2,
                note=note,
                respiratory_rate=respiratory_rate,
            )
        )

    def add_note(self, text: str) -> NoteAdded:
        return self._record(NoteAdded(at=self.now(), text=text))

    def tick(self, item: str, done: bool = True, phase_id: str | None = None) -> ChecklistTicked:
        """Tick (or untick) a checklist item of `phase_id` (default: the current phase)."""
        phase = phase_id if phase_id is not None else self.state().phase.id
        return self._record(ChecklistTicked(at=self.now(), phase_id=phase, item=item, done=done))

    def acknowledge(self, reminder_id: str) -> ReminderAcknowledged:
        return self._record(ReminderAcknowledged(at=self.now(), reminder_id=reminder_id))

    def exercise_started(self, exercise_id: str) -> ExerciseStarted:
        return self._record(ExerciseStarted(at=self.now(), exercise_id=exercise_id))

    def exercise_finished(self, exercise_id: str, step: int = 0, completed: bool = True) -> ExerciseFinished:
        return self._record(
            ExerciseFinished(at=self.now(), exercise_id=exercise_id, step_reached=step, completed=completed)
        )

    def exercise_moved(self, exercise_id: str, move: str, after: float) -> ExerciseMoved:
        """Raises ValueError for a move that is not one of events.ExerciseMove."""
        if move not in get_args(ExerciseMove):
            raise ValueError(f"{move!r} is not a move of an exercise")
        return self._record(
            ExerciseMoved(at=self.now(), exercise_id=exercise_id, move=cast(ExerciseMove, move), after=after)
        )

    def music_changed(self, change: str, playlist: str = "", value: float = 0.0, layer: str = "") -> MusicChanged:
        return self._record(MusicChanged(at=self.now(), change=change, playlist=playlist, value=value, layer=layer))

    def mark_distress(self, note: str = "") -> DistressMarked:
        return self._record(DistressMarked(at=self.now(), note=note))

    def end(self) -> SessionEnded | None:
        if self.state().ended:
            return None
        return self._record(SessionEnded(at=self.now()))

    def _record(self, event: E) -> E:
        self.record(event)
        return event


def _step_sentence(step: float) -> str:
    return (
        f"The computer's clock moved {_amount(step)} {'ahead' if step > 0 else 'back'}; "
        "the session keeps its own time, and every time on this screen follows it."
    )


def _amount(step: float) -> str:
    minutes = round(abs(step) / 60)
    if minutes < 90:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    return f"about {round(abs(step) / 3600)} hours"


def _monotonic_clock(speed: float, start: float) -> Clock:
    return MonotonicClock(speed=speed, start=start)
