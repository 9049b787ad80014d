"""The report's opening notes: what the journal lacks (a start, an end, its script, a torn or
damaged line) or holds that a reader should know of (a step of the computer's clock).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from companion.core.events import ClockStepped, SessionEnded, SessionStarted
from companion.core.journal.store import JournalContents
from companion.core.scripts.script import SessionScript
from companion.core.timefmt import format_minutes

if TYPE_CHECKING:
    from companion.core.report.model import Times


def journal_gaps(
    contents: JournalContents,
    script: SessionScript | None,
    started: SessionStarted | None,
    ended: SessionEnded | None,
    last_at: float | None,
    times: Times,
) -> tuple[str, ...]:
    """What a reader of the report should know the journal lacks or holds oddly, in sentences."""
    gaps: list[str] = []
    if started is None:
        gaps.append("The journal holds no start of a session.")
    if ended is None:
        if last_at is None:
            gaps.append("The session was not ended; the journal holds no events.")
        else:
            gaps.append(
                f"The session was not ended; the journal stops at {times.clock_on(last_at, started.at if started else None)}."
            )
    if contents.torn:
        gaps.append("The last line of the journal was incomplete and was left out.")
    if script is None:
        name = contents.header.script_id or contents.header.script_path or "of this session"
        gaps.append(
            f"The script {name} could not be found, so phase plans, reminders and vitals "
            "thresholds are not shown; everything the journal recorded is."
        )
    elif contents.header.script_hash and script.text_hash and script.text_hash != contents.header.script_hash:
        gaps.append("The script has changed since this session; plans and thresholds are from the current version.")
    for step in (e for e in contents.events if isinstance(e, ClockStepped)):
        size = format_minutes(abs(step.offset))
        direction = "ahead" if step.offset > 0 else "back"
        when = times.clock_on(step.at, started.at if started else None)
        gaps.append(
            f"The computer's clock moved {size} {direction} at {when}; the times here follow the session's own clock."
        )
    for problem in contents.problems:
        if contents.torn and "last line" in problem:
            continue  # said above in the report's own words
        sentence = problem[:1].upper() + problem[1:]
        gaps.append(sentence if sentence.endswith(".") else sentence + ".")
    return tuple(gaps)
