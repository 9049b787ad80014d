"""The course in the terminal (80 columns) and as a Markdown report."""

from __future__ import annotations

import textwrap
from pathlib import Path

from companion.core.course import words
from companion.core.course.codes import MATCH_RULE
from companion.core.course.model import ClientLine, Course
from companion.core.report.lines import Times

WIDTH = 80


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_terminal(course: Course, times: Times) -> str:
    """One row per session, with indented lines under it for scores, notices and damage."""
    out = [f"Course of {course.client_code}: {words.span(course, times)}", f"({MATCH_RULE})", ""]
    if not course.sessions:
        out.append("No sessions recorded for this client code (`companion course` lists the clients).")
        return "\n".join(out) + "\n"
    out.append(f"{'#':>3}  {'Date':<10}  {'Since':>5}  {'Script':<16}  {'Dose':<24}  {'High BP':>7}")
    for index, session in enumerate(course.sessions):
        number = f"{index + 1:>3}"
        if session.damaged:
            line = f"{number}  {words.date(session, times):<10}  {words.problems(session)}"
            out += textwrap.wrap(line, WIDTH, subsequent_indent=" " * 17)
            continue
        out.append(
            f"{number}  {words.date(session, times):<10}  {words.gap(course.since_previous(index)):>5}  "
            f"{_cut(session.script_id, 16):<16}  {_cut(words.dose(session), 24):<24}  "
            f"{words.blood_pressure(session):>7}"
        )
        details = []
        if session.assessments:
            details.append(words.assessments(session))
        details += words.notices(session)
        details.append(f"Discharge: {words.discharge(session)}")
        if words.problems(session):
            details.append(words.problems(session))
        for detail in details:
            out += textwrap.wrap(detail, WIDTH, initial_indent=" " * 5, subsequent_indent=" " * 7)
    return "\n".join(out) + "\n"


def render_clients(clients: tuple[ClientLine, ...], times: Times, unreadable: tuple[Path, ...] = ()) -> str:
    lost = [f"Unreadable, naming no client: {path}" for path in unreadable]
    if not clients:
        return "\n".join(["No client codes in the journals yet.", *lost]) + "\n"
    out = [f"{'Client':<20}  {'Sessions':>8}  Last visit"]
    for client in clients:
        last = times.date(client.last_visit) if client.last_visit is not None else words.DASH
        damaged = f"  ({client.damaged} damaged)" if client.damaged else ""
        out.append(f"{_cut(client.client_code, 20):<20}  {client.sessions:>8}  {last}{damaged}")
    out += ["", f"({MATCH_RULE}; `companion course CODE` shows one)", *lost]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(course: Course, times: Times) -> str:
    out = [
        f"# Course of treatment: {_cell(course.client_code)}",
        "",
        f"{words.span(course, times)} ({MATCH_RULE}).",
        "",
    ]
    if not course.sessions:
        return "\n".join(out + ["No sessions recorded for this client code.", ""])
    out += [
        "| # | Date | Since previous | Script | Dose | Highest BP | Assessments | Notices | Discharge |",
        "|---|------|----------------|--------|------|------------|-------------|---------|-----------|",
    ]
    damaged = []
    for index, session in enumerate(course.sessions):
        if session.damaged:
            damaged.append((index, session))
            out.append(f"| {index + 1} | {words.date(session, times)} | | | | | | {_cell(words.problems(session))} | |")
            continue
        cells = words.session_cells(course, index, times)
        out.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    if damaged:
        out += ["", "## Damaged journals", ""]
        out += [f"- Session {i + 1} ({_cell(s.session_id)}): {_cell(s.damaged)}" for i, s in damaged]
    out += ["", "Session ids: " + ", ".join(f"{i + 1} {s.session_id}" for i, s in enumerate(course.sessions)), ""]
    return "\n".join(out)
