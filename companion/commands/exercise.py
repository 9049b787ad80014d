"""`companion exercise [ID] [--scripts DIR]`: one grounding exercise on its own, outside a session.

For integration sessions and rehearsal. With no id, a picker lists the whole library and comes
back after each exercise; with an id, the exercise runs and the command ends with it. Nothing is
journaled: there is no session for it to belong to; a line per exercise is printed at the end.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from companion.core.scripts.exercises import GroundingExercise
from companion.core.scripts.library import EXERCISE, load_library
from companion.core.scripts.problems import Problem


def run(args: argparse.Namespace) -> int:
    library = load_library(list(args.scripts or []))
    exercises = library.exercises
    broken = exercise_problems(library.problems, {f.path for f in library.files if f.kind == EXERCISE})
    wanted = args.exercise
    if wanted is not None and wanted not in exercises:
        print(unknown_exercise_message(wanted, exercises), file=sys.stderr)
        _say_problems(broken)
        return 1
    if not exercises:
        print("No grounding exercises were found.", file=sys.stderr)
        _say_problems(broken)
        return 1
    _say_problems(broken)

    from companion.ui.exercise_app import ExerciseApp

    app = ExerciseApp(exercises, first=wanted, chimes=library.chimes)
    from companion.core.config import load_config
    from companion.ui import keymap

    keymap.apply(app, keymap.checked(load_config()))  # config.yaml's keys for the exercise screens too
    app.run()
    for line in app.summary:
        print(line)
    return app.return_code or 0


def unknown_exercise_message(wanted: str, exercises: Mapping[str, GroundingExercise]) -> str:
    known = ", ".join(sorted(exercises)) or "(none)"
    return f"There is no exercise called {wanted!r}. Exercises: {known}."


def exercise_problems(problems: Sequence[Problem], exercise_files: set[Path]) -> list[Problem]:
    """Problems in exercise files only: a broken session script is not this command's business."""
    return [problem for problem in problems if problem.file in exercise_files]


def _say_problems(problems: Sequence[Problem]) -> None:
    if not problems:
        return
    print("Some exercise files could not be read (`companion validate` checks them):", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
