"""The session as a FHIR R4 Bundle (validated by the fhir.resources R4B models) and as a PDF
(opened and its first page read back)."""

from __future__ import annotations

import argparse
import base64
import importlib.util
import io
import json
import stat
from datetime import UTC
from pathlib import Path

import pytest

from companion.commands import report as report_command
from companion.core.assessment_state import ItemAnswer
from companion.core.course import assessments_seam as seam
from companion.core.journal.store import read_journal
from companion.core.report import pdf
from companion.core.report.fhir import build_bundle
from companion.core.report.markdown import render_markdown
from companion.core.report.model import build_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "journals"
spec = importlib.util.spec_from_file_location("report_fixture_journals_x", FIXTURES / "make_journals.py")
FX = importlib.util.module_from_spec(spec)
spec.loader.exec_module(FX)


def _bundle(name: str = "complete") -> tuple[dict, object]:
    contents = read_journal(FIXTURES / f"{name}.jsonl")
    report = build_report(contents, FX.SCRIPT, exercises=FX.EXERCISES, generated_at=FX.T0 + 3 * 3600, tz=UTC)
    return build_bundle(report, contents.events, render_markdown(report)), report


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_bundle_validates_against_the_r4b_models():
    bundle_model = pytest.importorskip("fhir.resources.R4B.bundle")
    bundle, _ = _bundle()
    parsed = bundle_model.Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    kinds = {entry.resource.get_resource_type() for entry in parsed.entry}
    assert kinds == {"Patient", "Observation", "MedicationAdministration", "DocumentReference"}


def test_blood_pressure_is_one_panel_with_its_two_components():
    bundle, report = _bundle()
    panels = [o for o in _resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "85354-9"]
    readings = [v for v in report.vitals if v.systolic is not None]
    assert len(panels) == len(readings) > 0
    first = panels[0]
    components = {c["code"]["coding"][0]["code"]: c["valueQuantity"] for c in first["component"]}
    assert components["8480-6"]["value"] == readings[0].systolic
    assert components["8462-4"]["value"] == readings[0].diastolic
    assert components["8480-6"]["code"] == "mm[Hg]"
    codes = {o["code"]["coding"][0]["code"] for o in _resources(bundle, "Observation")}
    assert {"8867-4", "59408-5"} <= codes


def test_each_dose_is_a_medication_administration_with_route_amount_time_and_lot():
    bundle, report = _bundle()
    given = _resources(bundle, "MedicationAdministration")
    assert len(given) == len(report.doses) > 0
    dose = report.doses[-1]
    last = given[-1]
    assert last["dosage"]["dose"]["value"] == dose.amount
    assert last["dosage"]["route"]["text"] == dose.route
    assert last["contained"][0]["batch"]["lotNumber"] == dose.lot
    assert last["effectiveDateTime"] == report.times.iso(dose.given_at)


def test_the_report_is_a_document_reference_and_the_client_has_no_name():
    bundle, report = _bundle()
    (document,) = _resources(bundle, "DocumentReference")
    text = base64.b64decode(document["content"][0]["attachment"]["data"]).decode()
    assert text.startswith("# Session report: K-0142")
    (patient,) = _resources(bundle, "Patient")
    assert patient["identifier"][0]["value"] == "K-0142" and "name" not in patient
    assert _bundle()[0] == bundle  # the same journal gives the same Bundle


def test_each_assessment_is_a_questionnaire_response(monkeypatch):
    bundle_model = pytest.importorskip("fhir.resources.R4B.bundle")
    result = seam.ScoredAssessment(
        "phq-9",
        "PHQ-9",
        FX.T0 + 600,
        (ItemAnswer("q1", "Little interest or pleasure", "Several days", 1, None, "", FX.T0 + 590),),
        1,
        "minimal",
        "",
        url="http://loinc.org/q/44249-1",
    )
    monkeypatch.setattr(seam, "session_assessments", lambda events, instruments=None: (result,))
    bundle, _ = _bundle()
    bundle_model.Bundle.model_validate(bundle)
    (response,) = _resources(bundle, "QuestionnaireResponse")
    assert response["item"][0] == {
        "linkId": "q1",
        "text": "Little interest or pleasure",
        "answer": [{"valueInteger": 1}],
    }
    assert response["item"][-1]["answer"] == [{"valueDecimal": 1}]


def _args(session: Path, fmt: str, output: Path | None) -> argparse.Namespace:
    return argparse.Namespace(session=str(session), format=fmt, output=output, scripts=[FIXTURES / "scripts"])


def test_report_command_writes_fhir_owner_only(tmp_path, capsys):
    target = tmp_path / "bundle.json"
    assert report_command.run(_args(FIXTURES / "complete.jsonl", "fhir", target)) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["resourceType"] == "Bundle"


def test_report_pdf_opens_with_client_date_pages_and_signature(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    target = tmp_path / "report.pdf"
    assert report_command.run(_args(FIXTURES / "complete.jsonl", "pdf", target)) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    reader = pypdf.PdfReader(io.BytesIO(target.read_bytes()))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    day = build_report(read_journal(FIXTURES / "complete.jsonl"), FX.SCRIPT, generated_at=0).times.date(FX.T0)
    for number, text in enumerate(pages, start=1):
        assert "Client K-0142" in text and f"Session {day}" in text
        assert f"Page {number} of {len(pages)}" in text
    assert "Session report: K-0142" in pages[0]
    assert "Clinician signature" in pages[-1]


def test_without_weasyprint_one_plain_line_says_how_to_add_it(tmp_path, monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "weasyprint":
            raise ImportError("No module named 'weasyprint'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    target = tmp_path / "report.pdf"
    assert report_command.run(_args(FIXTURES / "complete.jsonl", "pdf", target)) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"companion report: {pdf.INSTALL_HINT}" and "\n" not in err
    assert not target.exists()


def test_the_validation_refuses_a_spoiled_bundle():
    bundle_model = pytest.importorskip("fhir.resources.R4B.bundle")
    bundle, _ = _bundle()
    observation = _resources(bundle, "Observation")[0]
    del observation["status"]  # required in R4
    with pytest.raises(ValueError):
        bundle_model.Bundle.model_validate(bundle)


def test_an_encrypted_sessions_pdf_goes_only_where_asked_and_says_it_is_not_encrypted(tmp_path, monkeypatch, capsys):
    pytest.importorskip("weasyprint")
    from script_kit import console_script as make_script

    from companion.core.clock import FakeClock
    from companion.core.journal import crypto
    from companion.core.journal.store import JournalStore
    from companion.core.session import LiveSession

    monkeypatch.delenv(crypto.ENVIRONMENT, raising=False)
    crypto.forget()
    try:
        crypto.remember("a long and private passphrase")
        session = LiveSession.start(
            make_script(), JournalStore(tmp_path / "j", encrypt=True), FakeClock(FX.T0), client_code="K-9"
        )
        session.end()
        session.close()
        journal = session.writer.path
        assert report_command.run(_args(journal, "pdf", None)) == 1
        assert "give -o FILE" in capsys.readouterr().err
        target = tmp_path / "plain.pdf"
        assert report_command.run(_args(journal, "pdf", target)) == 0
        assert "(not encrypted)" in capsys.readouterr().err
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        sealed = tmp_path / "bundle.json"
        assert report_command.run(_args(journal, "fhir", sealed)) == 0
        assert Path(f"{sealed}.enc").is_file() and not sealed.exists()
    finally:
        crypto.forget()
