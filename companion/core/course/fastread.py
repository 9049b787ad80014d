"""Reading a journal for a course: only the events a course shows are decoded.

A course of two hundred sessions is hundreds of thousands of events, most of them notes, ticks
and acknowledgements a course never shows. A plain journal writes each event's kind first
(`{"kind":"note_added",...`), so those lines are skipped by their first bytes and only the
kinds in `wanted` are decoded, type-checked as replay does. A line that does not even begin
like an event is counted as damaged, as `read_journal` would. Only journals of format 1
take this path; encrypted ones (each line sealed), format 2 (numbered lines, put back in
order) and anything unusual are read whole by `read_journal`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from pathlib import Path

from companion.core.events import Event, UnknownEvent
from companion.core.journal.store import JournalContents, decode_line, parse_header, read_journal

_KIND = re.compile(rb'\{"kind": ?"([a-z_]+)"')


def course_contents(path: Path, wanted: Collection[str]) -> JournalContents:
    """The journal's header and its events of the `wanted` kinds (problems as read_journal says
    them). Raises JournalError when the journal cannot be read at all."""
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError:
        return read_journal(path)  # says why in its own words
    first = data.find(b"\n")
    try:
        header = json.loads(data[:first]) if first > 0 else None
    except ValueError:
        header = None
    if not isinstance(header, dict) or "encryption" in header or header.get("format") != 1:
        return read_journal(path)
    journal_header = parse_header(data[:first], path)  # read_journal's own checks and messages
    kinds = {kind.encode() for kind in wanted}
    lines = data[first + 1 :].split(b"\n")
    tail = lines.pop()
    torn = bool(tail)
    events: list[Event] = []
    problems: list[str] = []
    last = len(lines) + 1  # the 1-based number of the last complete line
    for number, line in enumerate(lines, start=2):
        match = _KIND.match(line)
        if match is not None and match.group(1) not in kinds:
            continue
        try:
            events.append(decode_line(line))
        except ValueError as error:
            if number == last and not torn:
                torn = True  # the last line is garbage: a crash mid-write
                continue
            reason = str(error) if isinstance(error, UnknownEvent) else "not valid JSON"
            problems.append(f"line {number} could not be read and was skipped ({reason})")
    if torn:
        problems.append("the last line was incomplete (the program stopped while writing it) and was ignored")
    return JournalContents(journal_header, tuple(events), torn, tuple(problems))
