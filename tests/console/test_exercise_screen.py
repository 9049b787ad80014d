"""The exercise screen driven by the pilot and a hand-moved clock."""

from __future__ import annotations

from console_kit import patience
from exercise_apps import BOX, SENSES, ExerciseHost
from textual.screen import Screen

from companion.audio.player import SilentPlayer
from companion.core.scripts.playlists import Chime
from companion.core.stepper import INTRO_SECONDS
from companion.ui.screens.exercise import ExerciseOutcome, ExerciseScreen
from companion.ui.widgets.pacer import BreathingPacer
from companion.ui.widgets.step_prompt import StepDots, StepPrompt, TimeLeftLine


async def settle_until(pilot, condition) -> bool:
    """Let queued messages run until `condition()` holds (signals arrive a message later)."""
    for _ in patience():
        if condition():
            return True
        await pilot.pause()
    return condition()


async def advance(pilot, app: ExerciseHost, seconds: float) -> None:
    app.clock.advance(seconds)
    app.exercise_screen.refresh_from_clock()
    await pilot.pause()


def shown(app: ExerciseHost) -> tuple[str, int | None]:
    prompt = app.exercise_screen.query_one(StepPrompt)
    return prompt.text, prompt.index


async def test_intro_then_steps_advance_at_their_second(clock):
    app = ExerciseHost(SENSES, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert shown(app) == ("Let your eyes wander around the room.", None)
        await advance(pilot, app, INTRO_SECONDS - 0.25)
        assert shown(app)[1] is None
        await advance(pilot, app, 0.25)
        assert shown(app) == ("Notice five things you can see.", 0)
        await advance(pilot, app, 39.75)
        assert shown(app)[1] == 0
        await advance(pilot, app, 0.25)
        assert shown(app) == ("Notice four things you can touch.", 1)
        assert app.exercise_screen.query_one(StepDots).marks == ["done", "current", "later", "later", "later"]


async def test_time_left_line_shrinks(clock):
    app = ExerciseHost(SENSES, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")  # past the intro
        line = app.exercise_screen.query_one(TimeLeftLine)
        assert line.fraction == 1.0
        await advance(pilot, app, 10)
        assert line.fraction == 0.75


async def test_space_moves_on_and_pause_holds(clock):
    app = ExerciseHost(SENSES, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        assert shown(app)[1] == 0
        await advance(pilot, app, 10)
        await pilot.press("p")
        assert str(app.exercise_screen.query_one("#exercise-paused").render()) == "Paused"
        await advance(pilot, app, 300)
        assert shown(app)[1] == 0
        await pilot.press("p")
        await advance(pilot, app, 29.75)
        assert shown(app)[1] == 0
        await advance(pilot, app, 0.25)
        assert shown(app)[1] == 1
        assert str(app.exercise_screen.query_one("#exercise-paused").render()) == ""


async def test_skip_and_back(clock):
    app = ExerciseHost(SENSES, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "n", "right")
        assert shown(app)[1] == 2
        await advance(pilot, app, 20)
        await pilot.press("left")
        assert shown(app)[1] == 1
        assert app.exercise_screen.run.remaining(clock.now()) == 30  # back restarts the step
        await pilot.press("b", "b")
        assert shown(app) == ("Let your eyes wander around the room.", None)


async def test_end_gives_the_step_reached(clock):
    app = ExerciseHost(SENSES, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "space", "space")  # on the third step: two passed
        await pilot.press("escape")
        await pilot.pause()
        assert app.outcomes == [ExerciseOutcome("five-senses", step_reached=2, completed=False)]
        assert not isinstance(app.screen, ExerciseScreen)


async def test_q_ends_too(clock):
    app = ExerciseHost(SENSES, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app.outcomes == [ExerciseOutcome("five-senses", step_reached=0, completed=False)]


async def test_finishing_by_time_completes_and_closes_after_the_outro(clock):
    app = ExerciseHost(SENSES, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await advance(pilot, app, INTRO_SECONDS + SENSES.length)
        assert shown(app) == ("Notice how you feel now.", 5)
        assert app.outcomes == []
        await advance(pilot, app, 60)
        assert app.outcomes == [ExerciseOutcome("five-senses", step_reached=5, completed=True)]


async def test_escape_on_the_outro_counts_as_completed(clock):
    app = ExerciseHost(SENSES, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["space"] * 6)
        assert shown(app)[0] == "Notice how you feel now."
        await pilot.press("escape")
        await pilot.pause()
        assert app.outcomes == [ExerciseOutcome("five-senses", step_reached=5, completed=True)]


async def test_chime_between_steps_not_after_the_intro(clock):
    player = SilentPlayer()
    bell = Chime(id="soft-bell", path=__import__("pathlib").Path("bell.ogg"))
    app = ExerciseHost(SENSES, clock, player=player, chimes=bell)
    async with app.run_test(size=(80, 24)) as pilot:
        await advance(pilot, app, INTRO_SECONDS)
        assert player.calls == []
        await advance(pilot, app, 40)
        assert player.calls == [("chime", "soft-bell")]
        await pilot.press("left")
        assert len(player.calls) == 1
        await pilot.press("right")
        assert len(player.calls) == 2


async def test_breathing_shows_the_pacer_and_counts_rounds(clock):
    app = ExerciseHost(BOX, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.exercise_screen
        pacer = screen.query_one(BreathingPacer)
        assert not pacer.display and screen.query_one(StepPrompt).display
        await advance(pilot, app, INTRO_SECONDS)
        assert pacer.display and not screen.query_one(StepPrompt).display
        await advance(pilot, app, 5)
        assert (pacer.frame.part, pacer.frame.count) == ("hold", 3)
        await advance(pilot, app, 16 * 2)
        await pilot.press("escape")
        await pilot.pause()
        assert app.outcomes == [ExerciseOutcome("box-breathing", step_reached=2, completed=False)]


async def test_pause_holds_the_pacer(clock):
    app = ExerciseHost(BOX, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        pacer = app.exercise_screen.query_one(BreathingPacer)
        await advance(pilot, app, 9)  # one second into the out-breath
        await pilot.press("p")
        frozen = pacer.frame
        assert (frozen.part, frozen.count) == ("out", 3)
        assert not pacer.running
        await advance(pilot, app, 100)
        pacer._tick()
        assert pacer.frame == frozen
        await pilot.press("p")
        await advance(pilot, app, 3)
        assert (pacer.frame.part, pacer.frame.count) == ("rest", 4)
        assert pacer.running


async def test_pacer_timer_stops_when_its_screen_is_covered(clock):
    app = ExerciseHost(BOX, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await pilot.pause()
        pacer = app.exercise_screen.query_one(BreathingPacer)
        assert pacer.running
        app.push_screen(Screen())
        assert await settle_until(pilot, lambda: not pacer.running)
        drawn = pacer.frames_drawn
        clock.advance(2)
        await pilot.pause(0.3)  # a few frame intervals of real time: nothing may be drawn
        assert pacer.frames_drawn == drawn
        app.pop_screen()
        assert await settle_until(pilot, lambda: pacer.running)


async def test_pacer_timer_stops_when_unmounted(clock):
    app = ExerciseHost(BOX, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        pacer = app.exercise_screen.query_one(BreathingPacer)
        timer = pacer._timer
        await pilot.press("escape")
        await pilot.pause()
        assert pacer._timer is None
        assert not timer._active.is_set() or timer._task is None or timer._task.done()


async def test_each_move_is_reported_and_replays_to_what_the_screen_shows(clock):
    """What the console journals (on_move) is enough for the client display to be where the
    therapist's screen is: the replay in client_view lands on the same stage, clock and hold."""
    from companion.core.client_view import _exercise_view
    from companion.core.events import ExerciseMoved

    moves: list[tuple[str, float]] = []
    app = ExerciseHost(SENSES, clock, on_move=lambda move, after: moves.append((move, after)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.exercise_screen
        began = clock.now()

        def replayed():
            journaled = [ExerciseMoved(1000.0 + after, SENSES.id, move, after) for move, after in moves]
            return _exercise_view(SENSES, 1000.0, 1000.0 + clock.now() - began, journaled)

        def agree() -> None:
            view, run = replayed(), screen.run
            assert (view.stage, view.step_index) == (run.stage.kind, run.stage.step_index)
            assert view.stage_started_at - 1000.0 == run.stage_started - began
            assert view.held == (run.elapsed(clock.now()) if run.paused else None)

        await advance(pilot, app, 2)
        await pilot.press("space")  # past the intro
        await advance(pilot, app, 5)
        await pilot.press("p")  # held 5 s into the first step
        await advance(pilot, app, 30)
        agree()
        await pilot.press("p")  # let go
        await advance(pilot, app, 50)  # runs out the first step (35 s left) into the second
        await pilot.press("b")  # back to the first, from its start
        await advance(pilot, app, 3)
        await pilot.press("right")
        await advance(pilot, app, 1)
        agree()
    assert [move for move, _ in moves] == ["forward", "pause", "resume", "back", "forward"]
    assert [after for _, after in moves] == [2, 7, 37, 87, 90]
