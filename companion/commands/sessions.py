"""`companion sessions`: past sessions from the journal store, newest first, as a plain table."""

from __future__ import annotations

import argparse
from datetime import datetime

from companion.core.journal.store import JournalStore, SessionSummary
from companion.core.text import for_terminal
from companion.core.timefmt import format_minutes

# No Script column: the session id ends with the script's id, and 80 columns are enough.
COLUMNS = ("Session", "Started", "Client", "Duration", "Status")


def run(args: argparse.Namespace) -> int:
    store = JournalStore()
    sessions = store.list_sessions()
    if not sessions:
        print("No sessions recorded yet.")
    else:
        print(render_table(sessions))
    for problem in store.problems:
        print(f"Skipped: {for_terminal(problem)}")
    return 0


def render_table(sessions: list[SessionSummary]) -> str:
    rows = [COLUMNS, *(_row(summary) for summary in sessions)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _row(summary: SessionSummary) -> tuple[str, ...]:
    started = summary.started_at if summary.started_at is not None else summary.created
    duration = summary.duration
    status = "finished" if summary.finished else "unfinished"
    if summary.rehearsal:
        status += f" (rehearsal x{summary.speed:g})"
    return (
        for_terminal(summary.session_id),
        datetime.fromtimestamp(started).strftime("%Y-%m-%d %H:%M"),
        for_terminal(summary.client_code) or "-",
        format_minutes(duration) if duration is not None else "-",
        status,
    )
