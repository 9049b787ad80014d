"""The one door through which the course and the FHIR export learn a session's assessments.

Assessments, adverse events and the discharge check are journaled by their own events and read
by `assessment_state.assessment_results` and `clinical_record` (the readers the console, the
report and the REMS form use too); nothing is read from the events here. What this module adds
is the instrument: a `ScoredAssessment` is one of `assessment_state`'s results joined with what
the events do not carry (the instrument's bands and highest score, from the assessment files
when the caller has them, `instruments` by assessment id), flattened to the few fields a chart,
a course line and a QuestionnaireResponse need. Each answer is `assessment_state.ItemAnswer`
itself, and an adverse event's latest version is `clinical_record`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from companion.core.assessment_state import ItemAnswer, assessment_results
from companion.core.clinical_record import adverse_events as adverse_entries
from companion.core.clinical_record import discharge_checks
from companion.core.events import (
    AdverseEventRecorded,
    AssessmentAnswered,
    AssessmentFinished,
    AssessmentStarted,
    DischargeChecked,
    Event,
    VitalsRecorded,
)

if TYPE_CHECKING:  # the assessment files' reader (and YAML) only when a caller has read them
    from companion.core.scripts.assessments import Assessment

# The kinds of event the functions below read: a course decodes these and skips the rest.
EVENT_KINDS: frozenset[str] = frozenset(
    {
        AssessmentStarted.KIND,
        AssessmentAnswered.KIND,
        AssessmentFinished.KIND,
        AdverseEventRecorded.KIND,
        DischargeChecked.KIND,
    }
)


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    label: str


@dataclass(frozen=True)
class ScoredAssessment:
    """One completed (or partly answered) assessment of one session, with its instrument's
    bands and highest score."""

    instrument_id: str  # "phq-9"
    title: str  # "PHQ-9"
    at: float  # when it was finished (or last answered)
    items: tuple[ItemAnswer, ...]
    score: float | None
    band: str  # the band's label, "" when there is none
    notice: str  # a notice rule's words (PHQ-9 item 9), "" when none was raised
    bands: tuple[Band, ...] = ()  # the instrument's bands, for shading a chart
    max_score: float | None = None
    url: str = ""  # the instrument's canonical address, when it has one (FHIR Questionnaire)


@dataclass(frozen=True)
class AdverseEvent:
    at: float
    what: str
    severity: str
    serious: bool
    action: str
    outcome: str


def session_assessments(
    events: Sequence[Event], instruments: Mapping[str, Assessment] | None = None
) -> tuple[ScoredAssessment, ...]:
    """The assessments recorded in a session, in the order they were finished (or last answered,
    for one never finished)."""
    results = []
    for found in assessment_results(events, instruments):
        instrument = (instruments or {}).get(found.assessment_id)
        last = max((answer.at for answer in found.answers), default=found.started_at)
        results.append(
            ScoredAssessment(
                instrument_id=found.assessment_id,
                title=found.title,
                at=found.finished_at if found.finished_at is not None else last,
                items=found.answers,
                score=found.score,
                band=found.band,
                notice=found.notices[0] if found.notices else "",
                bands=tuple(Band(b.low, b.high, b.label) for b in instrument.bands) if instrument else (),
                max_score=float(instrument.score_range[1]) if instrument is not None and instrument.scored else None,
            )
        )
    return tuple(sorted(results, key=lambda result: result.at))


def adverse_events(events: Sequence[Event]) -> tuple[AdverseEvent, ...]:
    """The adverse events recorded in a session, each as its latest correction says."""
    entries = [entry.current for entry in adverse_entries(events)]
    return tuple(
        AdverseEvent(e.occurred_at or e.at, e.what, e.severity, e.serious, e.action, e.outcome)
        for e in sorted(entries, key=lambda e: e.occurred_at or e.at)
    )


def discharge_check(events: Sequence[Event]) -> str:
    """One line on how the session was discharged ("" when nothing was recorded about it)."""
    checks = discharge_checks(events)
    if not checks:
        return ""
    last = checks[-1]
    if not last.missing:
        return "discharge requirements met"
    missing = ", ".join(last.missing)
    return f"ended with missing: {missing}" if last.ended else f"not ended; missing: {missing}"


def respiratory_rate(event: VitalsRecorded) -> int | None:
    """Breaths per minute of a reading, when the vitals form recorded it."""
    return event.respiratory_rate
