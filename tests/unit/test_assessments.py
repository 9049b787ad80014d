"""Assessments: the bundled instruments, strict loading, scoring, notices, and reading them back."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from companion.core.assessment_state import answered_event, assessment_results, finished_event, next_run, notices
from companion.core.events import AssessmentStarted
from companion.core.scripts.assessments import load_assessment
from companion.core.scripts.library import load_library
from companion.core.scripts.problems import ScriptError

GOOD = """\
id: mood
title: Mood
rater: self
choices:
  - {score: 0, label: None}
  - {score: 1, label: A little}
  - {score: 2, label: A lot}
items:
  - id: a
    text: First
  - id: b
    text: Second
scoring:
  method: sum
  bands:
    - {from: 0, to: 1, label: Low}
    - {from: 2, to: 4, label: High}
notices:
  - item: b
    above: 0
"""


def write(folder: Path, text: str, name: str = "mood.yaml") -> Path:
    path = folder / "assessments" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ScriptError) as caught:
        load_assessment(path)
    return [str(problem) for problem in caught.value.problems]


def test_the_bundled_instruments_load_with_their_ranges_and_bands():
    library = load_library()
    assessments = library.assessments
    assert {"phq-9", "gad-7", "moaa-s", "post-session-check", "rems-enrolment"} <= set(assessments)
    phq = assessments["phq-9"]
    assert phq.score_range == (0, 27) and len(phq.scored_items) == 9
    assert [(b.low, b.high) for b in phq.bands] == [(0, 4), (5, 9), (10, 14), (15, 19), (20, 27)]
    assert "Pfizer" in phq.terms and "No permission required" in phq.terms
    assert phq.item("q9").text == "Thoughts that you would be better off dead or of hurting yourself in some way"
    gad = assessments["gad-7"]
    assert gad.score_range == (0, 21) and [(b.low, b.high) for b in gad.bands][-1] == (15, 21)
    assert [c.score for c in assessments["moaa-s"].items[0].choices] == [5, 4, 3, 2, 1, 0]


def test_scoring_needs_every_scored_item_and_names_the_band(tmp_path):
    mood = load_assessment(write(tmp_path, GOOD))
    assert mood.total({"a": 1}) is None  # half a questionnaire has no total
    assert mood.total({"a": 1, "b": 2}) == 3
    assert mood.band(3) == "High" and mood.band(1) == "Low"
    assert mood.notice("b", 0, "None") == ""
    assert (
        mood.notice("b", 1, "A little")
        == "Mood, item 2 (Second): answered “A little”. The practice's safety plan applies."
    )


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        (("rater: self", "rater: self\ncolour: blue"), ":4:1: colour:", "unknown key"),
        (("  - id: b\n", "  - id: a\n"), ":11:9: items[1].id:", 'repeated item id "a"'),
        (
            ("{from: 2, to: 4, label: High}", "{from: 3, to: 4, label: High}"),
            ":17:14: scoring.bands[1].from:",
            "total 2 is not covered by any band",
        ),
        (("{from: 2, to: 4, label: High}", "{from: 2, to: 3, label: High}"), ":16:5: scoring.bands:", "totals up to 4"),
        (("  - item: b\n", "  - item: c\n"), ":19:11: notices[0].item:", 'unknown item "c"'),
    ],
)
def test_a_bad_file_names_its_file_line_and_column(tmp_path, change, where, words):
    path = write(tmp_path, GOOD.replace(*change))
    found = problems_of(path)
    assert any(str(path) + where in problem and words in problem for problem in found), found


def test_a_broken_assessment_is_left_out_and_the_library_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_CONFIG_DIR", str(tmp_path))
    write(tmp_path, GOOD.replace("  - id: b\n", "  - id: a\n"))
    library = load_library()
    assert "mood" not in library.assessments
    assert "phq-9" in library.assessments  # the rest of the library is unharmed
    said = [str(problem) for problem in library.assessment_problems()]
    assert said and all(str(tmp_path) in problem for problem in said)
    assert any('repeated item id "a"' in problem for problem in said)


def test_a_script_naming_an_unknown_assessment_is_reported_at_its_line(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_CONFIG_DIR", str(tmp_path))
    (tmp_path / "sessions").mkdir()
    (tmp_path / "sessions" / "mine.yaml").write_text(
        "id: mine\ntitle: Mine\nroute: IM\nphases:\n  - id: one\n    title: One\n    duration: 10m\n"
        "    assessments: [phq-10]\n"
    )
    problems = [str(p) for p in load_library().problems]
    assert any(':8:19: phases[0].assessments[0]: unknown assessment "phq-10"' in p for p in problems), problems


def test_results_read_back_from_the_events_alone(tmp_path):
    mood = load_assessment(write(tmp_path, GOOD))
    run = next_run([], "mood")
    events = [AssessmentStarted(at=10.0, run=run, assessment_id="mood", title="Mood")]
    events.append(answered_event(mood, run, "a", 11.0, score=2, answer="A lot", moment=None))
    events.append(answered_event(mood, run, "b", 12.0, score=0, answer="None", moment=None))
    events.append(answered_event(mood, run, "b", 13.0, score=1, answer="A little", moment=None))  # changed
    (open_result,) = assessment_results(events)
    assert open_result.open and open_result.score is None
    assert [a.answer for a in open_result.answers] == ["A lot", "A little"]
    (totalled,) = assessment_results(events, {"mood": mood})  # killed on the last item: still totalled
    assert (totalled.score, totalled.band) == (3, "High")
    events.append(finished_event(mood, open_result, 14.0))
    (result,) = assessment_results(events)
    assert (result.completed, result.score, result.band, result.finished_at) == (True, 3, "High", 14.0)
    assert [n.text for n in notices([result])] == [result.answers[1].notice]
    assert next_run(events, "mood") == "mood#2"
