"""ExerciseScreen: runs one grounding exercise full screen and dismisses with its outcome.

Steps show one at a time and move on by themselves after their `for:` time (space moves on
sooner); a breathing exercise shows the pacer. Keys: space next, left/b back, right/n skip,
p pause, escape/q end. The screen only reads the clock and shows the ExerciseRun model; the
console journals the outcome, and each move (`on_move(move, seconds into the exercise)`) so the
client's display follows the therapist's pace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from companion.audio.player import Player
from companion.core.clock import Clock, MonotonicClock
from companion.core.scripts.exercises import BreathPattern, GroundingExercise
from companion.core.scripts.playlists import Chime
from companion.core.stepper import ExerciseRun, Stage, chimes_between
from companion.ui.keymap import DeclaredOrder
from companion.ui.widgets.pacer import BreathingPacer
from companion.ui.widgets.step_prompt import StepPrompt

DEFAULT_CHIME_ID = "soft-bell"
TICKS_PER_SECOND = 4  # steps last tens of seconds: a quarter second is exact enough

KEY_HINTS = "space next   ← back   → skip   p pause   esc end"


@dataclass(frozen=True)
class ExerciseOutcome:
    exercise_id: str
    step_reached: int  # steps passed, or breathing rounds completed
    completed: bool  # False: ended before the end


def chime_for_steps(chimes: Chime | Mapping[str, Chime] | None) -> Chime | None:
    """The chime between steps: the one given, or from a catalogue the soft bell (else the first)."""
    if chimes is None or isinstance(chimes, Chime):
        return chimes
    return chimes.get(DEFAULT_CHIME_ID) or next(iter(chimes.values()), None)


class ExerciseScreen(DeclaredOrder, Screen[ExerciseOutcome]):
    DEFAULT_CSS = """
    ExerciseScreen {
        background: $background;
        layout: vertical;
        align: center middle;
    }
    /* Nothing covers an exercise, not even a passing notice (the panels keep what matters). */
    ExerciseScreen Toast { display: none; }
    ExerciseScreen > #exercise-title {
        width: 100%;
        height: 1;
        margin-top: 1;
        text-align: center;
        color: $text-muted;
    }
    ExerciseScreen > StepPrompt { height: 1fr; padding: 0 2; }
    ExerciseScreen > BreathingPacer { height: 1fr; margin-top: 1; }
    ExerciseScreen > #exercise-paused {
        width: 100%;
        height: 1;
        text-align: center;
        color: $text-muted;
    }
    ExerciseScreen > #exercise-keys {
        width: 100%;
        height: 1;
        margin-bottom: 1;
        text-align: center;
        color: $foreground 40%;
    }
    """

    BINDINGS = [
        Binding("space", "next", "Next", id="exercise.next", tooltip="Move on to the next step now"),
        Binding("enter", "next", "Next", show=False, id="exercise.next_enter", tooltip="Move on"),
        Binding("right,n", "skip", "Skip", id="exercise.skip", tooltip="Skip this step"),
        Binding("left,b", "back", "Back", id="exercise.back", tooltip="Back to the previous step"),
        Binding("p", "pause", "Pause", id="exercise.pause", tooltip="Hold the exercise where it is"),
        Binding("escape,q", "end", "End", id="exercise.end", tooltip="End the exercise now"),
    ]

    def __init__(
        self,
        exercise: GroundingExercise,
        player: Player | None = None,
        chimes: Chime | Mapping[str, Chime] | None = None,
        clock: Clock | None = None,
        *,
        on_move: Callable[[str, float], object] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.exercise = exercise
        self.player = player
        self.chimes = chime_for_steps(chimes)
        self.clock: Clock = clock or MonotonicClock()
        self.run = ExerciseRun(exercise, self.clock.now())
        self._began = self.run.stage_started
        self.on_move = on_move
        self._shown_index: int | None = None
        self._dismissing = False
        self._paused_shown = ""
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.exercise.title, id="exercise-title", markup=False)
        yield StepPrompt()
        if self.exercise.kind == "breathing":
            pattern = self.exercise.pattern or BreathPattern(inhale=4.0)
            yield BreathingPacer(pattern, self.exercise.rounds, started_at=self.run.stage_started, clock=self.clock)
        yield Static("", id="exercise-paused")
        yield Static(KEY_HINTS, id="exercise-keys", markup=False)

    def on_mount(self) -> None:
        self._ticker = self.set_interval(1 / TICKS_PER_SECOND, self.refresh_from_clock)
        self.refresh_from_clock()

    def on_screen_suspend(self) -> None:
        if self._ticker is not None:
            self._ticker.pause()

    def on_screen_resume(self) -> None:
        if self._ticker is not None:
            self._ticker.resume()
        self.refresh_from_clock()

    # -- the clock moves the run -----------------------------------------------------------

    def refresh_from_clock(self) -> None:
        """Advance the run to the clock's now and show it (the timer calls this; so can tests)."""
        if self._dismissing:
            return
        now = self.clock.now()
        before = self.run.stage
        if self.run.update(now):
            self._chime_if_moved_on(before)
        self._show(now)

    def _show(self, now: float) -> None:
        run = self.run
        if run.finished:
            self._close()
            return
        stage = run.stage
        prompt = self.query_one(StepPrompt)
        pacers = self.query(BreathingPacer)
        breathing = stage.kind == "breathing"
        if self._shown_index != run.index:
            self._shown_index = run.index
            prompt.display = not breathing
            for pacer in pacers:
                pacer.display = breathing
            if stage.kind == "step":
                prompt.show(stage.text, stage.step_index, run.step_count)
            elif stage.kind == "intro":
                prompt.show(stage.text, None, run.step_count if self.exercise.kind == "steps" else 0)
            elif stage.kind == "outro":
                total = run.step_count if self.exercise.kind == "steps" else 0
                prompt.show(stage.text, total, total)
        if breathing:
            for pacer in pacers:
                pacer.follow(run.stage_started, run.elapsed(now) if run.paused else None)
        else:
            prompt.set_time_left(run.fraction_left(now))
        paused = "Paused" if run.paused else ""
        if paused != self._paused_shown:
            self._paused_shown = paused
            self.query_one("#exercise-paused", Static).update(paused)

    def _chime_if_moved_on(self, before: Stage) -> None:
        if self.player is None or self.chimes is None:
            return
        if chimes_between(before, self.run.stage) and not self.run.finished:
            self.player.chime(self.chimes)

    def _close(self) -> None:
        if self._dismissing:
            return
        self._dismissing = True
        if self._ticker is not None:
            self._ticker.stop()
        self.dismiss(self.outcome())

    def outcome(self) -> ExerciseOutcome:
        return ExerciseOutcome(
            exercise_id=self.exercise.id,
            step_reached=self.run.step_reached(self.clock.now()),
            completed=self.run.completed,
        )

    # -- keys ------------------------------------------------------------------------------

    def action_next(self) -> None:
        if self.run.stage.kind == "outro":
            self.run.finish(self.clock.now())
            self._show(self.clock.now())
        else:
            self.action_skip()

    def action_skip(self) -> None:
        now = self._caught_up()
        before = self.run.stage
        self.run.forward(now)
        self._moved("forward", now)
        self._chime_if_moved_on(before)
        self._show(now)

    def action_back(self) -> None:
        now = self._caught_up()
        self.run.back(now)
        self._moved("back", now)
        self._shown_index = None  # back onto the same stage still repaints it from its start
        self._show(now)

    def action_pause(self) -> None:
        now = self._caught_up()
        self.run.toggle_pause(now)
        self._moved("pause" if self.run.paused else "resume", now)
        self._show(now)

    def _caught_up(self) -> float:
        """Now, with the run moved past any stage whose time ran out since the last tick: a key
        acts on the stage that is current at that instant, as a reader of the journal replays it."""
        now = self.clock.now()
        before = self.run.stage
        if self.run.update(now):
            self._chime_if_moved_on(before)
        return now

    def _moved(self, move: str, now: float) -> None:
        if self.on_move is not None and not self.run.finished:
            self.on_move(move, now - self._began)

    def action_end(self) -> None:
        self._close()
