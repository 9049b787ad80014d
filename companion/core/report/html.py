"""The report as one self-contained, printable HTML file: inline CSS, an inline SVG vitals chart.

Nothing is fetched: no fonts, scripts or images from elsewhere, so the file opens the same
offline, in a record system, or printed. Every piece of recorded text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from companion.core.report import music_log, words
from companion.core.report.model import SessionReport, TimedText

_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2329;
       max-width: 60rem; margin: 2rem auto; padding: 0 1.25rem; background: #fff; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; border-bottom: 1px solid #c9d1d8; padding-bottom: .2rem; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.25rem; margin: 0; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; }
.gaps { border-left: 4px solid #b7791f; background: #fdf6e7; padding: .5rem .9rem; margin: 1rem 0; }
.gaps p { margin: .2rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .95em; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e1e6ea; vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
td.flag { color: #8a2c0d; font-weight: 600; }
.muted { color: #5a6570; }
ul.checklist { list-style: none; padding-left: 0; }
ul.checklist li::before { content: "\\2610  "; }
ul.checklist li.done::before { content: "\\2611  "; }
h3 { font-size: 1rem; margin: .8rem 0 .2rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
figure { margin: .75rem 0; }
figcaption { font-size: .85em; color: #5a6570; }
svg text { font: 11px system-ui, sans-serif; fill: #5a6570; }
footer { margin-top: 2rem; font-size: .85em; color: #5a6570; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  table, figure, .gaps { break-inside: avoid; }
}
"""

_SERIES = (
    ("Systolic", "systolic", "#1f5f99", ""),
    ("Diastolic", "diastolic", "#5b9bd5", "5 3"),
    ("Heart rate", "heart_rate", "#a33b20", "2 3"),
)


def render_html(report: SessionReport) -> str:
    title = escape(words.title(report))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{title}</h1>",
        '<dl class="summary">',
        *(f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>" for name, value in words.summary_rows(report)),
        "</dl>",
    ]
    if report.gaps:
        parts.append('<div class="gaps" role="note">')
        parts += [f"<p>{escape(gap)}</p>" for gap in report.gaps]
        parts.append("</div>")
    parts += _doses(report) + _vitals(report) + _phases(report) + _reminders(report)
    parts += _exercises(report) + _timed(report, "Distress markers", report.distress, "None marked.")
    parts += _timed(report, "Music log", report.music, music_log.NONE)
    parts += _timed(report, "Notes", report.notes, words.NONE_RECORDED) + _checklist(report)
    parts += _clinical(report)
    parts += [f"<footer>{escape(words.footer(report))}</footer>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _table(head: list[str], rows: list[list[str]], flag_column: int | None = None) -> list[str]:
    out = ["<table>", "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead>", "<tbody>"]
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            css = ' class="flag"' if index == flag_column and cell else ""
            cells.append(f"<td{css}>{escape(cell)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _clinical(report: SessionReport) -> list[str]:
    """Notices, assessments, medicines, adverse events and the discharge check."""
    from companion.core.report.clinical_words import Table, clinical_sections

    out: list[str] = []
    for heading, blocks in clinical_sections(report):
        body: list[str] = []
        for block in blocks:
            if isinstance(block, Table):
                body += _table(block.head, block.rows)
            elif block.heading:
                body += [f"<h3>{escape(line)}</h3>" for line in block.lines]
            elif block.bullets:
                body += ["<ul>", *(f"<li>{escape(line)}</li>" for line in block.lines), "</ul>"]
            else:
                body += [f"<p>{escape(line)}</p>" for line in block.lines]
        out += _section(heading, body)
    return out


def _section(heading: str, body: list[str]) -> list[str]:
    return [f"<section><h2>{escape(heading)}</h2>", *body, "</section>"]


def _empty(text: str) -> list[str]:
    return [f'<p class="muted">{escape(text)}</p>']


def _doses(report: SessionReport) -> list[str]:
    t, day = report.times, report.day
    rows = [
        [
            t.clock_on(d.given_at, day),
            f"{words.amount(d.amount)} {d.unit}",
            d.route or "—",
            d.lot or "—",
            t.clock_on(d.recorded_at, day),
        ]
        for d in report.doses
    ]
    body = _table(["Given", "Amount", "Route", "Lot", "Recorded"], rows) if rows else _empty(words.NONE_RECORDED)
    note = words.dose_entries_note(report)
    if note:
        body.append(f"<p>{escape(note)}</p>")
    return _section("Doses", body)


def _vitals(report: SessionReport) -> list[str]:
    if not report.vitals:
        return _section("Vitals", _empty(words.NONE_RECORDED))
    body = _table(list(words.VITALS_HEADINGS), words.vitals_rows(report), flag_column=6)
    if report.safety is not None:
        body.append(f'<p class="muted">{escape(words.thresholds(report.safety))}</p>')
    body += vitals_chart(report)
    return _section("Vitals", body)


def vitals_chart(report: SessionReport, width: int = 640, height: int = 220) -> list[str]:
    """A small line chart of blood pressure and heart rate over the session; empty with < 2 readings."""
    readings = [v for v in report.vitals if any(getattr(v, key) is not None for _, key, _, _ in _SERIES)]
    if len(readings) < 2:
        return []
    left, right, top, bottom = 44, 12, 12, 28
    start = report.started_at if report.started_at is not None else readings[0].at
    end = max(readings[-1].at, report.ended_at or readings[-1].at)
    if end <= start:
        end = start + 60
    values: list[float] = [getattr(v, key) for v in readings for _, key, _, _ in _SERIES if getattr(v, key) is not None]
    safety = report.safety
    named_limits = (
        [("systolic", safety.systolic_max), ("diastolic", safety.diastolic_max), ("heart rate", safety.heart_rate_max)]
        if safety
        else []
    )
    limits = [(name, value) for name, value in named_limits if value is not None]
    low = min(values + [value for _, value in limits])
    high = max(values + [value for _, value in limits])
    low, high = (low // 20) * 20, (high // 20 + 1) * 20

    def x(at: float) -> float:
        return left + (at - start) / (end - start) * (width - left - right)

    def y(value: float) -> float:
        return top + (high - value) / (high - low) * (height - top - bottom)

    t = report.times
    out = [
        "<figure>",
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="Blood pressure and heart rate over the session">',
        f'<rect x="{left}" y="{top}" width="{width - left - right}" height="{height - top - bottom}" '
        'fill="none" stroke="#c9d1d8"/>',
    ]
    for value in range(int(low), int(high) + 1, 20):
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#eef1f3"/>')
        out.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value}</text>')
    for name, limit in limits:
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(limit):.1f}" y2="{y(limit):.1f}" '
            'stroke="#b7791f" stroke-dasharray="6 4"/>'
        )
        out.append(
            f'<text x="{width - right - 4}" y="{y(limit) - 3:.1f}" text-anchor="end">{escape(name)} {limit:g}</text>'
        )
    for at, label in ((start, t.clock(start)), (end, t.clock(end))):
        anchor = "start" if at == start else "end"
        out.append(f'<text x="{x(at):.1f}" y="{height - 8}" text-anchor="{anchor}">{escape(label)}</text>')
    if report.dose_at is not None and start <= report.dose_at <= end:
        dx = x(report.dose_at)
        out.append(
            f'<line x1="{dx:.1f}" x2="{dx:.1f}" y1="{top}" y2="{height - bottom}" stroke="#8795a1" stroke-dasharray="2 2"/>'
        )
        out.append(f'<text x="{dx:.1f}" y="{height - 8}" text-anchor="middle">dose</text>')
    for label, key, colour, dash in _SERIES:
        points = [(x(v.at), y(getattr(v, key))) for v in readings if getattr(v, key) is not None]
        if not points:
            continue
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dashes}>'
            f"<title>{escape(label)}</title></polyline>"
        )
        out += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="{colour}"/>' for px, py in points]
    out.append("</svg>")
    legend = ", ".join(f"{label} ({_style_name(dash)})" for label, _, _, dash in _SERIES)
    caption = f"{legend}. Dashed amber lines: this script's thresholds." if limits else f"{legend}."
    out += [f"<figcaption>{escape(caption)}</figcaption>", "</figure>"]
    return out


