"""A client's course from fixture journals: matched codes, damaged journals, each rendering
compared with its expected file, the HTML's charts holding the right points, the PDF readable.

To change an expected file on purpose: UPDATE_COURSE_FIXTURES=1 pytest tests/unit/test_course.py,
then read the diff.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import stat
from datetime import UTC as TZ_UTC
from html.parser import HTMLParser
from pathlib import Path

import pytest
from course_fixtures import DAY, T0, session_events, write_course

from companion.commands import course as course_command
from companion.core.assessment_state import ItemAnswer
from companion.core.course import assessments_seam as seam
from companion.core.course import model, text
from companion.core.course.codes import code_key, file_stem, same_client
from companion.core.course.html import render_course_html
from companion.core.course.json_course import render_course_json
from companion.core.events import NoteAdded
from companion.core.journal.store import JournalStore, read_journal
from companion.core.report.model import Times

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "course" / "expected"
UTC = Times(TZ_UTC)


@pytest.fixture
def stores(tmp_path) -> list[JournalStore]:
    write_course(tmp_path / "journals")
    return [JournalStore(tmp_path / "journals")]


def test_codes_match_ignoring_case_and_spaces_only():
    assert same_client("K-007", " k-007 ")
    assert same_client("K 007", "k007")
    assert not same_client("K-007", "K-07")
    assert not same_client("", " ")
    assert code_key("Straße 1") == code_key("STRASSE1")
    assert file_stem("K-007") == file_stem(" k-007") and "007" not in file_stem("K-007")


def test_course_holds_every_session_of_the_client_in_order_and_no_rehearsal(stores):
    course = model.read_course("k-007", stores)
    assert [s.session_id for s in course.sessions] == [
        "20270105-0800-im-standard",
        "20270108-0800-im-standard",
        "20270112-0800-im-standard",
        "20270119-0800-im-standard",
    ]
    first, damaged, partly, unfinished = course.sessions
    assert course.client_code == "K-007"  # as typed most recently, without its spaces
    assert first.dose is not None and (first.dose.amount, first.dose.lot) == (50, "A1")
    assert (first.highest_bp.systolic, first.highest_bp.diastolic) == (142, 88)
    assert "first line is not a session journal header" in damaged.damaged
    assert not partly.damaged and partly.problems and partly.distress == 1
    assert (partly.highest_bp.systolic, partly.highest_bp.diastolic) == (151, 94)
    assert unfinished.ended_at is None and unfinished.dose is None
    assert course.since_previous(0) is None
    assert course.since_previous(2) == pytest.approx(4 * DAY)


def test_clients_listed_with_count_and_last_visit(stores):
    clients = model.list_clients(stores)
    assert [(c.client_code, c.sessions, c.damaged) for c in clients] == [("K-007", 4, 1), ("L-2", 1, 0)]
    assert clients[0].last_visit == pytest.approx(T0 + 14 * DAY)
    assert [p.name for p in model.unattributed(stores)] == ["20270110-0800-im-standard.jsonl"]


def test_unknown_client_has_an_empty_course(stores):
    course = model.read_course("nobody", stores)
    assert course.sessions == ()
    assert "No sessions recorded" in text.render_terminal(course, UTC)


RENDERINGS = {
    "txt": text.render_terminal,
    "md": text.render_markdown,
    "html": render_course_html,
    "json": render_course_json,
}


@pytest.mark.parametrize("suffix", sorted(RENDERINGS))
def test_course_matches_expected_file(stores, suffix):
    rendered = RENDERINGS[suffix](model.read_course("K-007", stores), UTC)
    expected = EXPECTED / f"k-007.{suffix}"
    if os.environ.get("UPDATE_COURSE_FIXTURES"):
        expected.write_text(rendered, encoding="utf-8")
    assert rendered == expected.read_text(encoding="utf-8")


def test_terminal_course_fits_80_columns(stores):
    rendered = text.render_terminal(model.read_course("K-007", stores), UTC)
    assert max(len(line) for line in rendered.splitlines()) <= 80
    listing = text.render_clients(model.list_clients(stores), UTC)
    assert max(len(line) for line in listing.splitlines()) <= 80


class _Svg(HTMLParser):
    """Collects the charts' points and bands; fails on a tag closed that was never opened."""

    def __init__(self) -> None:
        super().__init__()
        self.points: list[dict[str, str]] = []
        self.bands: list[str] = []
        self.open: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "circle" and values.get("class") == "point":
            self.points.append(values)
        if tag == "rect" and values.get("class") == "band":
            self.bands.append(values["data-band"])
        if tag in ("script", "link", "img") or any(k in ("src", "href") for k in values):
            self.external.append(tag)
        if tag not in ("meta", "circle", "rect", "line", "br", "polyline"):
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in ("circle", "rect", "line", "polyline"):
            return
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()


