"""The course as JSON, for other programs: every session with its facts, damaged ones marked.

Schema `companion-course/1`: {"schema", "client_code", "match_rule", "sessions": [...]}; each
session holds its id, start and end (ISO 8601), script, doses, highest blood pressure,
assessments (items, score, band, notice), adverse events, discharge, problems, damaged.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from companion.core.course.codes import MATCH_RULE
from companion.core.course.model import Course, CourseSession
from companion.core.report.lines import Times

SCHEMA = "companion-course/1"


def course_record(course: Course, times: Times) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "client_code": course.client_code,
        "match_rule": MATCH_RULE,
        "sessions": [_session(course, index, session, times) for index, session in enumerate(course.sessions)],
    }


def _iso(times: Times, at: float | None) -> str | None:
    return times.iso(at) if at is not None else None


def _session(course: Course, index: int, session: CourseSession, times: Times) -> dict[str, Any]:
    since = course.since_previous(index)
    return {
        "number": index + 1,
        "session_id": session.session_id,
        "started": _iso(times, session.started_at),
        "ended": _iso(times, session.ended_at),
        "days_since_previous": round(since / 86400, 2) if since is not None else None,
        "script_id": session.script_id,
        "doses": [
            {
                "amount": d.amount,
                "unit": d.unit,
                "route": d.route,
                "lot": d.lot,
                "given": _iso(times, d.given_at),
            }
            for d in session.doses
        ],
        "highest_bp": (
            {
                "systolic": session.highest_bp.systolic,
                "diastolic": session.highest_bp.diastolic,
                "at": _iso(times, session.highest_bp.at),
            }
            if session.highest_bp is not None
            else None
        ),
        "assessments": [
            {
                **asdict(a),
                "at": _iso(times, a.at),
                "items": [
                    {"item_id": i.item_id, "text": i.question, "answer": i.answer, "score": i.score} for i in a.items
                ],
                "timing": "before" if a in session.before_dose() else "after",
            }
            for a in session.assessments
        ],
        "adverse_events": [{**asdict(e), "at": _iso(times, e.at)} for e in session.adverse_events],
        "distress_marked": session.distress,
        "discharge": session.discharge or ("ended" if session.ended_at is not None else "not ended"),
        "problems": list(session.problems),
        "damaged": session.damaged or None,
    }


def render_course_json(course: Course, times: Times) -> str:
    return json.dumps(course_record(course, times), indent=2, ensure_ascii=False) + "\n"
