"""Words and numbers the course's renderings share, so the terminal, Markdown, HTML and JSON agree."""

from __future__ import annotations

from companion.core.course import assessments_seam as seam
from companion.core.course.model import Course, CourseSession
from companion.core.report.lines import DoseLine, Times

DASH = "—"


def gap(seconds: float | None) -> str:
    """Time since the previous session: hours under two days, then days."""
    if seconds is None:
        return DASH
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} d"


def dose(session: CourseSession) -> str:
    return dose_text(session.dose) if session.dose is not None else "no dose recorded"


def dose_text(given: DoseLine) -> str:
    text = f"{given.amount:g} {given.unit} {given.route}".strip()
    return f"{text}, lot {given.lot}" if given.lot else text


def blood_pressure(session: CourseSession) -> str:
    bp = session.highest_bp
    if bp is None:
        return DASH
    return f"{bp.systolic}/{bp.diastolic}" if bp.diastolic is not None else f"{bp.systolic}/?"


def score(result: seam.ScoredAssessment) -> str:
    if result.score is None:
        return result.title  # not scored (a check), or not finished
    band = f" ({result.band})" if result.band else ""
    return f"{result.title} {result.score:g}{band}"


def assessments(session: CourseSession) -> str:
    """ "PHQ-9 14 (moderate) before; PHQ-9 9 (mild) after", or a dash."""
    parts = []
    before, after = session.before_dose(), session.after_dose()
    if before:
        parts.append(", ".join(score(a) for a in before) + " before")
    if after:
        parts.append(", ".join(score(a) for a in after) + " after")
    return "; ".join(parts) or DASH


def notices(session: CourseSession) -> list[str]:
    """What the therapist should see of a session at a glance: notice rules, adverse events,
    distress markers, damage."""
    lines = [
        a.notice if a.notice.startswith(a.title) else f"{a.title}: {a.notice}" for a in session.assessments if a.notice
    ]
    for event in session.adverse_events:
        serious = "serious " if event.serious else ""
        lines.append(f"Adverse event ({serious}{event.severity or 'severity not recorded'}): {event.what}")
    if session.distress:
        lines.append(f"Distress marked {session.distress} time{'s' if session.distress != 1 else ''}")
    return lines


def discharge(session: CourseSession) -> str:
    if session.discharge:
        return session.discharge
    return "ended" if session.ended_at is not None else "not ended"


def problems(session: CourseSession) -> str:
    if session.damaged:
        return f"damaged: {session.damaged}"
    if session.problems:
        more = len(session.problems) - 1
        return f"partly damaged: {session.problems[0]}" + (f" (and {more} more)" if more else "")
    return ""


def span(course: Course, times: Times) -> str:
    dated = [s.started_at for s in course.sessions if s.started_at is not None]
    count = len(course.sessions)
    head = f"{count} session{'s' if count != 1 else ''}"
    if not dated:
        return head
    first, last = times.date(min(dated)), times.date(max(dated))
    return f"{head}, {first}" if first == last else f"{head}, {first} to {last}"


def date(session: CourseSession, times: Times) -> str:
    return times.date(session.started_at) if session.started_at is not None else "no date"


SESSION_HEADINGS = (
    "#",
    "Date",
    "Since previous",
    "Script",
    "Dose",
    "Highest BP",
    "Assessments",
    "Notices",
    "Discharge",
)


def session_cells(course: Course, index: int, times: Times) -> list[str]:
    """One session's row of the course table, as text (each rendering escapes it its own way)."""
    session = course.sessions[index]
    notices = notices_and_problems(session)
    return [
        str(index + 1),
        date(session, times),
        gap(course.since_previous(index)),
        session.script_id,
        dose(session),
        blood_pressure(session),
        assessments(session),
        "; ".join(notices) or DASH,
        discharge(session),
    ]


def notices_and_problems(session: CourseSession) -> list[str]:
    return notices(session) + ([problems(session)] if session.problems else [])
