"""`companion list`: the sessions, exercises, assessments and playlists the app can see, in plain text.

Readable at 80 columns: long titles are shortened and the phases of a session wrap.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

from companion.core.scripts.durations import format_duration
from companion.core.scripts.library import Library, load_library
from companion.core.text import for_terminal
from companion.core.timefmt import format_minutes

WIDTH = 80


def run(args: argparse.Namespace) -> int:
    try:
        library = load_library(list(args.scripts))
        print(for_terminal(render(library), newlines=True))
    except BrokenPipeError:  # `companion list | head`: the reader has gone; nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # noqa: BLE001 - a listing must never answer with a traceback
        print(f"companion list: internal error, please report it: {type(error).__name__}: {error}",
              file=sys.stderr)  # fmt: skip
        return 2
    return 0


def render(library: Library) -> str:
    sections = [_sessions(library), _exercises(library), _assessments(library), _playlists(library), _notes(library)]
    return "\n\n".join(section for section in sections if section)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def _sessions(library: Library) -> str:
    if not library.sessions:
        return "Sessions: none found"
    scripts = sorted(library.sessions.values(), key=lambda s: s.id)
    column = min(20, max(len(script.id) for script in scripts)) + 4
    lines = [f"Sessions ({len(scripts)})"]
    for script in scripts:
        lines.append(_shorten(f"  {script.id.ljust(column - 4)}  {script.title}", WIDTH))
        # No-break spaces keep "journey 50m" together when the line wraps.
        phases = ", ".join(
            f"{phase.id}\xa0{format_duration(phase.duration)}" + ("\xa0(dose)" if phase.dose else "")
            for phase in script.phases
        )
        facts = f"{script.route}, {format_minutes(script.total_planned)}: {phases}"
        wrapped = textwrap.fill(facts, WIDTH, initial_indent=" " * column, subsequent_indent=" " * column)
        lines.append(wrapped.replace("\xa0", " "))
    return "\n".join(lines)


def _table(rows: Iterable[tuple[str, ...]], widths: tuple[int, ...]) -> list[str]:
    lines = []
    for row in rows:
        cells = [_shorten(cell, width).ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines


def _exercises(library: Library) -> str:
    if not library.exercises:
        return "Exercises: none found"
    rows = [
        (exercise.id, exercise.title, exercise.kind, format_minutes(exercise.length))
        for exercise in sorted(library.exercises.values(), key=lambda e: e.id)
    ]
    widths = (min(22, max(len(row[0]) for row in rows)), 28, 9, 9)
    return "\n".join([f"Exercises ({len(rows)})", *_table(rows, widths)])


def _assessments(library: Library) -> str:
    if not library.assessments:
        return ""
    rows = []
    for assessment in sorted(library.assessments.values(), key=lambda a: a.id):
        count = len(assessment.items)
        items = f"{count} item" if count == 1 else f"{count} items"
        low, high = assessment.score_range
        scored = f"total {low}-{high}" if assessment.scored else "not totalled"
        rows.append((assessment.id, assessment.title, items, scored, assessment.rater))
    widths = (min(18, max(len(row[0]) for row in rows)), 24, 8, 12, 8)
    return "\n".join([f"Assessments ({len(rows)})", *_table(rows, widths)])


def _playlists(library: Library) -> str:
    if not library.playlists:
        return "Playlists: none found"
    rows = []
    for playlist in sorted(library.playlists.values(), key=lambda p: p.id):
        count = len(playlist.tracks)
        tracks = f"{count} track" if count == 1 else f"{count} tracks"
        length = format_minutes(playlist.seconds) if playlist.seconds is not None else "length unknown"
        if playlist.layered:  # a soundscape: its layers sound together, looping
            tracks, length = f"{count} layers", "soundscape"
        where = f"folder {_home(playlist.folder)}" if playlist.folder else ""
        rows.append((playlist.id, playlist.title, tracks, length, where))
    widths = (min(16, max(len(row[0]) for row in rows)), 20, 9, 14, 40)
    lines = [f"Playlists ({len(rows)})", *_table(rows, widths)]
    if library.chimes:
        chimes = ", ".join(sorted(library.chimes))
        lines.append(textwrap.fill(f"Chimes: {chimes}", WIDTH, subsequent_indent="  "))
    return "\n".join(lines)


def _home(path: Path | None) -> str:
    text = str(path)
    home = os.path.expanduser("~")
    return "~" + text[len(home) :] if home != "~" and text.startswith(home + os.sep) else text


def _notes(library: Library) -> str:
    lines = []
    origins = {os.path.realpath(f.path): f.origin for f in library.files}
    for override in library.overrides:
        hidden_origin = origins.get(os.path.realpath(override.hidden), "")
        if hidden_origin == "bundled":
            note = f"{override.id}: your file {_home(override.winner)} overrides the bundled one"
        else:
            note = f"{override.id}: {_home(override.winner)} overrides {_home(override.hidden)}"
        lines.append(
            textwrap.fill(
                f"{override.kind} {note}",
                WIDTH - 2,
                subsequent_indent="    ",
                break_on_hyphens=False,
                break_long_words=False,
            )  # fmt: skip
        )
    if library.problems:
        files = len({problem.file for problem in library.problems})
        plural = "file has" if files == 1 else "files have"
        lines.append(f"{files} {plural} problems; `companion validate` lists them.")
    return "\n".join(["Notes", *("  " + line for line in lines)]) if lines else ""