def _phq9(at: float, score: float, band: str) -> seam.ScoredAssessment:
    return seam.ScoredAssessment(
        "phq-9",
        "PHQ-9",
        at,
        (ItemAnswer("q9", "Thoughts that you would be better off dead", "Not at all", 0, None, "", at),),
        score,
        band,
        "",
        bands=(seam.Band(0, 4, "minimal"), seam.Band(5, 9, "mild"), seam.Band(10, 14, "moderate")),
        max_score=27,
    )


def test_html_charts_hold_the_right_points(stores, monkeypatch):
    def fake(events, instruments=None):
        start = events[0].at
        if start == T0:
            return (_phq9(start + 5 * 60, 14, "moderate"), _phq9(start + 110 * 60, 9, "mild"))
        if start == T0 + 7 * DAY:
            return (_phq9(start + 5 * 60, 11, "moderate"),)
        return ()

    monkeypatch.setattr(seam, "session_assessments", fake)
    page = render_course_html(model.read_course("K-007", stores), UTC)
    parser = _Svg()
    parser.feed(page)
    assert parser.open == [] and parser.external == []
    found = {(p["data-series"], p["data-session"], p["data-value"]) for p in parser.points}
    assert found == {
        ("before", "1", "14"),
        ("after", "1", "9"),
        ("before", "3", "11"),
        ("systolic", "1", "142"),
        ("diastolic", "1", "88"),
        ("systolic", "3", "151"),
        ("diastolic", "3", "94"),
    }
    assert parser.bands == ["minimal", "mild", "moderate"]
    assert "PHQ-9 14 (moderate) before; PHQ-9 9 (mild) after" in page


def test_json_course_marks_damage_and_keeps_the_rest(stores):
    record = json.loads(render_course_json(model.read_course("K-007", stores), UTC))
    assert record["schema"] == "companion-course/1"
    assert [s["damaged"] is not None for s in record["sessions"]] == [False, True, False, False]
    assert record["sessions"][2]["doses"][0]["lot"] == "B7"
    assert record["sessions"][2]["problems"]


def _args(**values) -> argparse.Namespace:
    return argparse.Namespace(**{"code": None, "format": "text", "output": None, **values})


def test_course_command_lists_clients_and_shows_one(stores, capsys):
    assert course_command.run(_args(), stores) == 0
    listing = capsys.readouterr().out
    assert "K-007" in listing and "L-2" in listing and "naming no client" in listing
    assert course_command.run(_args(code="k-007"), stores) == 0
    assert "Course of K-007: 4 sessions" in capsys.readouterr().out


def test_course_report_written_owner_only(stores, tmp_path):
    output = tmp_path / "course.html"
    assert course_command.run(_args(code="K-007", format="html", output=output), stores) == 0
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert "<svg" in output.read_text()


