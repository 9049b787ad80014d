"""The exercise progress model, driven by hand-moved time."""

from __future__ import annotations

from companion.core.scripts.exercises import BreathPattern, GroundingExercise, Step
from companion.core.stepper import (
    INTRO_SECONDS,
    OUTRO_SECONDS,
    QUIET_OUTRO_SECONDS,
    ExerciseRun,
    chimes_between,
    reading_seconds,
    stages_of,
)

SENSES = GroundingExercise(
    id="five-senses",
    title="5-4-3-2-1 senses",
    kind="steps",
    intro="Let your eyes wander.",
    outro="Notice how you feel now.",
    steps=(Step("Five things you can see.", 40), Step("Four you can touch.", 30), Step("Three you hear.", 20)),
)
BOX = GroundingExercise(
    id="box-breathing",
    title="Box breathing",
    kind="breathing",
    pattern=BreathPattern(4, 4, 4, 4),
    rounds=3,
)


def test_stages_are_intro_steps_outro():
    kinds = [(s.kind, s.seconds) for s in stages_of(SENSES)]
    assert kinds == [("intro", INTRO_SECONDS), ("step", 40), ("step", 30), ("step", 20), ("outro", OUTRO_SECONDS)]
    assert [(s.kind, s.seconds) for s in stages_of(BOX)] == [("breathing", 48), ("outro", QUIET_OUTRO_SECONDS)]


def test_steps_advance_at_their_second_and_carry_overflow():
    run = ExerciseRun(SENSES, now=0)
    assert run.update(INTRO_SECONDS - 0.01) == 0 and run.stage.kind == "intro"
    assert run.update(INTRO_SECONDS) == 1 and run.stage.step_index == 0
    assert run.update(INTRO_SECONDS + 39.9) == 0
    # A late look (the timer ran 3 s late) still starts step 2 where step 1 ended.
    assert run.update(INTRO_SECONDS + 43) == 1
    assert run.stage.step_index == 1
    assert run.remaining(INTRO_SECONDS + 43) == 27
    # A long gap passes several stages at once.
    assert run.update(INTRO_SECONDS + 90) == 2
    assert run.stage.kind == "outro" and run.completed and not run.finished
    assert run.update(INTRO_SECONDS + 90 + OUTRO_SECONDS) == 1
    assert run.finished and run.step_reached(200) == 3


def test_pause_holds_time_and_resume_continues():
    run = ExerciseRun(SENSES, now=0)
    run.forward(1)  # past the intro at t=1
    run.pause(11)
    assert run.update(500) == 0
    assert run.elapsed(500) == 10 and run.remaining(500) == 30
    run.resume(500)
    assert run.update(529.9) == 0
    assert run.update(530) == 1 and run.stage.step_index == 1


def test_skip_and_back():
    run = ExerciseRun(SENSES, now=0)
    run.forward(0)
    run.forward(5)
    assert run.stage.step_index == 1 and run.elapsed(5) == 0
    run.back(8)
    assert run.stage.step_index == 0 and run.elapsed(8) == 0 and run.remaining(8) == 40
    run.back(9)
    run.back(10)
    assert run.stage.kind == "intro" and run.index == 0
    assert run.step_reached(10) == 0


def test_moving_while_paused_stays_paused():
    run = ExerciseRun(SENSES, now=0)
    run.pause(2)
    run.forward(3)
    assert run.paused and run.stage.step_index == 0
    assert run.update(100) == 0 and run.remaining(100) == 40


def test_step_reached_counts_steps_passed():
    run = ExerciseRun(SENSES, now=0)
    run.forward(0)
    assert run.step_reached(0) == 0
    run.forward(1)
    run.forward(2)
    assert run.step_reached(2) == 2 and not run.completed
    run.forward(3)
    assert run.completed and run.step_reached(3) == 3
    run.forward(4)
    assert run.finished


def test_breathing_counts_rounds_completed():
    run = ExerciseRun(BOX, now=100)
    assert run.step_reached(115.9) == 0
    assert run.step_reached(116) == 1
    run.forward(135)  # skipped after two whole rounds and a bit
    assert run.stage.kind == "outro" and run.step_reached(135) == 2
    run2 = ExerciseRun(BOX, now=0)
    run2.update(48)
    assert run2.stage.kind == "outro" and run2.step_reached(48) == 3


def test_chimes_only_between_steps_and_at_the_end():
    intro, first, second, outro = (stages_of(SENSES)[i] for i in (0, 1, 2, 4))
    breathing = stages_of(BOX)[0]
    assert chimes_between(first, second) and chimes_between(second, outro)
    assert chimes_between(breathing, outro)
    assert not chimes_between(intro, first)
    sigh = GroundingExercise(
        id="s", title="S", kind="steps", steps=(Step("In.", 3), Step("Out.", 7), Step("Rest.", 15))
    )
    short, longer, last, end = stages_of(sigh)
    assert not chimes_between(short, longer) and not chimes_between(longer, last)
    assert chimes_between(last, end)


def test_finish_only_from_the_outro():
    run = ExerciseRun(SENSES, now=0)
    run.finish(1)
    assert not run.finished
    run.update(200)
    run.finish(200)
    assert run.finished


def test_long_outros_are_given_time_to_be_read():
    assert reading_seconds("Short.", OUTRO_SECONDS) == OUTRO_SECONDS
    long = " ".join(["word"] * 30)
    assert reading_seconds(long, OUTRO_SECONDS) == 15.0
    exercise = GroundingExercise(id="x", title="X", kind="steps", outro=long, steps=(Step("a", 5),))
    assert stages_of(exercise)[-1].seconds == 15.0
