"""Where a running exercise is: its stages (intro, steps or the breathing, outro) against a clock.

Pure: every method takes `now` (monotonic seconds), so the screen and the tests drive the same
model, the tests with a fake clock. A stage that runs out hands its overflow to the next one
(the next stage starts when the last one should have ended, not when a timer noticed), so the
steps never drift from their `for:` times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from companion.core.breathing import breathing_seconds, rounds_completed
from companion.core.scripts.exercises import GroundingExercise

StageKind = Literal["intro", "step", "breathing", "outro"]

INTRO_SECONDS = 8.0  # long enough to read a sentence aloud, short enough not to stall
OUTRO_SECONDS = 12.0  # at least
QUIET_OUTRO_SECONDS = 4.0  # an exercise with no outro still ends gently, not with a jump cut
CHIME_AFTER_SECONDS = 10.0  # steps shorter than this (a paced sigh's 2 s) pass without a chime
WORDS_PER_SECOND = 2.5  # read aloud slowly, as a calm voice would


def reading_seconds(text: str, at_least: float) -> float:
    """Time to read `text` aloud unhurried, and a breath after it; never less than `at_least`."""
    return max(at_least, 3.0 + len(text.split()) / WORDS_PER_SECOND)


@dataclass(frozen=True)
class Stage:
    kind: StageKind
    text: str
    seconds: float
    step_index: int = -1  # 0-based, for kind == "step"


def stages_of(exercise: GroundingExercise) -> tuple[Stage, ...]:
    stages: list[Stage] = []
    if exercise.intro.strip():
        # A fixed time, which the client display's tests rely on; reading_seconds() would suit
        # long intros better (it is what the outro gets).
        stages.append(Stage("intro", exercise.intro.strip(), INTRO_SECONDS))
    if exercise.kind == "breathing" and exercise.pattern is not None:
        seconds = breathing_seconds(exercise.pattern, exercise.rounds)
        stages.append(Stage("breathing", "", seconds))
    else:
        for index, step in enumerate(exercise.steps):
            stages.append(Stage("step", step.say.strip(), step.seconds, index))
    outro = exercise.outro.strip()
    seconds = reading_seconds(outro, OUTRO_SECONDS) if outro else QUIET_OUTRO_SECONDS
    stages.append(Stage("outro", outro, seconds))
    return tuple(stages)


def chimes_between(before: Stage, after: Stage) -> bool:
    """A soft chime marks moving on from a step (or the breathing) to the next step or the end.

    Not after a step of a few seconds: a chime every two seconds would be a metronome.
    """
    return (
        before.kind in ("step", "breathing")
        and after.kind in ("step", "outro")
        and before.seconds >= CHIME_AFTER_SECONDS
    )


class ExerciseRun:
    """The progress of one exercise: current stage, time in it, pause, skip and back."""

    def __init__(self, exercise: GroundingExercise, now: float) -> None:
        self.exercise = exercise
        self.stages = stages_of(exercise)
        self.index = 0
        self.stage_started = now  # when the current stage began, moved on by pauses
        self.paused_at: float | None = None
        self.finished = False  # the outro has run out, or was closed
        self._rounds_left_at = 0  # breathing rounds done when the breathing stage was last left

    # -- reading ---------------------------------------------------------------------------

    @property
    def stage(self) -> Stage:
        return self.stages[min(self.index, len(self.stages) - 1)]

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    @property
    def step_count(self) -> int:
        """Steps in the exercise, or breathing rounds."""
        if self.exercise.kind == "breathing":
            return self.exercise.rounds
        return len(self.exercise.steps)

    @property
    def completed(self) -> bool:
        """Went all the way to the end (the outro), whatever was skipped on the way."""
        return self.stage.kind == "outro" or self.finished

    def elapsed(self, now: float) -> float:
        """Seconds into the current stage, not counting pauses."""
        reference = self.paused_at if self.paused_at is not None else now
        return max(0.0, reference - self.stage_started)

    def remaining(self, now: float) -> float:
        return max(0.0, self.stage.seconds - self.elapsed(now))

    def fraction_left(self, now: float) -> float:
        if self.stage.seconds <= 0:
            return 0.0
        return min(1.0, self.remaining(now) / self.stage.seconds)

    def step_reached(self, now: float) -> int:
        """Steps passed, or breathing rounds completed, so far (the journal's `step_reached`)."""
        stage = self.stage
        if self.exercise.kind == "breathing":
            pattern = self.exercise.pattern
            if stage.kind == "breathing" and pattern is not None:
                return rounds_completed(pattern, self.exercise.rounds, self.elapsed(now))
            return self._rounds_left_at
        if stage.kind == "step":
            return stage.step_index
        if stage.kind == "outro":
            return len(self.exercise.steps)
        return 0

    # -- moving ----------------------------------------------------------------------------

    def update(self, now: float) -> int:
        """Move past every stage whose time is up; returns how many stages were passed."""
        passed = 0
        while not self.finished and not self.paused and self.elapsed(now) >= self.stage.seconds:
            self._leave_stage(now)
            self.stage_started += self.stage.seconds
            if self.index + 1 >= len(self.stages):
                self.finished = True
            else:
                self.index += 1
            passed += 1
        return passed

    def forward(self, now: float) -> None:
        """Skip to the next stage (space, right); from the outro, close."""
        if self.finished:
            return
        self._leave_stage(now)
        if self.index + 1 >= len(self.stages):
            self.finished = True
            return
        self.index += 1
        self._restart_stage(now)

    def back(self, now: float) -> None:
        """Back to the previous stage, from its start; on the first stage, restart it."""
        if self.finished:
            return
        if self.stage.kind == "breathing":
            self._leave_stage(now)
        self.index = max(0, self.index - 1)
        self._restart_stage(now)

    def pause(self, now: float) -> None:
        if self.paused_at is None and not self.finished:
            self.paused_at = now

    def resume(self, now: float) -> None:
        if self.paused_at is not None:
            self.stage_started += now - self.paused_at
            self.paused_at = None

    def toggle_pause(self, now: float) -> None:
        if self.paused:
            self.resume(now)
        else:
            self.pause(now)

    def finish(self, now: float) -> None:
        """Close from the outro (any key there)."""
        if self.stage.kind == "outro":
            self.finished = True

    # -- inside ----------------------------------------------------------------------------

    def _restart_stage(self, now: float) -> None:
        self.stage_started = now
        if self.paused_at is not None:
            self.paused_at = now  # a paused run stays paused on the stage it moved to

    def _leave_stage(self, now: float) -> None:
        stage = self.stage
        pattern = self.exercise.pattern
        if stage.kind == "breathing" and pattern is not None:
            done = rounds_completed(pattern, self.exercise.rounds, self.elapsed(now))
            if self.elapsed(now) >= stage.seconds:
                done = self.exercise.rounds
            self._rounds_left_at = done