def _style_name(dash: str) -> str:
    return {"": "solid", "5 3": "dashed"}.get(dash, "dotted")


def _phases(report: SessionReport) -> list[str]:
    t, day = report.times, report.day
    rows = [
        [
            p.title,
            t.clock_on(p.started_at, day),
            words.phase_planned(p),
            words.phase_actual(p),
            words.phase_difference(p),
        ]
        for p in report.phases
    ]
    body = (
        _table(["Phase", "Started", "Planned", "Actual", "Difference"], rows) if rows else _empty(words.NONE_RECORDED)
    )
    if report.pauses:
        text = "; ".join(words.pause_text(report, p.started_at, p.ended_at) for p in report.pauses)
        body.append(f"<p>Paused: {escape(text)}.</p>")
    return _section("Phases", body)


def _reminders(report: SessionReport) -> list[str]:
    if not (report.script_found or report.reminders):
        return []
    rows = [
        [r.text or r.reminder_id, words.reminder_due(report, r), words.reminder_outcome(report, r)]
        for r in report.reminders
    ]
    body = _table(["Reminder", "Due", "Outcome"], rows) if rows else _empty("This script has no reminders.")
    return _section("Reminders", body)


def _exercises(report: SessionReport) -> list[str]:
    t, day = report.times, report.day
    rows = [
        [e.title, t.clock_on(e.started_at, day), words.exercise_ended(report, e), words.exercise_outcome(e)]
        for e in report.exercises
    ]
    body = _table(["Exercise", "Started", "Ended", "Outcome"], rows) if rows else _empty("None used.")
    return _section("Exercises", body)


def _timed(report: SessionReport, heading: str, items: Sequence[TimedText], empty: str) -> list[str]:
    if not items:
        return _section(heading, _empty(empty))
    lines = ["<ul>"]
    for item in items:
        text = item.text or "(no words recorded)"
        lines.append(f"<li><strong>{escape(report.times.clock_on(item.at, report.day))}</strong> {escape(text)}</li>")
    lines.append("</ul>")
    return _section(heading, lines)


def _checklist(report: SessionReport) -> list[str]:
    if not report.checklist:
        return _section("Checklist", _empty(words.NONE_RECORDED))
    body: list[str] = []
    current = None
    for item in report.checklist:
        if item.phase_id != current:
            if current is not None:
                body.append("</ul>")
            body += [f"<h3>{escape(item.phase_title)}</h3>", '<ul class="checklist">']
            current = item.phase_id
        when = (
            f' <span class="muted">({escape(report.times.clock_on(item.at, report.day))})</span>'
            if item.done and item.at
            else ""
        )
        state = "done" if item.done else "not done"
        body.append(
            f'<li class="{"done" if item.done else "open"}"><span class="visually-hidden">[{state}] </span>'
            f"{escape(item.item)}{when}</li>"
        )
    body.append("</ul>")
    return _section("Checklist", body)
