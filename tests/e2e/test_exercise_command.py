"""`companion exercise`: an unknown id, a user's own folder, and the app it opens."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from exercise_apps import BOX, SENSES

from companion.commands import exercise as command
from companion.core.clock import FakeClock
from companion.ui.exercise_app import ExerciseApp, describe_outcome
from companion.ui.screens.exercise import ExerciseOutcome, ExerciseScreen
from companion.ui.screens.exercise_picker import ExercisePicker

ROOT = Path(__file__).resolve().parents[2]

MY_EXERCISE = """\
id: hands-warm
title: Warm hands
kind: steps
steps:
  - say: Rub your hands together slowly.
    for: 20s
"""


def args(exercise: str | None = None, scripts: list[Path] | None = None) -> argparse.Namespace:
    return argparse.Namespace(command="exercise", exercise=exercise, scripts=scripts or [])


def test_unknown_id_lists_the_ids_and_exits_1(capsys):
    assert command.run(args("no-such-thing")) == 1
    err = capsys.readouterr().err
    assert "There is no exercise called 'no-such-thing'." in err
    assert "five-senses" in err and "box-breathing" in err
    assert "Traceback" not in err


def test_a_users_folder_adds_exercises_and_names_broken_files(tmp_path, capsys):
    folder = tmp_path / "mine"
    (folder / "exercises").mkdir(parents=True)
    (folder / "exercises" / "hands-warm.yaml").write_text(MY_EXERCISE)
    (folder / "exercises" / "broken.yaml").write_text("id: broken\ntitle: Broken\nkind: steps\nsteps: nope\n")
    assert command.run(args("still-missing", [folder])) == 1
    err = capsys.readouterr().err
    assert "hands-warm" in err
    assert "broken.yaml:" in err  # the file and line of the problem, as validate says it


def test_the_installed_command_says_it_plainly():
    result = subprocess.run(
        [sys.executable, "-m", "companion", "exercise", "nope"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 1
    assert "There is no exercise called 'nope'" in result.stderr
    assert "Traceback" not in result.stderr


async def test_app_runs_the_named_exercise_then_ends_with_a_summary():
    exercises = {e.id: e for e in (SENSES, BOX)}
    app = ExerciseApp(exercises, first="five-senses", clock=FakeClock(), open_sound=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ExerciseScreen)
        await pilot.press("space", "space", "escape")
        await pilot.pause()
    assert app.summary == ["5-4-3-2-1 senses: ended after 1 of 5 steps."]


async def test_app_without_an_id_offers_the_picker_again_after_each():
    exercises = {e.id: e for e in (SENSES, BOX)}
    app = ExerciseApp(exercises, clock=FakeClock(), open_sound=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ExercisePicker)
        await pilot.press("enter")  # sorted by title: "5-4-3-2-1 senses" first
        await pilot.pause()
        assert isinstance(app.screen, ExerciseScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ExercisePicker)
        await pilot.press("escape")
        await pilot.pause()
    assert app.summary == ["5-4-3-2-1 senses: ended after 0 of 5 steps."]


def test_outcome_sentences():
    assert describe_outcome(BOX, ExerciseOutcome("box-breathing", 6, True)) == "Box breathing: finished (2 min)."
    assert describe_outcome(BOX, ExerciseOutcome("box-breathing", 1, False)) == (
        "Box breathing: ended after 1 of 6 breaths."
    )
