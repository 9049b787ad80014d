"""Exercises built in Python and a small host app, shared by the exercise UI tests and snapshots."""

from __future__ import annotations

from textual.app import App

from companion.core.clock import FakeClock
from companion.core.scripts.exercises import BreathPattern, GroundingExercise, Step
from companion.ui.screens.exercise import ExerciseOutcome, ExerciseScreen
from companion.ui.theme import THEMES

SENSES = GroundingExercise(
    id="five-senses",
    title="5-4-3-2-1 senses",
    kind="steps",
    intro="Let your eyes wander around the room.",
    outro="Notice how you feel now.",
    steps=(
        Step("Notice five things you can see.", 40),
        Step("Notice four things you can touch.", 30),
        Step("Notice three things you can hear.", 30),
        Step("Notice two things you can smell.", 20),
        Step("Notice one thing you can taste.", 20),
    ),
)

BOX = GroundingExercise(
    id="box-breathing",
    title="Box breathing",
    kind="breathing",
    intro="Breathe along with the circle.",
    pattern=BreathPattern(inhale=4, hold=4, exhale=4, rest=4),
    rounds=6,
)

COHERENT = GroundingExercise(
    id="coherent-breathing",
    title="Coherent breathing",
    kind="breathing",
    pattern=BreathPattern(inhale=5.5, exhale=5.5),
    rounds=30,
)


class ExerciseHost(App[None]):
    """Opens one ExerciseScreen over a plain base screen and keeps what it dismissed with."""

    def __init__(self, exercise: GroundingExercise, clock: FakeClock, **screen_options) -> None:
        super().__init__()
        self.exercise = exercise
        self.clock = clock
        self.screen_options = screen_options
        self.outcomes: list[ExerciseOutcome | None] = []
        self.exercise_screen: ExerciseScreen | None = None

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = THEMES[0].name
        self.exercise_screen = ExerciseScreen(self.exercise, clock=self.clock, **self.screen_options)
        self.push_screen(self.exercise_screen, self.outcomes.append)
