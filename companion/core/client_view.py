"""What the client's screen shows, from the journal's events: the only door from a session to it.

`client_view` reads the session through compute_state and passes on nothing but what a script
wrote for the client: the phase's `client:` words and the running exercise. The fields of
ClientView are all there is, so a client code, a note, a vital sign or a dose cannot reach the
client's screen by accident.

An exercise's place is worked out from its start time and its steps' lengths (the stepper's
rules), with the therapist's moves replayed where the journal puts them (ExerciseMoved: on,
back, held, let go), so the client's screen keeps to the therapist's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from companion.core.events import Event, ExerciseMoved, ExerciseStarted
from companion.core.scripts.exercises import GroundingExercise
from companion.core.scripts.script import SessionScript
from companion.core.stepper import ExerciseRun, StageKind
from companion.core.timeline import compute_state

Mode = Literal["waiting", "session", "exercise", "ended"]

WAITING = "Waiting for a session to start."
ENDED = "The session has ended. Take your time."


@dataclass(frozen=True)
class ExerciseView:
    exercise: GroundingExercise
    exercise_started_at: float  # session time it was started (journaled)
    stage: StageKind
    text: str  # the stage's words (the step, the intro or the outro); empty while breathing
    step_index: int  # 0-based step, -1 outside the steps
    step_total: int
    stage_started_at: float  # when the stage began, on the exercise's own clock
    stage_seconds: float
    held: float | None = None  # seconds into the stage where the therapist holds it (paused)


@dataclass(frozen=True)
class ClientView:
    mode: Mode
    text: str = ""  # the phase's client words (the calm screen when empty)
    exercise: ExerciseView | None = None

    @property
    def key(self) -> tuple[object, ...]:
        """What changes the picture (the time inside a stage does not)."""
        if self.exercise is None:
            return (self.mode, self.text)
        e = self.exercise
        return (self.mode, self.text, e.exercise.id, e.stage, e.step_index, e.stage_started_at, e.held)


def client_view(
    script: SessionScript | None,
    events: Sequence[Event],
    exercises: Mapping[str, GroundingExercise],
    now: float,
    exercise_now: Callable[[float], float] | None = None,
) -> ClientView:
    """The view at session time `now`. `exercise_now(started_at)` is the time on a running
    exercise's own clock (default `now`): exercises run in real seconds even in a rehearsal,
    as on the therapist's screen."""
    if not events:
        return ClientView("waiting")
    if script is None:
        # Without the script there are no client words to show; the end is still in the events.
        ended = any(event.KIND == "session_ended" for event in events)
        return ClientView("ended" if ended else "session")
    state = compute_state(script, list(events), now)
    if state.ended:
        return ClientView("ended")
    if state.started_at is None:
        return ClientView("waiting")
    text = state.phase.client.strip()
    running = state.exercise_running
    exercise = exercises.get(running) if running else None
    if exercise is not None:
        start = next(
            (
                i
                for i in range(len(events) - 1, -1, -1)
                if isinstance(found := events[i], ExerciseStarted) and found.exercise_id == running
            ),
            None,
        )
        started = events[start].at if start is not None else now
        moves = (
            []
            if start is None
            else [e for e in events[start + 1 :] if isinstance(e, ExerciseMoved) and e.exercise_id == running]
        )
        view = _exercise_view(exercise, started, exercise_now(started) if exercise_now else now, moves)
        if view is not None:
            return ClientView("exercise", text, view)
    return ClientView("session", text)


def _exercise_view(
    exercise: GroundingExercise, started_at: float, now: float, moves: Sequence[ExerciseMoved] = ()
) -> ExerciseView | None:
    run = ExerciseRun(exercise, started_at)
    at = started_at
    for move in moves:
        at = min(now, max(at, started_at + move.after))  # never backwards, never past now
        run.update(at)
        action = {"forward": run.forward, "back": run.back, "pause": run.pause, "resume": run.resume}.get(move.move)
        if action is not None:  # a move this version does not know is passed over
            action(at)
    run.update(now)
    if run.finished:
        return None  # its time is over; the therapist's screen will journal the finish
    stage = run.stage
    total = exercise.rounds if exercise.kind == "breathing" else len(exercise.steps)
    return ExerciseView(
        exercise=exercise,
        exercise_started_at=started_at,
        stage=stage.kind,
        text=stage.text,
        step_index=stage.step_index,
        step_total=total,
        stage_started_at=run.stage_started,
        stage_seconds=stage.seconds,
        held=run.elapsed(now) if run.paused else None,
    )
