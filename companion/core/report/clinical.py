"""The clinical record's facts in a report: concomitant medicines and the discharge check.

Gathered here from the events (and the script) for `model.build_report`; assessments and
adverse events come straight from `assessment_state` and `clinical_record`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from companion.core import discharge as gate
from companion.core.assessment_state import assessment_results
from companion.core.clinical_record import discharge_checks, medicine_answers
from companion.core.events import DischargeChecked, Event
from companion.core.scripts.script import SessionScript
from companion.core.timeline import SessionState


@dataclass(frozen=True)
class MedicineLine:
    medicine_id: str
    name: str
    taking: str | None  # "yes", "no", "unknown"; None: not asked
    at: float | None
    detail: str = ""


@dataclass(frozen=True)
class DischargeLine:
    """What the script required for discharge, and what was missing."""

    requirements: tuple[str, ...]  # the script's requirements, in words
    checks: tuple[DischargeChecked, ...]  # each time the clinician ended past the gate
    missing_at_end: tuple[str, ...]  # the gate as it stood when the session ended (or now)


def medicine_lines(events: Sequence[Event], script: SessionScript | None) -> tuple[MedicineLine, ...]:
    answers = medicine_answers(events)
    lines = []
    for medicine in script.medicines if script is not None else ():
        answer = answers.pop(medicine.id, None)
        lines.append(
            MedicineLine(
                medicine.id,
                medicine.name,
                answer.taking if answer else None,
                answer.at if answer else None,
                answer.detail if answer else "",
            )
        )
    for ident, answer in answers.items():  # asked, though the script (now) does not list it
        lines.append(MedicineLine(ident, answer.name or ident, answer.taking, answer.at, answer.detail))
    return tuple(lines)


def discharge_line(
    events: Sequence[Event], script: SessionScript | None, state: SessionState | None
) -> DischargeLine | None:
    checks = discharge_checks(events)
    if script is None or script.discharge is None:
        return DischargeLine((), checks, checks[-1].missing if checks else ()) if checks else None
    missing = gate.check(state).missing if state is not None else (checks[-1].missing if checks else ())
    titles = {result.assessment_id: result.title for result in assessment_results(events)}
    return DischargeLine(gate.requirement_words(script.discharge, titles), checks, missing)
