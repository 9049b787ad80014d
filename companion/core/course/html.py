"""The course as one self-contained HTML file: a table of sessions and inline SVG charts.

Charts: each instrument's score across the sessions, its bands shaded behind the line, and the
highest blood pressure of each session. Every point carries `data-session` and `data-value`, so
what a chart shows can be checked. Nothing is fetched; every recorded text is escaped.
"""

from __future__ import annotations

from html import escape

from companion.core.course import words
from companion.core.course.assessments_seam import ScoredAssessment
from companion.core.course.codes import MATCH_RULE
from companion.core.course.model import Course
from companion.core.report.lines import Times

CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2329;
       max-width: 64rem; margin: 2rem auto; padding: 0 1.25rem; background: #fff; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; border-bottom: 1px solid #c9d1d8; padding-bottom: .2rem; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { text-align: left; padding: .3rem .45rem; border-bottom: 1px solid #e1e6ea; vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
tr.damaged td { color: #8a2c0d; }
.muted { color: #5a6570; }
figure { margin: .75rem 0; break-inside: avoid; }
figcaption { font-size: .85em; color: #5a6570; }
svg text { font: 11px system-ui, sans-serif; fill: #5a6570; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; } h2 { break-after: avoid; } }
"""

BAND_FILLS = ("#eef5ec", "#f6f3e4", "#f8ebdf", "#f6e1dc", "#f0d6d6")
WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 120, 12, 30


def render_course_html(course: Course, times: Times) -> str:
    title = f"Course of treatment: {course.client_code}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="muted">{escape(words.span(course, times))} ({escape(MATCH_RULE)}).</p>',
    ]
    parts += _table(course, times)
    parts += score_charts(course)
    parts += bp_chart(course)
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _table(course: Course, times: Times) -> list[str]:
    if not course.sessions:
        return ['<p class="muted">No sessions recorded for this client code.</p>']
    head = words.SESSION_HEADINGS
    out = [
        "<section><h2>Sessions</h2>",
        "<table>",
        "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead>",
        "<tbody>",
    ]
    for index, session in enumerate(course.sessions):
        if session.damaged:
            out.append(
                f'<tr class="damaged"><td>{index + 1}</td><td>{escape(words.date(session, times))}</td>'
                f'<td colspan="7">{escape(words.problems(session))}</td></tr>'
            )
            continue
        cells = words.session_cells(course, index, times)
        out.append("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>")
    out += ["</tbody>", "</table>", "</section>"]
    return out


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if count <= 1 else index * span / (count - 1))


def _frame(label: str, count: int) -> list[str]:
    out = [
        "<figure>",
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(label)}">',
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" height="{HEIGHT - TOP - BOTTOM}" '
        'fill="none" stroke="#c9d1d8"/>',
    ]
    for index in range(count):
        out.append(f'<text x="{_x(index, count):.1f}" y="{HEIGHT - 10}" text-anchor="middle">{index + 1}</text>')
    return out


def _series(points: list[tuple[int, float, float]], colour: str, name: str, dash: str = "") -> list[str]:
    """A polyline through (session number, x, y) points, with a marked circle at each."""
    if not points:
        return []
    path = " ".join(f"{x:.1f},{y:.1f}" for _, x, y in points)
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return [
        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dashes}>'
        f"<title>{escape(name)}</title></polyline>"
    ]


def score_charts(course: Course) -> list[str]:
    """One chart per instrument scored in the course, before-dose and after-dose lines apart."""
    count = len(course.sessions)
    instruments: dict[str, list[tuple[int, ScoredAssessment, str]]] = {}
    for index, session in enumerate(course.sessions):
        for timing, results in (("before", session.before_dose()), ("after", session.after_dose())):
            for result in results:
                if result.score is not None:
                    instruments.setdefault(result.instrument_id, []).append((index, result, timing))
    out: list[str] = []
    for scored in instruments.values():
        out += _score_chart(scored, count)
    if out:
        out = ["<section><h2>Scores across the course</h2>", *out, "</section>"]
    return out


def _score_chart(scored: list[tuple[int, ScoredAssessment, str]], count: int) -> list[str]:
    first = scored[0][1]
    top = first.max_score or max((r.score or 0.0) for _, r, _ in scored) or 1.0

    def y(value: float) -> float:
        return TOP + (top - value) / top * (HEIGHT - TOP - BOTTOM)

    out = _frame(f"{first.title} scores across the sessions", count)
    for number, band in enumerate(first.bands):
        # Whole-number scores: a band 5-9 covers 4.5 to 9.5, so the shading leaves no gaps.
        upper, lower = y(min(band.high + 0.5, top)), y(max(band.low - 0.5, 0.0))
        fill = BAND_FILLS[number % len(BAND_FILLS)]
        out.append(
            f'<rect class="band" data-band="{escape(band.label)}" x="{LEFT}" y="{upper:.1f}" '
            f'width="{WIDTH - LEFT - RIGHT}" height="{max(0.0, lower - upper):.1f}" fill="{fill}"/>'
        )
        out.append(
            f'<text x="{WIDTH - RIGHT + 4}" y="{(upper + lower) / 2 + 3:.1f}" style="font-size: 9px">'
            f"{escape(band.label)} {band.low:g}–{band.high:g}</text>"
        )
    for value in (0.0, top):
        out.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value:g}</text>')
    for timing, colour, dash in (("before", "#1f5f99", ""), ("after", "#a33b20", "5 3")):
        points = [(i + 1, _x(i, count), y(r.score or 0.0), r.score or 0.0) for i, r, t in scored if t == timing]
        out += _series([(n, x, py) for n, x, py, _ in points], colour, f"{first.title} {timing} the dose", dash)
        out += [
            f'<circle class="point" data-series="{timing}" data-session="{n}" data-value="{v:g}" '
            f'cx="{x:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>'
            for n, x, py, v in points
        ]
    out += [
        "</svg>",
        f"<figcaption>{escape(first.title)} by session number: solid, before the dose; dashed, after it. "
        "Shaded: the instrument's bands.</figcaption>",
        "</figure>",
    ]
    return out


def bp_chart(course: Course) -> list[str]:
    """The highest systolic and its diastolic in each session; empty with no reading at all."""
    count = len(course.sessions)
    readings = [(i, s.highest_bp) for i, s in enumerate(course.sessions) if s.highest_bp is not None]
    if not readings:
        return []
    values = [bp.systolic for _, bp in readings] + [bp.diastolic for _, bp in readings if bp.diastolic is not None]
    low, high = (min(values) // 20) * 20, (max(values) // 20 + 1) * 20

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * (HEIGHT - TOP - BOTTOM)

    out = ["<section><h2>Blood pressure per session</h2>"]
    out += _frame("Highest blood pressure of each session", count)
    for value in range(int(low), int(high) + 1, 20):
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#eef1f3"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value}</text>')
    for name, colour, dash in (("systolic", "#1f5f99", ""), ("diastolic", "#5b9bd5", "5 3")):
        series = [(i, bp.systolic if name == "systolic" else bp.diastolic) for i, bp in readings]
        points = [(i + 1, _x(i, count), y(v), v) for i, v in series if v is not None]
        out += _series([(n, x, py) for n, x, py, _ in points], colour, name, dash)
        out += [
            f'<circle class="point" data-series="{name}" data-session="{n}" data-value="{v}" '
            f'cx="{x:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>'
            for n, x, py, v in points
        ]
    out += [
        "</svg>",
        "<figcaption>Highest systolic (solid) and its diastolic (dashed) in each session, by session number."
        "</figcaption>",
        "</figure>",
        "</section>",
    ]
    return out
