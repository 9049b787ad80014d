"""Grounding exercises: steps or a breathing pattern, each mistake named at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.core.scripts.exercises import BreathPattern, Step, load_exercise
from companion.core.scripts.problems import ScriptError

STEPS = """\
id: five-senses
title: 5-4-3-2-1 senses
kind: steps
intro: Let your eyes wander.
steps:
  - say: Notice five things you can see.
    for: 40s
  - say: Notice four things you can touch.
    for: 1m
"""

BREATHING = """\
id: box-breathing
title: Box breathing
kind: breathing
pattern: {in: 4s, hold: 4s, out: 4s, rest: 4}
rounds: 6
outro: Let the breath go back to its own pace.
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exercise.yaml"
    path.write_text(text)
    return path


def test_steps_exercise(tmp_path):
    exercise = load_exercise(write(tmp_path, STEPS))
    assert (exercise.id, exercise.kind, exercise.intro) == ("five-senses", "steps", "Let your eyes wander.")
    assert exercise.steps == (
        Step("Notice five things you can see.", 40),
        Step("Notice four things you can touch.", 60),
    )
    assert exercise.length == 100 and exercise.pattern is None


def test_breathing_exercise(tmp_path):
    path = write(tmp_path, BREATHING)
    exercise = load_exercise(path)
    assert exercise.pattern == BreathPattern(inhale=4, hold=4, exhale=4, rest=4)
    assert exercise.rounds == 6 and exercise.length == 96
    assert exercise.source == path


def test_hold_and_rest_default_to_zero_and_accept_fractions(tmp_path):
    text = BREATHING.replace("{in: 4s, hold: 4s, out: 4s, rest: 4}", "{in: 5.5s, out: 5.5s}")
    exercise = load_exercise(write(tmp_path, text))
    assert exercise.pattern == BreathPattern(inhale=5.5, hold=0, exhale=5.5, rest=0)


def test_a_fraction_without_its_unit_is_refused(tmp_path):
    text = BREATHING.replace("{in: 4s, hold: 4s, out: 4s, rest: 4}", "{in: 5.5s, out: 5.5}")
    with pytest.raises(ScriptError, match=r"pattern.out: .*a plain number is whole seconds: write 5.5s"):
        load_exercise(write(tmp_path, text))


CASES = [
    pytest.param(
        STEPS.replace("kind: steps", "kind: stepz"),
        3,
        7,
        "kind",
        'expected "steps" or "breathing", got text "stepz" (did you mean "steps"?)',
        id="kind",
    ),
    pytest.param(
        STEPS.replace("    for: 40s", "    fro: 40s"),
        7,
        5,
        "steps[0].fro",
        'unknown key (did you mean "for"?)',
        id="step-key",
    ),
    pytest.param(STEPS.replace("    for: 1m", "    for: 0s"), 9, 10, "steps[1].for", "above zero", id="zero-step"),
    pytest.param(
        STEPS.replace("  - say: Notice four things you can touch.\n    for: 1m\n", "  - say: x\n"),
        8,
        5,
        "steps[1].for",
        "missing",
        id="step-without-for",
    ),
    pytest.param(STEPS.split("steps:")[0] + "steps: []\n", 5, 8, "steps", "at least one", id="no-steps"),
    pytest.param(
        BREATHING.replace("in: 4s", "inhale: 4s"),
        4,
        11,
        "pattern.inhale",
        'unknown key (did you mean "in"?)',
        id="pattern-key",
    ),
    pytest.param(
        BREATHING.replace("hold: 4s", "hold: -1s"), 4, 25, "pattern.hold", "expected a duration", id="negative-hold"
    ),
    pytest.param(
        BREATHING.replace("rounds: 6", "rounds: 0"),
        5,
        9,
        "rounds",
        "expected a whole number from 1 to 1000, got 0",
        id="zero-rounds",
    ),
    pytest.param(
        BREATHING.replace("rounds: 6", "rounds: 2.5"), 5, 9, "rounds", "expected a whole number", id="fraction-rounds"
    ),
    pytest.param(BREATHING.replace("rounds: 6\n", ""), 1, 1, "rounds", "missing", id="no-rounds"),
    pytest.param(
        BREATHING.replace("pattern: {in: 4s, hold: 4s, out: 4s, rest: 4}\n", ""),
        1,
        1,
        "pattern",
        "needs a pattern",
        id="no-pattern",
    ),
    pytest.param(BREATHING + "steps: []\n", 7, 8, "steps", "only for kind: steps", id="steps-on-breathing"),
    pytest.param(STEPS + "rounds: 3\n", 10, 9, "rounds", "only for kind: breathing", id="rounds-on-steps"),
    pytest.param(STEPS.replace("id: five-senses", "id: five senses"), 1, 5, "id", "expected an id", id="bad-id"),
]


@pytest.mark.parametrize(("text", "line", "column", "field", "words"), CASES)
def test_each_mistake_is_reported_at_its_line_and_column(tmp_path, text, line, column, field, words):
    path = write(tmp_path, text)
    with pytest.raises(ScriptError) as excinfo:
        load_exercise(path)
    problems = excinfo.value.problems
    assert len(problems) == 1, "\n".join(map(str, problems))
    assert (problems[0].line, problems[0].column, problems[0].field) == (line, column, field), str(problems[0])
    assert words in problems[0].message
    assert str(problems[0]).startswith(f"{path}:{line}:{column}: {field}: ")
