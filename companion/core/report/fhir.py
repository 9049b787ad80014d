"""A session as a FHIR R4 collection Bundle, for record systems that take FHIR.

What goes in, all from the journal: the client as a Patient known only by the client code
(no name), each blood-pressure reading as an Observation (LOINC 85354-9 with systolic 8480-6
and diastolic 8462-4 components), heart rate (8867-4), SpO2 (59408-5) and respiratory rate
(9279-1); each dose as a MedicationAdministration (route, amount, time, lot on a contained
Medication); each assessment as a QuestionnaireResponse; and the Markdown report itself as a
DocumentReference. Ids are derived from the session id, so the same journal gives the same
Bundle. Plain dictionaries: the tests validate them with a FHIR model library.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from typing import Any

from companion.core.course import assessments_seam as seam
from companion.core.events import Event, VitalsRecorded
from companion.core.report.model import SessionReport

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CLIENT_CODE_SYSTEM = "urn:session-companion:client-code"
_NAMESPACE = uuid.UUID("3b1f0d6e-6c1a-4f4e-9a52-5c0a8e1f7d21")

# (field, LOINC code, display, UCUM unit)
_SINGLE_VITALS = (
    ("heart_rate", "8867-4", "Heart rate", "/min"),
    ("spo2", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
)
_UCUM_UNITS = {"mg": "mg", "mcg": "ug", "ug": "ug", "g": "g", "ml": "mL", "mg/kg": "mg/kg"}


def _uid(session_id: str, *parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '/'.join([session_id, *map(str, parts)]))}"


def _coding(code: str, display: str, system: str = LOINC) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def build_bundle(report: SessionReport, events: Sequence[Event], markdown: str) -> dict[str, Any]:
    """The collection Bundle of one session."""
    sid = report.session_id or "session"
    times = report.times
    patient_url = _uid(sid, "patient")
    subject = {"reference": patient_url, "display": f"Client {report.client_code}" if report.client_code else None}
    subject = {k: v for k, v in subject.items() if v}
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": patient_url,
            "resource": {
                "resourceType": "Patient",
                "identifier": [{"system": CLIENT_CODE_SYSTEM, "value": report.client_code or "unknown"}],
            },
        }
    ]
    readings = [e for e in sorted(events, key=lambda e: e.at) if isinstance(e, VitalsRecorded)]
    for number, reading in enumerate(readings):
        entries += _vitals(sid, number, reading, subject, times.iso(reading.at))
    for number, dose in enumerate(report.doses):
        entries.append(_dose(sid, number, dose, subject, times.iso(dose.given_at)))
    for number, result in enumerate(seam.session_assessments(events)):
        entries.append(_questionnaire(sid, number, result, subject, times.iso(result.at)))
    entries.append(_document(sid, report, subject, markdown))
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(_NAMESPACE, sid)),
        "type": "collection",
        "timestamp": times.iso(report.generated_at),
        "entry": entries,
    }


def _observation(
    sid: str, key: str, code: dict[str, Any], subject: dict[str, Any], when: str, **value: Any
) -> dict[str, Any]:
    return {
        "fullUrl": _uid(sid, key),
        "resource": {
            "resourceType": "Observation",
            "status": "final",
            "category": [{"coding": [{"system": CATEGORY, "code": "vital-signs", "display": "Vital Signs"}]}],
            "code": code,
            "subject": subject,
            "effectiveDateTime": when,
            **value,
        },
    }


def _vitals(sid: str, number: int, reading: VitalsRecorded, subject: dict[str, Any], when: str) -> list[dict[str, Any]]:
    out = []
    if reading.systolic is not None or reading.diastolic is not None:
        components = []
        for value, loinc, display in (
            (reading.systolic, "8480-6", "Systolic blood pressure"),
            (reading.diastolic, "8462-4", "Diastolic blood pressure"),
        ):
            if value is not None:
                components.append({"code": _coding(loinc, display), "valueQuantity": _quantity(value, "mm[Hg]")})
        panel = _coding("85354-9", "Blood pressure panel with all children optional")
        out.append(_observation(sid, f"bp/{number}", panel, subject, when, component=components))
    for field, loinc, display, unit in _SINGLE_VITALS:
        value = getattr(reading, field)
        if value is not None:
            out.append(
                _observation(
                    sid,
                    f"{field}/{number}",
                    _coding(loinc, display),
                    subject,
                    when,
                    valueQuantity=_quantity(value, unit),
                )
            )
    breaths = seam.respiratory_rate(reading)
    if breaths is not None:
        rate = _coding("9279-1", "Respiratory rate")
        out.append(_observation(sid, f"rr/{number}", rate, subject, when, valueQuantity=_quantity(breaths, "/min")))
    return out


def _dose(sid: str, number: int, dose: Any, subject: dict[str, Any], when: str) -> dict[str, Any]:
    medication: dict[str, Any] = {"resourceType": "Medication", "id": "med", "code": {"text": "ketamine"}}
    if dose.lot:
        medication["batch"] = {"lotNumber": dose.lot}
    unit = _UCUM_UNITS.get(dose.unit.lower())
    amount: dict[str, Any] = {"value": dose.amount, "unit": dose.unit}
    if unit:
        amount |= {"system": UCUM, "code": unit}
    dosage: dict[str, Any] = {"dose": amount}
    if dose.route:
        dosage["route"] = {"text": dose.route}
    return {
        "fullUrl": _uid(sid, "dose", number),
        "resource": {
            "resourceType": "MedicationAdministration",
            "contained": [medication],
            "status": "completed",
            "medicationReference": {"reference": "#med"},
            "subject": subject,
            "effectiveDateTime": when,
            "dosage": dosage,
        },
    }


def _questionnaire(
    sid: str, number: int, result: seam.ScoredAssessment, subject: dict[str, Any], when: str
) -> dict[str, Any]:
    items = []
    for item in result.items:
        answer = {"valueInteger": int(item.score)} if item.score is not None else {"valueString": item.answer}
        entry: dict[str, Any] = {"linkId": item.item_id, "answer": [answer]}
        if item.question:
            entry["text"] = item.question
        items.append(entry)
    if result.score is not None:
        total = {"linkId": "total", "text": f"Total score{f' ({result.band})' if result.band else ''}"}
        items.append(total | {"answer": [{"valueDecimal": result.score}]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "subject": subject,
        "authored": when,
        "item": items,
    }
    if result.url:
        resource["questionnaire"] = result.url
    return {"fullUrl": _uid(sid, "assessment", number), "resource": resource}


def _document(sid: str, report: SessionReport, subject: dict[str, Any], markdown: str) -> dict[str, Any]:
    when = report.times.iso(report.generated_at)
    day = report.times.date(report.day) if report.day is not None else ""
    return {
        "fullUrl": _uid(sid, "report"),
        "resource": {
            "resourceType": "DocumentReference",
            "status": "current",
            "type": _coding("11506-3", "Progress note"),
            "subject": subject,
            "date": when,
            "description": f"Session report {sid}",
            "content": [
                {
                    "attachment": {
                        "contentType": "text/markdown; charset=utf-8",
                        "data": base64.b64encode(markdown.encode("utf-8")).decode("ascii"),
                        "title": f"Session report {report.client_code} {day}".replace("  ", " ").strip(),
                        "creation": when,
                    }
                }
            ],
        },
    }


def render_fhir(report: SessionReport, events: Sequence[Event], markdown: str) -> str:
    return json.dumps(build_bundle(report, events, markdown), indent=2, ensure_ascii=False) + "\n"
