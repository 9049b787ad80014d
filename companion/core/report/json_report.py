"""The report as JSON, versioned: `schema_version` names the JSON Schema in schema.json.

Times are ISO 8601 with the UTC offset of the zone they were shown in; durations are seconds.
Any change to the fields raises the version (the schema allows no unknown fields), so a
reader that checks `schema_version` first never misreads a report.

Versions: 1, the first. 2 adds `vitals[].respiratory_rate`, `notices`, `assessments` (each
item's words, answer and score; the total, band and notices), `medicines`, `adverse_events`
(every version, corrections included), `discharge` and `rems` (the REMS Patient Monitoring
Form's fields, each with `value` null when not recorded). 3 adds `music`, the music log the
Markdown and HTML reports have: every change to what was heard, in order, with its time, the
change as journaled (`change`, `playlist`, `value`, `layer`), the loudness a volume plays at
(`lufs`) and the log's words (`text`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from companion import __version__
from companion.core.report.model import MusicEntry, SessionReport
from companion.core.scripts.playlists import volume_lufs

SCHEMA_VERSION = 3
SCHEMA_PATH = Path(__file__).with_name("schema.json")


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def report_document(report: SessionReport) -> dict[str, Any]:
    iso = report.times.iso

    def when(at: float | None) -> str | None:
        return None if at is None else iso(at)

    safety = report.safety
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"Session Companion {__version__}",
        "generated_at": iso(report.generated_at),
        "session": {
            "session_id": report.session_id,
            "client_code": report.client_code,
            "script_id": report.script_id,
            "script_title": report.script_title,
            "script_found": report.script_found,
            "route": report.route,
            "rehearsal": report.rehearsal,
            "speed": report.speed,
            "started_at": when(report.started_at),
            "ended_at": when(report.ended_at),
            "last_event_at": when(report.last_event_at),
            "finished": report.finished,
            "journal_torn": report.journal_torn,
        },
        "gaps": list(report.gaps),
        "doses": [
            {
                "amount": d.amount,
                "unit": d.unit,
                "route": d.route,
                "lot": d.lot,
                "given_at": iso(d.given_at),
                "recorded_at": iso(d.recorded_at),
            }
            for d in report.doses
        ],
        "vitals": [
            {
                "at": iso(v.at),
                "systolic": v.systolic,
                "diastolic": v.diastolic,
                "heart_rate": v.heart_rate,
                "spo2": v.spo2,
                "note": v.note,
                "flags": list(v.flags),
                "respiratory_rate": v.respiratory_rate,
            }
            for v in report.vitals
        ],
        "thresholds": None
        if safety is None
        else {
            "systolic_max": safety.systolic_max,
            "diastolic_max": safety.diastolic_max,
            "heart_rate_max": safety.heart_rate_max,
            "heart_rate_min": safety.heart_rate_min,
            "spo2_min": safety.spo2_min,
            "source": safety.source,
        },
        "phases": [
            {
                "phase_id": p.phase_id,
                "title": p.title,
                "started_at": iso(p.started_at),
                "ended_at": when(p.ended_at),
                "planned_seconds": p.planned,
                "actual_seconds": round(p.active, 3),
            }
            for p in report.phases
        ],
        "pauses": [{"started_at": iso(p.started_at), "ended_at": when(p.ended_at)} for p in report.pauses],
        "reminders": [
            {
                "reminder_id": r.reminder_id,
                "phase_id": r.phase_id,
                "text": r.text,
                "due_at": when(r.due_at),
                "acknowledged_at": when(r.acknowledged_at),
                "outcome": r.outcome,
            }
            for r in report.reminders
        ],
        "exercises": [
            {
                "exercise_id": e.exercise_id,
                "title": e.title,
                "started_at": iso(e.started_at),
                "finished_at": when(e.finished_at),
                "completed": e.completed,
                "step_reached": e.step_reached,
                "skipped": e.skipped,
                "paused": e.paused,
            }
            for e in report.exercises
        ],
        "distress": [{"at": iso(d.at), "note": d.text} for d in report.distress],
        "notes": [{"at": iso(n.at), "text": n.text} for n in report.notes],
        "checklist": [
            {"phase_id": c.phase_id, "item": c.item, "done": c.done, "at": when(c.at)} for c in report.checklist
        ],
        "music": [music_item(m, iso(m.at)) for m in report.music],
        **clinical_document(report),
    }


def music_item(entry: MusicEntry, at: str) -> dict[str, Any]:
    """One change of the music log (version 3): the journal's fields, the loudness a volume plays
    at, and the words the Markdown report gives it."""
    sets_volume = entry.change == "volume" or (entry.change == "playlist" and bool(entry.playlist))
    return {
        "at": at,
        "change": entry.change,
        "playlist": entry.playlist or None,
        "value": entry.value,
        "layer": entry.layer or None,
        "lufs": round(volume_lufs(entry.value), 1) if sets_volume and entry.value > 0 else None,
        "text": entry.text,
    }


def clinical_document(report: SessionReport) -> dict[str, Any]:
    """Version 2's sections: assessments, medicines, adverse events, discharge and the REMS form."""
    from companion.core.report.rems import applies, rems_form

    iso = report.times.iso

    def when(at: float | None) -> str | None:
        return None if at is None else iso(at)

    discharge = report.discharge
    rems = rems_form(report) if applies(report) else None
    return {
        "notices": [{"at": iso(n.at), "text": n.text, "run": n.run} for n in report.notices],
        "assessments": [
            {
                "run": r.run,
                "assessment_id": r.assessment_id,
                "title": r.title,
                "started_at": iso(r.started_at),
                "finished_at": when(r.finished_at),
                "completed": r.completed,
                "score": r.score,
                "band": r.band,
                "reminder_id": r.reminder_id,
                "terms": r.terms,
                "items": [
                    {
                        "item_id": a.item_id,
                        "question": a.question,
                        "answer": a.answer,
                        "score": a.score,
                        "moment": when(a.moment),
                        "notice": a.notice,
                        "at": iso(a.at),
                    }
                    for a in r.answers
                ],
                "notices": list(r.notices),
            }
            for r in report.assessments
        ],
        "medicines": [
            {"medicine_id": m.medicine_id, "name": m.name, "taking": m.taking, "at": when(m.at), "detail": m.detail}
            for m in report.medicines
        ],
        "adverse_events": [
            {
                "entry_id": e.entry_id,
                "versions": [
                    {
                        "what": v.what,
                        "occurred_at": iso(v.occurred_at),
                        "severity": v.severity,
                        "serious": v.serious,
                        "action": v.action,
                        "outcome": v.outcome,
                        "recorded_at": iso(v.at),
                        "correction": v.correction,
                    }
                    for v in e.versions
                ],
            }
            for e in report.adverse_events
        ],
        "discharge": None
        if discharge is None
        else {
            "requirements": list(discharge.requirements),
            "checks": [{"at": iso(c.at), "missing": list(c.missing), "ended": c.ended} for c in discharge.checks],
            "missing_at_end": list(discharge.missing_at_end),
        },
        "rems": None
        if rems is None
        else {
            "fields": [{"key": f.key, "label": f.label, "value": f.value, "detail": f.detail} for f in rems.fields],
            "blood_pressure": [
                {
                    "point": p.point,
                    "mark": when(p.mark),
                    "reading_at": when(p.reading.at) if p.reading else None,
                    "minutes_from_mark": round((p.reading.at - p.mark) / 60, 1) if p.reading and p.mark else None,
                    "systolic": p.reading.systolic if p.reading else None,
                    "diastolic": p.reading.diastolic if p.reading else None,
                }
                for p in rems.blood_pressure
            ],
            "not_recorded": list(rems.missing),
        },
    }


def render_json(report: SessionReport) -> str:
    return json.dumps(report_document(report), indent=2, ensure_ascii=False) + "\n"
