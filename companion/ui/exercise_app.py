"""The small app behind `companion exercise`: a picker or one exercise, in the dark-room look."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import App

from companion.audio.player import Player
from companion.core.clock import Clock
from companion.core.scripts.exercises import GroundingExercise
from companion.core.scripts.playlists import Chime
from companion.core.timefmt import format_minutes
from companion.ui.screens.exercise import ExerciseOutcome, ExerciseScreen, chime_for_steps
from companion.ui.screens.exercise_picker import ExercisePicker
from companion.ui.theme import THEMES


class ExerciseApp(App[None]):
    """Runs `first` and ends; or, with no `first`, offers the picker again after each exercise."""

    TITLE = "Session Companion: grounding exercises"

    def __init__(
        self,
        exercises: Mapping[str, GroundingExercise],
        first: str | None = None,
        *,
        player: Player | None = None,
        chimes: Chime | Mapping[str, Chime] | None = None,
        clock: Clock | None = None,
        open_sound: bool = True,
    ) -> None:
        super().__init__()
        self.exercises = dict(exercises)
        self.first = first
        self.player = player
        self.chime = chime_for_steps(chimes)
        self.clock = clock
        self.open_sound = open_sound and player is None and self.chime is not None
        self.summary: list[str] = []
        """One plain line per exercise run, printed by the command after the app closes."""

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = THEMES[0].name
        if self.open_sound:
            # pygame costs a third of a second to import: after the first frame, not before it.
            self.call_after_refresh(self._open_player)
        if self.first is not None:
            self.start(self.first)
        else:
            self.offer_picker()

    def _open_player(self) -> None:
        from companion.audio.player import open_player

        self.player = open_player()
        for screen in self.screen_stack:
            if isinstance(screen, ExerciseScreen) and screen.player is None:
                screen.player = self.player
        self.set_interval(0.25, self.player.update)
        if self.player.notice:
            self.notify(self.player.notice, timeout=8)

    def on_unmount(self) -> None:
        if self.open_sound and self.player is not None:
            self.player.close()

    def offer_picker(self) -> None:
        ordered = sorted(self.exercises.values(), key=lambda e: e.title.lower())
        self.push_screen(ExercisePicker((), ordered), self._picked)

    def _picked(self, exercise_id: str | None) -> None:
        if exercise_id is None:
            self.exit()
        else:
            self.start(exercise_id)

    def start(self, exercise_id: str) -> None:
        exercise = self.exercises[exercise_id]
        screen = ExerciseScreen(exercise, player=self.player, chimes=self.chime, clock=self.clock)
        self.push_screen(screen, self._finished)

    def _finished(self, outcome: ExerciseOutcome | None) -> None:
        if outcome is not None:
            self.summary.append(describe_outcome(self.exercises[outcome.exercise_id], outcome))
        if self.first is not None:
            self.exit()
        else:
            self.offer_picker()


def describe_outcome(exercise: GroundingExercise, outcome: ExerciseOutcome) -> str:
    """ "Box breathing: finished (2 min)." or "5-4-3-2-1 senses: ended after 2 of 5 steps." """
    if outcome.completed:
        return f"{exercise.title}: finished ({format_minutes(exercise.length)})."
    if exercise.kind == "breathing":
        unit = "breath" if exercise.rounds == 1 else "breaths"
        return f"{exercise.title}: ended after {outcome.step_reached} of {exercise.rounds} {unit}."
    total = len(exercise.steps)
    unit = "step" if total == 1 else "steps"
    return f"{exercise.title}: ended after {outcome.step_reached} of {total} {unit}."
