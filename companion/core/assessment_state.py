"""Assessments as the journal holds them: each filling-in with its answers, score, band and notices.

`assessment_results(events)` is the one reader every other part uses (the console, the report,
the REMS form, and a course of treatment across sessions): it needs only the events, since
each answer carries the words asked and answered. With the assessments' definitions it also
totals a form that was fully answered but never closed (a session killed on the last item).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from companion.core.events import AssessmentAnswered, AssessmentFinished, AssessmentStarted, Event

if TYPE_CHECKING:  # the loader (and so PyYAML) is not needed to read a session's answers
    from companion.core.scripts.assessments import Assessment


@dataclass(frozen=True)
class ItemAnswer:
    item_id: str
    question: str
    answer: str
    score: int | None
    moment: float | None
    notice: str
    at: float  # when it was (last) answered


@dataclass(frozen=True)
class AssessmentResult:
    run: str
    assessment_id: str
    title: str
    started_at: float
    finished_at: float | None  # None: the form is still open (a resumed session reopens it)
    completed: bool  # every item answered and the form closed
    answers: tuple[ItemAnswer, ...]  # the latest answer to each item, in the order first answered
    score: int | None
    band: str
    reminder_id: str = ""
    terms: str = ""  # the instrument's copyright or terms of use, as shown with it

    @property
    def open(self) -> bool:
        return self.finished_at is None

    @property
    def notices(self) -> tuple[str, ...]:
        return tuple(answer.notice for answer in self.answers if answer.notice)

    def answer(self, item_id: str) -> ItemAnswer | None:
        return next((answer for answer in self.answers if answer.item_id == item_id), None)


@dataclass(frozen=True)
class Notice:
    """A persistent line for the therapist's screen and the report."""

    at: float
    text: str
    run: str


class _Run:
    def __init__(self, started: AssessmentStarted) -> None:
        self.started = started
        self.answers: dict[str, ItemAnswer] = {}
        self.finished: AssessmentFinished | None = None


def assessment_results(
    events: Iterable[Event], definitions: Mapping[str, Assessment] | None = None
) -> tuple[AssessmentResult, ...]:
    """Every assessment the events hold, in the order they were started."""
    runs: dict[str, _Run] = {}
    for event in events:
        if isinstance(event, AssessmentStarted):
            runs.setdefault(event.run, _Run(event))
        elif isinstance(event, AssessmentAnswered) and event.run in runs:
            runs[event.run].answers[event.item_id] = ItemAnswer(
                event.item_id, event.question, event.answer, event.score, event.moment, event.notice, event.at
            )
        elif isinstance(event, AssessmentFinished) and event.run in runs and runs[event.run].finished is None:
            runs[event.run].finished = event
    return tuple(_result(run, (definitions or {}).get(run.started.assessment_id)) for run in runs.values())


def _result(run: _Run, definition: Assessment | None) -> AssessmentResult:
    started, finished = run.started, run.finished
    answers = tuple(run.answers.values())
    score = finished.score if finished is not None else None
    band = finished.band if finished is not None else ""
    if score is None and definition is not None:
        scores = {answer.item_id: answer.score for answer in answers if answer.score is not None}
        score = definition.total(scores)
        band = definition.band(score)
    return AssessmentResult(
        run=started.run,
        assessment_id=started.assessment_id,
        title=started.title or started.assessment_id,
        started_at=started.at,
        finished_at=finished.at if finished is not None else None,
        completed=bool(finished and finished.completed),
        answers=answers,
        score=score,
        band=band,
        reminder_id=started.reminder_id,
        terms=started.terms,
    )


def notices(results: Iterable[AssessmentResult]) -> tuple[Notice, ...]:
    """Every notice an answer raised, oldest first; they stay for the rest of the session."""
    found = [Notice(answer.at, answer.notice, result.run) for result in results for answer in result.answers]
    return tuple(sorted((notice for notice in found if notice.text), key=lambda notice: notice.at))


def next_run(events: Iterable[Event], assessment_id: str) -> str:
    """A run name not yet used in this session: "phq-9#1", "phq-9#2", ..."""
    used = {event.run for event in events if isinstance(event, AssessmentStarted)}
    number = 1
    while f"{assessment_id}#{number}" in used:
        number += 1
    return f"{assessment_id}#{number}"


def answered_event(
    assessment: Assessment, run: str, item_id: str, at: float, *, score: int | None, answer: str, moment: float | None
) -> AssessmentAnswered:
    """The event for one answer, its notice worked out from the assessment's rules."""
    item = assessment.item(item_id)
    return AssessmentAnswered(
        at=at,
        run=run,
        item_id=item_id,
        question=item.text if item is not None else item_id,
        answer=answer,
        score=score,
        moment=moment,
        notice=assessment.notice(item_id, score, answer),
    )


def finished_event(assessment: Assessment, result: AssessmentResult, at: float) -> AssessmentFinished:
    """The event closing a form: complete when every item not marked optional has an answer."""
    answered = {answer.item_id for answer in result.answers}
    complete = all(item.id in answered for item in assessment.items if not item.optional)
    scores = {answer.item_id: answer.score for answer in result.answers if answer.score is not None}
    total = assessment.total(scores)
    return AssessmentFinished(at=at, run=result.run, completed=complete, score=total, band=assessment.band(total))
