"""Concomitant medicines, adverse events and discharge checks as the journal holds them.

Pure readers of events, shared by the console and the reports. An adverse event is never
edited: each correction is kept beside what it corrects, and the latest version is the one in
force.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from companion.core.assessment_state import assessment_results, notices
from companion.core.events import (
    AdverseEventRecorded,
    AssessmentAnswered,
    AssessmentFinished,
    AssessmentStarted,
    DischargeChecked,
    Event,
    MedicineAnswered,
)

# The paperwork the timeline keeps aside for these readers.
CLINICAL_EVENTS = (
    AssessmentStarted,
    AssessmentAnswered,
    AssessmentFinished,
    MedicineAnswered,
    AdverseEventRecorded,
    DischargeChecked,
)


@dataclass(frozen=True)
class AdverseEntry:
    """An adverse event as it stands, with every version recorded (the first, then corrections)."""

    entry_id: str
    current: AdverseEventRecorded
    versions: tuple[AdverseEventRecorded, ...]

    @property
    def corrected(self) -> bool:
        return len(self.versions) > 1


def medicine_answers(events: Iterable[Event]) -> dict[str, MedicineAnswered]:
    """The latest answer for each medicine asked about, by medicine id, in the order first asked."""
    answers: dict[str, MedicineAnswered] = {}
    for event in events:
        if isinstance(event, MedicineAnswered):
            answers[event.medicine_id] = event
    return answers


def adverse_events(events: Iterable[Event]) -> tuple[AdverseEntry, ...]:
    versions: dict[str, list[AdverseEventRecorded]] = {}
    for event in events:
        if isinstance(event, AdverseEventRecorded):
            versions.setdefault(event.entry_id, []).append(event)
    return tuple(AdverseEntry(entry_id, found[-1], tuple(found)) for entry_id, found in versions.items())


def next_adverse_id(events: Iterable[Event]) -> str:
    used = {event.entry_id for event in events if isinstance(event, AdverseEventRecorded)}
    number = 1
    while f"ae-{number}" in used:
        number += 1
    return f"ae-{number}"


def discharge_checks(events: Iterable[Event]) -> tuple[DischargeChecked, ...]:
    return tuple(event for event in events if isinstance(event, DischargeChecked))


def clinical_views(events: Sequence[Event]) -> dict[str, Any]:
    """The SessionState fields read from the clinical events (see timeline.compute_state)."""
    results = assessment_results(events)
    return {
        "assessments": results,
        "notices": notices(results),
        "medicines": medicine_answers(events),
        "adverse_events": adverse_events(events),
        "discharge_checks": discharge_checks(events),
    }
