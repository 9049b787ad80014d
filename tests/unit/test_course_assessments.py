"""The course and the FHIR Bundle with the journal's own assessments, adverse events and
discharge checks: the bundled PHQ-9 answered item by item, a corrected adverse event, the
discharge gate's record and a respiratory rate."""

from __future__ import annotations

import json
from datetime import UTC
from html.parser import HTMLParser
from pathlib import Path

import pytest
from course_fixtures import T0, session_events

from companion import paths
from companion.core.course import model, text
from companion.core.course.html import render_course_html
from companion.core.events import (
    AdverseEventRecorded,
    AssessmentAnswered,
    AssessmentFinished,
    AssessmentStarted,
    DischargeChecked,
    VitalsRecorded,
)
from companion.core.journal.store import JournalStore, encode_event, read_journal
from companion.core.report.fhir import build_bundle
from companion.core.report.markdown import render_markdown
from companion.core.report.model import Times, build_report
from companion.core.scripts.assessments import load_assessment

UTC_TIMES = Times(UTC)
DAY = 86400.0
PHQ9 = load_assessment(paths.bundled_scripts_dir() / "assessments" / "phq-9.yaml")


def phq9(run: str, at: float, scores: list[int]) -> list:
    """A PHQ-9 filled in item by item with these scores (item 9 last)."""
    events = [AssessmentStarted(at, run=run, assessment_id=PHQ9.id, title=PHQ9.title)]
    for number, (item, score) in enumerate(zip(PHQ9.scored_items, scores, strict=True)):
        choice = item.choice_for(score)
        events.append(
            AssessmentAnswered(
                at + 10 + number,
                run=run,
                item_id=item.id,
                question=item.text,
                answer=choice.label,
                score=score,
                notice=PHQ9.notice(item.id, score, choice.label),
            )
        )
    total = sum(scores)
    events.append(AssessmentFinished(at + 60, run=run, completed=True, score=total, band=PHQ9.band(total)))
    return events


def write(root: Path, session_id: str, start: float, events: list) -> None:
    root.mkdir(parents=True, exist_ok=True)
    header = {
        "format": 1,
        "session_id": session_id,
        "script_id": "im-standard",
        "script_hash": "",
        "script_path": "",
        "created": start,
        "speed": 1.0,
        "rehearsal": False,
    }
    with open(root / f"{session_id}.jsonl", "wb") as stream:
        stream.write((json.dumps(header) + "\n").encode())
        stream.writelines(encode_event(e) for e in sorted(events, key=lambda e: e.at))


@pytest.fixture
def store(tmp_path) -> JournalStore:
    root = tmp_path / "journals"
    first = session_events(T0, "K-007", 50, "A1", [(5, (130, 80))])
    first += phq9("phq-9#1", T0 + 120, [2, 2, 2, 2, 2, 1, 1, 1, 1])  # 14 before the dose (at +20 min)
    first += phq9("phq-9#2", T0 + 100 * 60, [1, 1, 1, 1, 1, 1, 1, 1, 0])  # 8 after it
    first.append(
        AdverseEventRecorded(T0 + 50 * 60, entry_id="ae-1", what="nausea", occurred_at=T0 + 45 * 60, severity="mild")
    )
    first.append(
        AdverseEventRecorded(
            T0 + 55 * 60,
            entry_id="ae-1",
            what="nausea, vomited once",
            occurred_at=T0 + 45 * 60,
            severity="moderate",
            correction=True,
        )
    )
    first.append(DischargeChecked(T0 + 119 * 60, missing=("MOAA/S",), ended=True))
    first.append(VitalsRecorded(T0 + 110 * 60, systolic=125, diastolic=78, heart_rate=70, spo2=98, respiratory_rate=14))
    write(root, "20270105-0800-im-standard", T0, first)
    second = session_events(T0 + 7 * DAY, "K-007", 50, "A2", [])
    second += phq9("phq-9#1", T0 + 7 * DAY + 120, [1, 1, 1, 1, 1, 1, 0, 0, 0])  # 6
    second.append(DischargeChecked(T0 + 7 * DAY + 119 * 60, missing=(), ended=True))
    write(root, "20270112-0800-im-standard", T0 + 7 * DAY, second)
    return JournalStore(root)