def test_course_pdf_opens_with_client_and_pages(stores, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    output = tmp_path / "course.pdf"
    assert course_command.run(_args(code="K-007", format="pdf", output=output), stores) == 0
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    reader = pypdf.PdfReader(io.BytesIO(output.read_bytes()))
    first = " ".join(reader.pages[0].extract_text().split())
    assert "Client K-007" in first
    assert "Sessions 2027-01-05 to 2027-01-19" in first
    assert f"Page 1 of {len(reader.pages)}" in first
    assert "Clinician signature" in reader.pages[-1].extract_text()


@pytest.mark.parametrize("name", ["complete", "unfinished-torn", "no-script"])
def test_the_course_reading_keeps_what_read_journal_keeps_of_the_wanted_kinds(name):
    path = Path(__file__).resolve().parents[1] / "fixtures" / "journals" / f"{name}.jsonl"
    whole = read_journal(path)
    filtered = read_journal(path, kinds=model.WANTED)
    assert filtered.header == whole.header and filtered.torn == whole.torn
    assert filtered.events == tuple(e for e in whole.events if e.KIND in model.WANTED)
    assert filtered.problems == whole.problems


def test_a_line_that_is_not_an_event_at_all_is_still_counted_as_damage(tmp_path):
    source = Path(__file__).resolve().parents[1] / "fixtures" / "journals" / "complete.jsonl"
    lines = source.read_text().splitlines()
    lines.insert(3, "\x00garbage")
    target = tmp_path / "j.jsonl"
    target.write_text("\n".join(lines) + "\n")
    assert read_journal(target, kinds=model.WANTED).problems == (
        "line 4 could not be read and was skipped (not valid JSON)",
    )


def test_a_session_written_by_the_writer_is_read_for_its_course_as_in_full(tmp_path):
    """Format 2 as `companion run` writes it: a skipped kind's line that is damaged, repeated or
    missing is reported by the course's reading exactly as by the full one."""
    store = JournalStore(tmp_path / "journals")
    script = _tiny_script()
    _, writer = store.create(script, client_code="K-9", clock=_At(T0))
    for event in session_events(T0, "K-9", 50, "A1", [(5, (130, 80)), (60, (150, 90))]):
        writer.append(event)
        writer.append(NoteAdded(event.at, text="resting"))
    writer.close()
    path = writer.path
    lines = path.read_bytes().split(b"\n")
    notes = [i for i, line in enumerate(lines) if b'"note_added"' in line]
    lines[notes[0]] = lines[notes[0]].replace(b'"text":"resting"', b'"text":7')  # damaged
    lines.insert(notes[1], lines[notes[1]])  # repeated
    del lines[notes[3] + 1]  # missing
    path.write_bytes(b"\n".join(lines))
    whole = read_journal(path)
    filtered = read_journal(path, kinds=model.WANTED)
    assert whole.problems == (
        "line 3 could not be read and was skipped (note_added: text has the wrong type (int))",
        "line 6 repeats record 4 and was not counted again",
        "record 2 is missing from the journal",
        "record 8 is missing from the journal",
    )
    assert filtered.problems == whole.problems
    assert filtered.events == tuple(e for e in whole.events if e.KIND in model.WANTED)
    session = model.read_course("k-9", [store]).sessions[0]
    assert session.highest_bp is not None and session.highest_bp.systolic == 150
    assert session.problems == whole.problems


class _At:
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def _tiny_script():
    from companion.core.scripts.script import Phase, SessionScript

    return SessionScript(id="im-standard", title="Tiny", route="IM", phases=(Phase("one", "One", 600.0),))


def test_last_session_carries_the_last_dose_given_and_says_where_it_came_from(stores):
    from companion.core.course.carry import last_session

    last = last_session("k-007", stores)
    assert last is not None and last.session_id == "20270119-0800-im-standard"  # not ended, no dose
    assert last.dose is not None and (last.dose.amount, last.dose.lot) == (60, "B7")
    assert last.summary(UTC) == (
        "Last session 2027-01-19 (im-standard), no dose; the last dose, 2027-01-12: 60 mg IM, lot B7."
    )
    assert last.dose_fits("im") and last.dose_fits("") and not last.dose_fits("SL")
    earlier = last_session("K-007", stores, exclude="20270119-0800-im-standard")
    assert earlier is not None and earlier.session_id == "20270112-0800-im-standard"
    assert "Distress marked 1 time." in earlier.summary(UTC)
    assert last_session("nobody", stores) is None


def test_an_encrypted_session_joins_the_course_once_the_passphrase_is_given(stores, monkeypatch):
    from script_kit import console_script as make_script

    from companion.core.clock import FakeClock
    from companion.core.journal import crypto
    from companion.core.session import LiveSession

    monkeypatch.delenv(crypto.ENVIRONMENT, raising=False)
    crypto.forget()
    try:
        crypto.remember("a long and private passphrase")
        session = LiveSession.start(
            make_script(), JournalStore(stores[0].root, encrypt=True), FakeClock(T0 + 21 * DAY), client_code="K-007"
        )
        session.give_dose(70, "mg", "IM", lot="LOT-7731-SEALED")
        session.end()
        session.close()
        course = model.read_course("K-007", stores)
        assert len(course.sessions) == 5
        assert course.sessions[-1].dose.lot == "LOT-7731-SEALED"
        assert b"LOT-7731" not in session.writer.path.read_bytes()
    finally:
        crypto.forget()


def test_the_json_course_gives_each_answer_its_item_question_answer_and_score():
    from companion.core.events import AssessmentAnswered, AssessmentFinished, AssessmentStarted, SessionStarted

    events = [
        SessionStarted(T0, client_code="K-007"),
        AssessmentStarted(T0 + 1, run="phq-9#1", assessment_id="phq-9", title="PHQ-9"),
        AssessmentAnswered(
            T0 + 2, run="phq-9#1", item_id="q1", question="Little interest", answer="Several days", score=1
        ),
        AssessmentFinished(T0 + 3, run="phq-9#1", score=1, band="minimal"),
    ]
    session = model.session_from_events("s1", Path("s1.jsonl"), "im-standard", events)
    (found,) = json.loads(render_course_json(model.Course("K-007", (session,)), UTC))["sessions"][0]["assessments"]
    assert found["items"] == [{"item_id": "q1", "text": "Little interest", "answer": "Several days", "score": 1}]
    assert (found["instrument_id"], found["score"], found["band"], found["timing"]) == ("phq-9", 1, "minimal", "before")
    assert found["at"] == "2027-01-05T08:00:03+00:00"


def test_a_sealed_journal_is_read_once_for_its_course_and_gives_what_the_plain_one_gives(tmp_path, monkeypatch):
    import dataclasses

    from script_kit import console_script as make_script

    from companion.core.clock import FakeClock
    from companion.core.events import AssessmentAnswered, AssessmentFinished, AssessmentStarted, DischargeChecked
    from companion.core.journal import crypto, reading

    events = session_events(T0, "K-12", 50, "L-1", [(5, (150, 95)), (40, (128, 80))])
    events[1:1] = [
        NoteAdded(T0 + 60, text="settling in"),
        AssessmentStarted(T0 + 61, run="phq-9#1", assessment_id="phq-9", title="PHQ-9"),
        AssessmentAnswered(T0 + 62, run="phq-9#1", item_id="q1", question="Little interest", answer="Not at all"),
        AssessmentFinished(T0 + 63, run="phq-9#1", score=4, band="minimal"),
    ]
    events.insert(-1, DischargeChecked(T0 + 119 * 60, missing=(), ended=True))
    monkeypatch.delenv(crypto.ENVIRONMENT, raising=False)
    crypto.forget()
    reads: list[Path] = []
    real = reading.read_journal

    def counted(path, kinds=None):
        reads.append(Path(path))
        return real(path, kinds)

    try:
        crypto.remember("a long and private passphrase")
        courses = []
        for encrypt in (False, True):
            store = JournalStore(tmp_path / str(encrypt), encrypt=encrypt)
            _, writer = store.create(make_script(), client_code="K-12", clock=FakeClock(T0))
            for event in events:
                assert writer.append(event)
            assert writer.close()
            monkeypatch.setattr(reading, "read_journal", counted)
            monkeypatch.setattr(model, "read_journal", counted)
            courses.append(model.read_course("K-12", [store]))
            monkeypatch.undo()
        plain, sealed = (course.sessions for course in courses)
        assert len(reads) == 2 and reads[0] != reads[1]  # once each
        assert b"L-1" not in sealed[0].path.read_bytes()
        assert [dataclasses.replace(s, path=Path()) for s in sealed] == [
            dataclasses.replace(s, path=Path()) for s in plain
        ]
        (session,) = sealed
        assert session.dose.lot == "L-1" and session.highest_bp.systolic == 150 and session.assessments[0].score == 4
        assert session.discharge == "discharge requirements met"
    finally:
        crypto.forget()


def test_the_course_command_leaves_the_cycle_collector_as_it_found_it(stores, monkeypatch, capsys):
    import gc

    seen: list[bool] = []
    real = model.read_course
    monkeypatch.setattr(
        model, "read_course", lambda *args, **kwargs: seen.append(gc.isenabled()) or real(*args, **kwargs)
    )
    try:
        assert gc.isenabled()
        assert course_command.run(_args(code="K-007"), stores) == 0
        assert gc.isenabled() and seen == [False]  # paused while the journals were read
        gc.disable()
        assert course_command.run(_args(code="K-007"), stores) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert "K-007" in capsys.readouterr().out
