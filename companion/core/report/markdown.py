"""The report as Markdown, for pasting into a clinical record.

Plain enough to read as text where the record does not render Markdown: tables for the
numbers, lists for the notes. Free text is kept as written; only what would break a table
(a pipe, a line break) or would vanish when rendered (a '<' opening a tag) is changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from companion.core.report import music_log, words
from companion.core.report.model import SessionReport, TimedText
from companion.core.text import for_markdown


def render_markdown(report: SessionReport) -> str:
    out: list[str] = [f"# {_line(words.title(report))}", ""]
    out += [f"- **{name}:** {_line(value)}" for name, value in words.summary_rows(report)]
    if report.gaps:
        out.append("")
        out += [f"> {_line(gap)}" for gap in report.gaps]
    for heading, body in _sections(report):
        out += ["", f"## {heading}", ""]
        out += body
    out += ["", "---", "", words.footer(report), ""]
    return "\n".join(out)


def _sections(report: SessionReport) -> Iterator[tuple[str, list[str]]]:
    t = report.times
    day = report.day

    doses = _table(
        ["Given", "Amount", "Route", "Lot", "Recorded"],
        [
            [
                t.clock_on(d.given_at, day),
                f"{words.amount(d.amount)} {d.unit}",
                d.route or "—",
                d.lot or "—",
                t.clock_on(d.recorded_at, day),
            ]
            for d in report.doses
        ],
    )
    note = words.dose_entries_note(report)
    yield "Doses", (doses + ["", note] if note else doses) or [words.NONE_RECORDED]

    vitals = _table(list(words.VITALS_HEADINGS), words.vitals_rows(report))
    body = vitals or [words.NONE_RECORDED]
    if report.safety is not None and report.vitals:
        body = body + ["", _line(words.thresholds(report.safety))]
    yield "Vitals", body

    phases = _table(
        ["Phase", "Started", "Planned", "Actual", "Difference"],
        [
            [
                p.title,
                t.clock_on(p.started_at, day),
                words.phase_planned(p),
                words.phase_actual(p),
                words.phase_difference(p),
            ]
            for p in report.phases
        ],
    )
    body = phases or [words.NONE_RECORDED]
    if report.pauses:
        body = body + [
            "",
            "Paused: " + "; ".join(words.pause_text(report, p.started_at, p.ended_at) for p in report.pauses) + ".",
        ]
    yield "Phases", body

    if report.script_found or report.reminders:
        reminders = _table(
            ["Reminder", "Due", "Outcome"],
            [
                [r.text or r.reminder_id, words.reminder_due(report, r), words.reminder_outcome(report, r)]
                for r in report.reminders
            ],
        )
        yield "Reminders", reminders or ["This script has no reminders."]

    exercises = _table(
        ["Exercise", "Started", "Ended", "Outcome"],
        [
            [e.title, t.clock_on(e.started_at, day), words.exercise_ended(report, e), words.exercise_outcome(e)]
            for e in report.exercises
        ],
    )
    yield "Exercises", exercises or ["None used."]

    yield "Distress markers", _timed_list(report, report.distress, empty="None marked.")
    yield "Music log", _timed_list(report, report.music, empty=music_log.NONE)
    yield "Notes", _timed_list(report, report.notes, empty=words.NONE_RECORDED)

    checklist: list[str] = []
    current = None
    for item in report.checklist:
        if item.phase_id != current:
            if checklist:
                checklist.append("")
            checklist.append(f"{_line(item.phase_title)}:")
            current = item.phase_id
        when = f" ({t.clock_on(item.at, day)})" if item.done and item.at is not None else ""
        checklist.append(f"- [{'x' if item.done else ' '}] {_line(item.item)}{when}")
    yield "Checklist", checklist or [words.NONE_RECORDED]
    yield from _clinical(report)


def _clinical(report: SessionReport) -> Iterator[tuple[str, list[str]]]:
    """Notices, assessments, medicines, adverse events and the discharge check."""
    from companion.core.report.clinical_words import Table, clinical_sections

    for heading, blocks in clinical_sections(report):
        body: list[str] = []
        for block in blocks:
            if body:
                body.append("")
            if isinstance(block, Table):
                body += _table(block.head, block.rows)
            else:
                style = "- {}" if block.bullets else "**{}**" if block.heading else "{}"
                body += [style.format(_line(line)) for line in block.lines]
        yield heading, body


def _timed_list(report: SessionReport, items: Iterable[TimedText], *, empty: str) -> list[str]:
    lines = []
    for item in items:
        text = _line(item.text) if item.text else "(no words recorded)"
        lines.append(f"- {report.times.clock_on(item.at, report.day)}: {text}")
    return lines or [empty]


def _line(text: str) -> str:
    """One line of text as given: no HTML, no live link or image (core.text.for_markdown)."""
    return for_markdown(text)


def _cell(text: str) -> str:
    return _line(text).replace("|", "\\|")


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return []
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return lines