def test_the_course_shows_scores_bands_the_notice_the_corrected_event_and_discharge(store):
    course = model.read_course("K-007", [store], {PHQ9.id: PHQ9})
    first, second = course.sessions
    assert [(a.score, a.band) for a in first.before_dose()] == [(14, PHQ9.band(14))]
    assert [(a.score, a.band) for a in first.after_dose()] == [(8, PHQ9.band(8))]
    assert "item 9" in first.assessments[0].notice and first.assessments[1].notice == ""
    assert len(first.assessments[0].items) == 9
    (event,) = first.adverse_events
    assert (event.what, event.severity) == ("nausea, vomited once", "moderate")
    assert first.discharge == "ended with missing: MOAA/S"
    assert second.discharge == "discharge requirements met"
    shown = text.render_terminal(course, UTC_TIMES)
    assert f"PHQ-9 14 ({PHQ9.band(14)}) before; PHQ-9 8 ({PHQ9.band(8)}) after" in shown
    assert "Adverse event (moderate): nausea, vomited once" in shown
    assert max(len(line) for line in shown.splitlines()) <= 80


class _Points(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.points: set[tuple[str, str, str]] = set()
        self.bands: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "circle" and values.get("data-series") in ("before", "after"):
            self.points.add((values["data-series"], values["data-session"], values["data-value"]))
        if tag == "rect" and values.get("class") == "band":
            self.bands.append(values["data-band"])


def test_the_score_chart_holds_each_score_and_the_instruments_bands(store):
    page = render_course_html(model.read_course("K-007", [store], {PHQ9.id: PHQ9}), UTC_TIMES)
    parser = _Points()
    parser.feed(page)
    assert parser.points == {("before", "1", "14"), ("after", "1", "8"), ("before", "2", "6")}
    assert parser.bands == [band.label for band in PHQ9.bands]


def test_the_fhir_bundle_holds_the_questionnaire_responses_and_the_respiratory_rate(store):
    bundle_model = pytest.importorskip("fhir.resources.R4B.bundle")
    contents = read_journal(store.path_for("20270105-0800-im-standard"))
    report = build_report(contents, None, generated_at=T0 + 3 * 3600, tz=UTC)
    bundle = build_bundle(report, contents.events, render_markdown(report))
    bundle_model.Bundle.model_validate(bundle)
    resources = [e["resource"] for e in bundle["entry"]]
    responses = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    assert len(responses) == 2
    assert responses[0]["item"][-1]["answer"] == [{"valueDecimal": 14}]
    assert responses[0]["item"][0]["answer"] == [{"valueInteger": 2}]
    rates = [r for r in resources if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "9279-1"]
    assert [r["valueQuantity"]["value"] for r in rates] == [14]


def test_the_assessment_files_are_read_only_when_a_session_left_an_assessment_unscored(tmp_path):
    reads: list[int] = []

    def instruments() -> dict:
        reads.append(1)
        return {PHQ9.id: PHQ9}

    root = tmp_path / "journals"
    finished = session_events(T0, "K-8", 50, "A1", []) + phq9("phq-9#1", T0 + 120, [1] * 9)
    write(root, "20270105-0800-im-standard", T0, finished)
    course = model.read_course("K-8", [JournalStore(root)], instruments)
    assert reads == [] and [(a.score, a.band) for a in course.sessions[0].assessments] == [(9, PHQ9.band(9))]
    assert course.sessions[0].assessments[0].bands == ()  # no chart asked for them

    unfinished = session_events(T0 + DAY, "K-8", 50, "A2", []) + phq9("phq-9#1", T0 + DAY + 120, [2] * 9)[:-1]
    write(root, "20270106-0800-im-standard", T0 + DAY, unfinished)
    course = model.read_course("K-8", [JournalStore(root)], instruments)
    assert len(reads) == 1  # for the unfinished one alone
    last = course.sessions[1].assessments[0]
    assert (last.score, last.band) == (18, PHQ9.band(18)) and last.bands
    assert text.render_terminal(course, UTC_TIMES) == text.render_terminal(
        model.read_course("K-8", [JournalStore(root)], {PHQ9.id: PHQ9}), UTC_TIMES
    )


@pytest.mark.parametrize(("fmt", "has_bands"), [("json", True), ("text", False)])
def test_the_course_command_reads_the_assessment_files_for_the_formats_that_give_bands(
    store, fmt, has_bands, monkeypatch, capsys
):
    import argparse

    from companion.commands import course as course_command

    reads: list[int] = []
    monkeypatch.setattr(course_command, "_instruments", lambda: reads.append(1) or {PHQ9.id: PHQ9})
    args = argparse.Namespace(code="K-007", format=fmt, output=None)
    assert course_command.run(args, [store]) == 0
    shown = capsys.readouterr().out
    assert bool(reads) is has_bands
    if has_bands:
        (first, *_), *_ = (s["assessments"] for s in json.loads(shown)["sessions"])
        assert [band["label"] for band in first["bands"]] == [band.label for band in PHQ9.bands]
    else:
        assert f"PHQ-9 14 ({PHQ9.band(14)}) before" in shown
