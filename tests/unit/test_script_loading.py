"""Session scripts: a valid file becomes a typed SessionScript; each mistake is named at its line."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest

from companion.core.scripts.loading import load_session, read_session
from companion.core.scripts.problems import ScriptError
from companion.core.scripts.script import Reminder, Safety

VALID = """\
# a comment first, so line numbers are not trivially small
id: tiny
title: A tiny session
route: IM
description: For tests.
safety:
  systolic_max: 180
  diastolic_max: 100
  heart_rate_max: 110
  heart_rate_min: 45
  spo2_min: 92
  source: Example thresholds
phases:
  - id: arrival
    title: Arrival
    duration: 10m
    guide: Review the intention.
    client: Settle in.
    music: settling
    volume: 0.3
    checklist: [Blood pressure taken, Eyeshades ready]
    vitals: true
    reminders:
      - at: 5m
        text: Halfway through arrival
  - id: dosing
    title: Dosing
    duration: 5m
    dose: true
    advance: auto
    music: none
  - id: journey
    title: Journey
    duration: 45m
    music: journey
    exercises: [five-senses, box-breathing]
    reminders:
      - id: bp-40
        after_dose: 40m
        text: Blood pressure check
        chime: soft-bell
"""


def write(tmp_path: Path, text: str, name: str = "tiny.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_valid_script_becomes_typed_models(tmp_path):
    path = write(tmp_path, VALID)
    script = load_session(path)
    assert (script.id, script.title, script.route, script.description) == (
        "tiny", "A tiny session", "IM", "For tests."
    )  # fmt: skip
    assert script.safety == Safety(180, 100, 110, 45, 92, "Example thresholds")
    assert [p.id for p in script.phases] == ["arrival", "dosing", "journey"]
    arrival, dosing, journey = script.phases
    assert arrival.duration == 600 and arrival.volume == 0.3 and arrival.vitals
    assert arrival.checklist == ("Blood pressure taken", "Eyeshades ready")
    assert arrival.music == "settling" and arrival.advance == "manual"
    assert arrival.reminders == (Reminder(id="arrival.1", text="Halfway through arrival", at=300),)
    assert dosing.dose and dosing.advance == "auto" and dosing.music is None
    assert dosing.volume == 0.5  # the default
    assert journey.exercises == ("five-senses", "box-breathing")
    assert journey.reminders == (Reminder(id="bp-40", text="Blood pressure check", after_dose=2400, chime="soft-bell"),)
    assert script.total_planned == 3600
    assert script.source == path
    assert script.text_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_references_are_collected_with_their_positions(tmp_path):
    _, references = read_session(write(tmp_path, VALID))
    found = {(r.kind, r.id, r.line, r.field) for r in references}
    assert found == {
        ("playlist", "settling", 19, "phases[0].music"),
        ("playlist", "journey", 35, "phases[2].music"),
        ("exercise", "five-senses", 36, "phases[2].exercises[0]"),
        ("exercise", "box-breathing", 36, "phases[2].exercises[1]"),
        ("chime", "soft-bell", 41, "phases[2].reminders[0].chime"),
    }


def change(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


# (the script text, line, column, field, words expected in the message)
CASES = [
    pytest.param(
        change("    guide:", "    guid:"),
        17,
        5,
        "phases[0].guid",
        'unknown key (did you mean "guide"?)',
        id="unknown-key-suggests",
    ),
    pytest.param(
        change("route: IM\n", "route: IM\ncolour: blue\n"),
        5,
        1,
        "colour",
        "unknown key; expected one of: description, discharge, id, medicines, phases",
        id="unknown-key-lists",
    ),
    pytest.param(
        change("title: A tiny session\n", ""), 2, 1, "title", "missing; this field is required", id="missing-title"
    ),
    pytest.param(
        change("    duration: 10m\n", "    duration: ten minutes\n"),
        16,
        15,
        "phases[0].duration",
        'expected a duration such as "90s"',
        id="bad-duration",
    ),
    pytest.param(
        change("    duration: 10m\n", "    duration: 0\n"),
        16,
        15,
        "phases[0].duration",
        "above zero",
        id="zero-duration",
    ),
    pytest.param(
        change("    duration: 10m\n", "    duration: -5\n"),
        16,
        15,
        "phases[0].duration",
        "above zero",
        id="negative-duration",
    ),
    pytest.param(
        change("    duration: 10m\n", "    duration: 5m10m\n"),
        16,
        15,
        "phases[0].duration",
        "out of order",
        id="repeated-unit",
    ),
    pytest.param(
        change("volume: 0.3", "volume: 1.5"),
        20,
        13,
        "phases[0].volume",
        "expected a number from 0 to 1, got 1.5",
        id="volume-too-loud",
    ),
    pytest.param(
        change("volume: 0.3", "volume: loud"),
        20,
        13,
        "phases[0].volume",
        'expected a number from 0 to 1, got text "loud"',
        id="volume-text",
    ),
    pytest.param(
        change("vitals: true", "vitals: sometimes"),
        22,
        13,
        "phases[0].vitals",
        "expected true or false",
        id="vitals-not-bool",
    ),
    pytest.param(
        change("advance: auto", "advance: automatic"),
        30,
        14,
        "phases[1].advance",
        'expected "manual" or "auto", got text "automatic" (did you mean "auto"?)',
        id="advance-choice",
    ),
    pytest.param(
        change("title: Arrival", "title: yes"),
        15,
        12,
        "phases[0].title",
        "expected text, got true/false (true) (put it in quotes",
        id="norway-problem",
    ),
    pytest.param(
        change("  - id: dosing", "  - id: arrival"),
        26,
        9,
        "phases[1].id",
        'repeated phase id "arrival"',
        id="duplicate-phase",
    ),
    pytest.param(
        change("  - id: dosing", "  - id: dosing now"), 26, 9, "phases[1].id", "expected an id", id="id-with-space"
    ),
    pytest.param(
        change("id: bp-40", "id: arrival.1"),
        38,
        13,
        "phases[2].reminders[0].id",
        'repeated reminder id "arrival.1"',
        id="duplicate-reminder",
    ),
    pytest.param(
        change("      - at: 5m", "      - at: 11m"),
        24,
        13,
        "phases[0].reminders[0].at",
        "expected a time within the phase (10m long), got 11m",
        id="reminder-after-phase-end",
    ),
    pytest.param(
        change("        after_dose: 40m", "        after_dose: 55m"),
        39,
        21,
        "phases[2].reminders[0].after_dose",
        "lands 55m after the dose, after this phase's planned end (50m after the dose)",
        id="after-dose-past-phase-end",
    ),
    pytest.param(
        change("      - at: 5m", "      - after_dose: 5m"),
        24,
        21,
        "phases[0].reminders[0].after_dose",
        'comes before the dose phase "dosing"',
        id="after-dose-before-dosing",
    ),
    pytest.param(
        change("        after_dose: 40m", "        after_dose: 2m"),
        39,
        21,
        "phases[2].reminders[0].after_dose",
        "before this phase starts (5m after the dose)",
        id="after-dose-before-phase-start",
    ),
    pytest.param(
        change("    dose: true\n", ""),
        38,
        21,
        "phases[2].reminders[0].after_dose",
        "no dose phase",
        id="after-dose-without-dose",
    ),
    pytest.param(
        change("      - at: 5m\n", "      - at: 5m\n        after_dose: 5m\n"),
        25,
        21,
        "phases[0].reminders[0].after_dose",
        "either `at:`",
        id="both-at-and-after-dose",
    ),
    pytest.param(
        change("      - at: 5m\n        text: Halfway through arrival\n", "      -\n"),
        24,
        8,
        "phases[0].reminders[0]",
        "expected a reminder (a mapping), got nothing",
        id="empty-reminder",
    ),
    pytest.param(
        change("      - at: 5m\n", "      - chime: bowl\n"),
        24,
        9,
        "phases[0].reminders[0]",
        "missing `at:`",
        id="neither-at-nor-after-dose",
    ),
    pytest.param(
        change("    music: journey\n", "    music: journey\n    dose: true\n"),
        36,
        11,
        "phases[2].dose",
        'only one phase can have dose: true; "dosing" already has it',
        id="two-dose-phases",
    ),
    pytest.param(
        change("  spo2_min: 92", "  spo2_min: 920"),
        11,
        13,
        "safety.spo2_min",
        "expected a number from 50 to 100, got 920",
        id="spo2-typo",
    ),
    pytest.param(
        change("  heart_rate_min: 45", "  heart_rate_min: 120"),
        10,
        19,
        "safety.heart_rate_min",
        "expected less than heart_rate_max (110)",
        id="heart-rate-range",
    ),
    pytest.param(
        change("phases:\n", "phases: []\n").split("  - id: arrival")[0], 13, 9, "phases", "at least one", id="no-phases"
    ),
    pytest.param(
        change("checklist: [Blood pressure taken, Eyeshades ready]", "checklist: [1.5, ok]"),
        21,
        17,
        "phases[0].checklist[0]",
        "expected text",
        id="checklist-number",
    ),
    pytest.param(
        "- just\n- a list\n", 1, 1, "", "expected a session script (a mapping), got a list", id="not-a-mapping"
    ),
]


@pytest.mark.parametrize(("text", "line", "column", "field", "words"), CASES)
def test_each_mistake_is_reported_at_its_line_and_column(tmp_path, text, line, column, field, words):
    path = write(tmp_path, text)
    with pytest.raises(ScriptError) as excinfo:
        load_session(path)
    problems = excinfo.value.problems
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert (problem.file, problem.line, problem.column, problem.field) == (path, line, column, field), str(problem)
    assert words in problem.message, str(problem)
    assert str(problem).startswith(f"{path}:{line}:{column}: ")


def test_every_problem_in_a_file_is_reported_at_once_in_file_order(tmp_path):
    text = change("title: Arrival\n", "titel: Arrival\n")
    text = text.replace("volume: 0.3", "volume: 2").replace("duration: 45m", "duration: 45 minutes")
    with pytest.raises(ScriptError) as excinfo:
        load_session(write(tmp_path, text))
    assert [(p.line, p.field) for p in excinfo.value.problems] == [
        (15, "phases[0].titel"),  # and not also "title: missing": the suggestion says it
        (20, "phases[0].volume"),
        (34, "phases[2].duration"),
    ]


def test_at_exactly_the_phase_end_and_after_dose_zero_are_fine(tmp_path):
    text = change("      - at: 5m", "      - at: 10m").replace("after_dose: 40m", "after_dose: 50m")
    script = load_session(write(tmp_path, text))
    assert script.phases[0].reminders[0].at == 600
    assert script.phases[2].reminders[0].after_dose == 3000


def test_music_none_means_silence_and_a_single_exercise_id_is_accepted(tmp_path):
    text = change("exercises: [five-senses, box-breathing]", "exercises: five-senses")
    script = load_session(write(tmp_path, text))
    assert script.phases[1].music is None
    assert script.phases[2].exercises == ("five-senses",)


def test_bad_tag_in_a_script_is_refused(tmp_path):
    text = change("title: Arrival", "title: !!python/object/apply:os.system [echo]")
    with pytest.raises(ScriptError) as excinfo:
        load_session(write(tmp_path, text))
    assert "tag !!python/object/apply:os.system is not allowed" in str(excinfo.value)
