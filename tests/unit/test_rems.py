"""The REMS Patient Monitoring Form and the clinical sections of the reports, from fixture journals."""

from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import replace
from datetime import UTC
from pathlib import Path

import pytest
from test_report import _validate

from companion import __version__
from companion.core.events import AdverseEventRecorded, DoseGiven, SessionEnded, SessionStarted, VitalsRecorded
from companion.core.journal.store import JournalContents, JournalHeader, read_journal
from companion.core.report.files import render_report
from companion.core.report.markdown import render_markdown
from companion.core.report.model import build_report
from companion.core.report.rems import rems_form
from companion.core.scripts.library import load_library

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "journals"
EXPECTED = FIXTURES / "expected"
UPDATE = os.environ.get("UPDATE_REPORT_FIXTURES") == "1"
SCRIPT = load_library().sessions["esketamine-in"]


def _fixture_module():
    spec = importlib.util.spec_from_file_location("rems_fixture_journals", FIXTURES / "make_rems_journals.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FX = _fixture_module()
GENERATED_AT = FX.T0 + 3 * 3600


def render(name: str, fmt: str) -> str:
    contents = read_journal(FIXTURES / f"{name}.jsonl")
    text = render_report(contents, SCRIPT, fmt, tz=UTC, generated_at=GENERATED_AT)
    return text.replace(__version__, "<VERSION>")


def report_of(name: str):
    return build_report(read_journal(FIXTURES / f"{name}.jsonl"), SCRIPT, generated_at=GENERATED_AT, tz=UTC)


@pytest.mark.parametrize(("name", "fmt"), [("rems-complete", "rems"), ("rems-empty", "rems"), ("rems-complete", "md")])
def test_the_form_matches_its_expected_file(name, fmt):
    text = render(name, fmt)
    expected = EXPECTED / f"{name}.{fmt}"
    if UPDATE:
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")


def test_a_complete_journal_fills_every_field_of_the_form():
    form = rems_form(report_of("rems-complete"))
    assert form.missing == ()
    values = {field.key: field.value for field in form.fields}
    assert values["dose"] == "84 mg" and values["lot"] == "LOT-5521"
    assert values["total_minutes"] == "125 minutes"  # from the first device (08:15) to the end (10:20)
    assert values["medicine.psychostimulants"] == "Yes" and values["medicine.opioids"] == "No"
    assert (values["sedation"], values["respiratory_depression"]) == ("Yes", "No")
    assert values["ready_at"] == "09:50" and values["first_treatment"] == "No"
    bp = {point.point: point.reading for point in form.blood_pressure}
    assert (bp["before_dose"].systolic, bp["after_40_minutes"].systolic, bp["before_end"].systolic) == (132, 146, 128)
    details = {field.key: field.detail for field in form.fields}
    assert details["bp.after_40_minutes"] == "taken 08:57, 2 min after the 40-minute mark"
    assert details["bp.before_dose"] == "taken 08:05, 10 min before the dose"


def test_an_empty_journal_marks_every_field_not_recorded():
    form = rems_form(report_of("rems-empty"))
    assert all(not field.recorded for field in form.fields)
    text = render("rems-empty", "rems")
    assert text.count("*not recorded*") == len(form.fields)


def test_a_single_reading_after_the_dose_stands_for_the_mark_it_is_nearer():
    t0 = FX.T0
    events = [
        SessionStarted(t0, script_id=SCRIPT.id),
        DoseGiven(t0 + 600, amount=56, route="IN", given_at=t0 + 600),
        VitalsRecorded(t0 + 600 + 38 * 60, systolic=150, diastolic=92),
        SessionEnded(t0 + 600 + 130 * 60),
    ]
    header = JournalHeader(format=1, session_id="x", script_id=SCRIPT.id, script_hash="", script_path="", created=t0)
    contents = JournalContents(header=header, events=tuple(events), torn=False, problems=())
    form = rems_form(build_report(contents, SCRIPT, generated_at=t0, tz=UTC))
    bp = {point.point: point.reading for point in form.blood_pressure}
    assert bp["after_40_minutes"].systolic == 150 and bp["before_end"] is None and bp["before_dose"] is None
    values = {field.key: field.value for field in form.fields}
    assert values["dose"] == "56 mg" and values["total_minutes"] == "130 minutes"


@pytest.mark.parametrize("name", ["rems-complete", "rems-empty"])
def test_the_json_report_carries_the_form_and_matches_its_schema(name):
    document = json.loads(render(name, "json"))
    _validate(document)
    fields = document["rems"]["fields"]
    if name == "rems-complete":
        assert document["rems"]["not_recorded"] == [] and all(f["value"] is not None for f in fields)
        phq = [a for a in document["assessments"] if a["assessment_id"] == "moaa-s"]
        assert [(a["score"], a["band"]) for a in phq] == [(4, "Sedated"), (5, "Awake")]
        assert document["discharge"]["checks"] == [{"at": "2027-01-15T10:20:00+00:00", "missing": [], "ended": True}]
        assert {m["medicine_id"]: m["taking"] for m in document["medicines"]}["psychostimulants"] == "yes"
    else:
        assert all(f["value"] is None for f in fields)


def test_the_html_report_carries_the_clinical_sections_escaped():
    page = render("rems-complete", "html")
    for heading in ("Notices", "Assessments", "Concomitant medicines", "Adverse events", "Discharge check"):
        assert f"<h2>{heading}</h2>" in page
    assert "<h3>PHQ-9, 08:06 (finished 08:07): score 12, Moderate</h3>" in page
    assert "answered “Several days”. The practice&#x27;s safety plan applies." in page


def test_an_adverse_event_and_its_correction_both_stand_in_the_report_and_the_form():
    contents = read_journal(FIXTURES / "rems-complete.jsonl")
    extra = (
        AdverseEventRecorded(FX.at(50), entry_id="ae-1", what="Nausea", occurred_at=FX.at(48), severity="mild"),
        AdverseEventRecorded(
            FX.at(60),
            entry_id="ae-1",
            what="Vomiting",
            occurred_at=FX.at(48),
            severity="moderate",
            serious=True,
            action="Bowl, water",
            outcome="Resolved",
            correction=True,
        ),
    )
    events = tuple(sorted((*contents.events, *extra), key=lambda e: e.at))
    report = build_report(replace(contents, events=events), SCRIPT, generated_at=GENERATED_AT, tz=UTC)
    text = render_markdown(report)
    assert "| ae-1 | Nausea | 08:48 | mild | no | — | — | 08:50 |" in text
    assert "| ae-1 | Vomiting | 08:48 | moderate | yes | Bowl, water | Resolved | 09:00 (correction) |" in text
    values = {field.key: field.value for field in rems_form(report).fields}
    assert values["serious_adverse_events"] == "Yes: Vomiting (08:48)"  # the correction stands
