"""The clinical sections of a report (notices, assessments, medicines, adverse events, discharge,
and for esketamine the REMS form's fields), as neutral blocks that the Markdown and HTML
renderers lay out each in their own way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from companion.core.assessment_state import AssessmentResult
from companion.core.report import rems
from companion.core.report.model import SessionReport

MEDICINE_WORDS = {"yes": "yes, taking it", "no": "no", "unknown": "not known"}


@dataclass(frozen=True)
class Table:
    head: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Lines:
    lines: list[str]
    bullets: bool = False
    heading: bool = False  # a sub-heading within the section


Block = Table | Lines


def clinical_sections(report: SessionReport) -> Iterator[tuple[str, list[Block]]]:
    if report.notices:
        t = report.times
        yield "Notices", [Lines([f"{t.clock_on(n.at, report.day)}: {n.text}" for n in report.notices], bullets=True)]
    yield "Assessments", _assessments(report)
    if report.medicines:
        yield "Concomitant medicines", _medicines(report)
    yield "Adverse events", _adverse(report)
    if report.discharge is not None:
        yield "Discharge check", _discharge(report)
    if rems.applies(report):
        yield "REMS Patient Monitoring Form", _rems(report)


def _rems(report: SessionReport) -> list[Block]:
    form = rems.rems_form(report)
    rows = [[f.label, f.value if f.value is not None else rems.NOT_RECORDED, f.detail] for f in form.fields]
    filled = sum(f.recorded for f in form.fields)
    return [
        Lines([f"{filled} of {len(form.fields)} fields filled from the journal (companion report --format rems)."]),
        Table(["Field", "Value", "From"], rows),
    ]


def assessment_heading(report: SessionReport, result: AssessmentResult) -> str:
    t = report.times
    when = t.clock_on(result.started_at, report.day)
    if result.open:
        state = "not finished"
    elif result.completed:
        state = f"finished {t.clock_on(result.finished_at, report.day)}" if result.finished_at else "finished"
    else:
        state = "closed with items unanswered"
    score = ""
    if result.score is not None:
        score = f": score {result.score}" + (f", {result.band}" if result.band else "")
    return f"{result.title}, {when} ({state}){score}"


def _assessments(report: SessionReport) -> list[Block]:
    if not report.assessments:
        return [Lines(["None recorded."])]
    blocks: list[Block] = []
    for result in report.assessments:
        blocks.append(Lines([assessment_heading(report, result)], heading=True))
        # A finished form without a total is an instrument that is not scored: its choices'
        # numbers mean nothing to a reader.
        scored = not (result.completed and result.score is None)
        rows = [
            [
                answer.question,
                answer.answer,
                *([] if not scored else ["" if answer.score is None else str(answer.score)]),
            ]
            for answer in result.answers
        ]
        if rows:
            blocks.append(Table(["Item", "Answer", "Score"] if scored else ["Item", "Answer"], rows))
        if result.notices:
            blocks.append(Lines([f"Notice: {notice}" for notice in result.notices], bullets=True))
        if result.terms:
            blocks.append(Lines([result.terms]))
    return blocks


def _medicines(report: SessionReport) -> list[Block]:
    t = report.times
    rows = [
        [
            line.name,
            MEDICINE_WORDS.get(line.taking, line.taking) if line.taking else "not asked",
            t.clock_on(line.at, report.day) if line.at is not None else "—",
        ]
        for line in report.medicines
    ]
    return [Table(["Medicine", "Currently taking", "Asked"], rows)]


def _adverse(report: SessionReport) -> list[Block]:
    if not report.adverse_events:
        return [Lines(["None recorded."])]
    t = report.times
    rows = []
    for entry in report.adverse_events:
        for version in entry.versions:
            recorded = t.clock_on(version.at, report.day) + (" (correction)" if version.correction else "")
            rows.append(
                [
                    entry.entry_id,
                    version.what,
                    t.clock_on(version.occurred_at, report.day),
                    version.severity,
                    "yes" if version.serious else "no",
                    version.action or "—",
                    version.outcome or "—",
                    recorded,
                ]
            )
    blocks: list[Block] = [
        Table(["Entry", "What", "When", "Severity", "Serious", "Action", "Outcome", "Recorded"], rows)
    ]
    if any(entry.corrected for entry in report.adverse_events):
        blocks.append(Lines(["A correction is a later record of the same entry; the latest one stands."]))
    return blocks


def _discharge(report: SessionReport) -> list[Block]:
    line = report.discharge
    assert line is not None
    blocks: list[Block] = []
    if line.requirements:
        blocks.append(Lines(["The script requires:"]))
        blocks.append(Lines(list(line.requirements), bullets=True))
    t = report.times
    for check in line.checks:
        when = t.clock_on(check.at, report.day)
        if check.missing:
            blocks.append(Lines([f"Ended at {when} with these requirements not met:"]))
            blocks.append(Lines(list(check.missing), bullets=True))
        else:
            blocks.append(Lines([f"Ended at {when} with every requirement met."]))
    if not line.checks:
        if line.missing_at_end:
            ended = "when the session ended" if report.finished else "when the journal stops"
            blocks.append(Lines([f"Not met {ended}:"]))
            blocks.append(Lines(list(line.missing_at_end), bullets=True))
        elif report.finished:
            blocks.append(Lines(["Every requirement was met when the session ended."]))
    return blocks
