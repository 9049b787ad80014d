"""The one door through which the course and the FHIR export learn a session's assessments.

Structured assessments (PHQ-9, GAD-7, MOAA/S, the post-session check), adverse events and the
discharge check are recorded by their own events; this module turns a session's events into the
small, stable shapes below, so nothing else here depends on how those events are spelled.
Until a journal holds such events every function returns nothing, and the course and the FHIR
Bundle simply have no assessments to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from companion.core.events import Event, VitalsRecorded

# The kinds of event the functions below read: a course decodes these and skips the rest.
EVENT_KINDS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    label: str


@dataclass(frozen=True)
class ItemAnswer:
    item_id: str
    text: str
    answer: str
    score: float | None


@dataclass(frozen=True)
class AssessmentResult:
    """One completed (or partly answered) assessment of one session."""

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


def session_assessments(events: Sequence[Event]) -> tuple[AssessmentResult, ...]:
    """The assessments recorded in a session, in the order they were finished."""
    return ()


def adverse_events(events: Sequence[Event]) -> tuple[AdverseEvent, ...]:
    """The adverse events recorded in a session, corrections applied."""
    return ()


def discharge_check(events: Sequence[Event]) -> str:
    """One line on how the session was discharged ("" when nothing was recorded about it)."""
    return ""


def respiratory_rate(event: VitalsRecorded) -> int | None:
    """Breaths per minute of a reading, when the vitals form recorded it."""
    return None
